# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models

# transfer_customer takes at most 100 customers per call
TRANSFER_BATCH = 100


class RetailStore(models.Model):
    _inherit = "retail.store"

    retail_wecom_contact_way_ids = fields.One2many(
        "retail.wecom.contact.way", "store_id", string="WeCom QR Codes"
    )

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
