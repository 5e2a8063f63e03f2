# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from collections import defaultdict
from urllib.parse import quote

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import wxclient

# transfer_customer takes at most 100 customers per call
TRANSFER_BATCH = 100


class RetailStore(models.Model):
    _inherit = "retail.store"

    retail_wecom_contact_way_ids = fields.One2many(
        "retail.wecom.contact.way", "store_id", string="WeCom QR Codes"
    )
    retail_oa_qr_url = fields.Char(
        string="Official Account QR Code URL", readonly=True, copy=False
    )
    retail_oa_qr_image = fields.Image(
        string="Official Account QR Code",
        readonly=True,
        copy=False,
        attachment=True,
        max_width=1024,
    )

    def _retail_oa_scene(self):
        self.ensure_one()
        return f"rcstore{self.id}"

    def action_retail_oa_request_qr(self):
        """Queue the creation of the store's permanent Official Account QR."""
        for store in self:
            # sudo: only whether the Official Account is configured matters
            if not store.company_id.sudo().retail_oa_app_id:
                raise UserError(
                    self.env._(
                        "The Official Account of %(company)s is not configured.",
                        company=store.company_id.name,
                    )
                )
            store.with_delay(
                description=f"Official Account QR code of store {store.id}"
            )._retail_oa_create_qr()
        return True

    def _retail_oa_create_qr(self):
        """Create the permanent parametric QR code (QR_LIMIT_STR_SCENE) of
        the store and download its image (job). Followers who scan it send
        a subscribe / SCAN event with the store's scene."""
        self.ensure_one()
        company = self.company_id
        data = self.env["retail.wechat.api"]._retail_call(
            company,
            "oa",
            "POST",
            "cgi-bin/qrcode/create",
            payload={
                "action_name": "QR_LIMIT_STR_SCENE",
                "action_info": {"scene": {"scene_str": self._retail_oa_scene()}},
            },
        )
        ticket = data.get("ticket")
        if not ticket:
            return "no ticket"
        # sudo: the base URL is a technical setting
        base = company.sudo().retail_wechat_base_url or "https://mp.weixin.qq.com"
        image_url = wxclient.api_url(
            base, "cgi-bin/showqrcode?ticket=" + quote(ticket, safe="")
        )
        vals = {"retail_oa_qr_url": data.get("url") or image_url}
        try:
            vals["retail_oa_qr_image"] = base64.b64encode(wxclient.download(image_url))
        except wxclient.WeChatTransportError:
            vals["retail_oa_qr_image"] = False
        self.write(vals)
        return ticket

    def _retail_reassign_members(self, leaving, target=None, reason=None):
        """Also ask WeCom to transfer the customers of the leaving associates
        to the associates who take them over (jobs)."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        linked = Partner.search(
            [
                ("is_retail_member", "=", True),
                ("retail_store_id", "in", self.ids),
                ("user_id", "in", leaving.ids),
                ("retail_wecom_external_userid", "!=", False),
                ("retail_wecom_status", "=", "active"),
            ]
        )
        handover = {p: p.retail_wecom_follow_userid for p in linked}
        res = super()._retail_reassign_members(leaving, target=target, reason=reason)
        groups = defaultdict(lambda: Partner)
        for partner, old_userid in handover.items():
            new_userid = partner.user_id.retail_wecom_userid
            if old_userid and new_userid and new_userid != old_userid:
                groups[(old_userid, new_userid)] |= partner
        for (old_userid, new_userid), partners in groups.items():
            for start in range(0, len(partners), TRANSFER_BATCH):
                batch = partners[start : start + TRANSFER_BATCH]
                batch.with_delay(
                    description=f"WeCom transfer {old_userid} -> {new_userid}"
                )._retail_wecom_transfer(old_userid, new_userid)
        return res

    def action_retail_wecom_contact_ways(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm_wechat.action_retail_wecom_contact_way"
        )
        action["domain"] = [("store_id", "=", self.id)]
        action["context"] = {"default_store_id": self.id}
        return action
