# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import wxclient


class RetailWecomContactWay(models.Model):
    """A WeCom 「联系我」 QR code of a store or of one of its associates.

    Its ``state`` (sent to WeCom with add_contact_way) comes back in the
    add_external_contact event, so the new customer gets this store, this
    associate and these tags.
    """

    _name = "retail.wecom.contact.way"
    _description = "WeCom Contact Me QR Code"
    _order = "store_id, user_id, id"

    name = fields.Char(required=True, size=30, help="Remark shown in WeCom.")
    store_id = fields.Many2one(
        "retail.store", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="store_id.company_id", store=True, index=True, string="Company"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Associate",
        index=True,
        help="Leave empty for a store QR code shared by the staff of the store "
        "who have a WeCom user ID.",
    )
    state_code = fields.Char(
        string="State", readonly=True, copy=False, index=True, size=30
    )
    tag_ids = fields.Many2many(
        "res.partner.category",
        string="Tags",
        help="Given to the customers who add the store or associate with this code.",
    )
    config_id = fields.Char(string="WeCom Config ID", readonly=True, copy=False)
    qr_code_url = fields.Char(string="QR Code URL", readonly=True, copy=False)
    qr_image = fields.Image(
        string="QR Code", readonly=True, copy=False, attachment=True, max_width=1024
    )
    status = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Requested"),
            ("ready", "Ready"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    error = fields.Char(readonly=True, copy=False)
    member_count = fields.Integer(compute="_compute_member_count", string="Members")

    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("retail_wecom_contact_way_id", "in", self.ids)],
                ["retail_wecom_contact_way_id"],
                ["__count"],
            )
        )
        for way in self:
            way.member_count = counts.get(way, 0)

    @api.constrains("user_id", "store_id")
    def _check_user_store(self):
        for way in self.filtered("user_id"):
            # sudo: only whether the user is on the staff list matters
            if way.user_id not in way.store_id.sudo().staff_user_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(store)s.",
                        user=way.user_id.name,
                        store=way.store_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        ways = super().create(vals_list)
        for way in ways:
            way.state_code = f"rcw{way.id}"
        return ways

    def _retail_wecom_userids(self):
        self.ensure_one()
        users = self.user_id or self.store_id.sudo().staff_user_ids
        return [u for u in users.mapped("retail_wecom_userid") if u]

    def action_retail_request_qr(self):
        """Queue the creation of the QR code in WeCom."""
        for way in self:
            if not way._retail_wecom_userids():
                raise UserError(
                    self.env._(
                        "Nobody in %(name)s has a WeCom user ID: set it on the "
                        "associate's user form first.",
                        name=way.user_id.name or way.store_id.display_name,
                    )
                )
        self.write({"status": "pending", "error": False})
        for way in self:
            way.with_delay(
                description=f"WeCom QR code {way.state_code}"
            )._retail_wecom_create()
        return True

    def _retail_wecom_create(self):
        """Create the contact way in WeCom and download its QR code (job)."""
        self.ensure_one()
        if self.config_id:
            return self.config_id
        userids = self._retail_wecom_userids()
        try:
            data = self.env["retail.wechat.api"]._retail_call(
                self.company_id,
                "wecom_contact",
                "POST",
                "cgi-bin/externalcontact/add_contact_way",
                payload={
                    "type": 1 if len(userids) == 1 and self.user_id else 2,
                    "scene": 2,
                    "remark": self.name[:30],
                    "skip_verify": True,
                    "state": self.state_code,
                    "user": userids,
                },
                idempotent=False,
            )
        except wxclient.WeChatApiError as exc:
            self.write({"status": "failed", "error": str(exc)[:200]})
            return "failed"
        vals = {
            "config_id": data.get("config_id"),
            "qr_code_url": data.get("qr_code"),
            "status": "ready",
        }
        if data.get("qr_code"):
            try:
                image = wxclient.download(data["qr_code"])
                vals["qr_image"] = base64.b64encode(image)
            except wxclient.WeChatTransportError as exc:
                vals["error"] = str(exc)[:200]
        self.write(vals)
        return self.config_id

    def action_retail_print_poster(self):
        return self.env.ref(
            "retail_crm_wechat.action_report_retail_wecom_poster"
        ).report_action(self)
