# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    retail_my_stores = fields.Boolean(
        string="On Members of My Stores",
        compute="_compute_retail_my_stores",
        search="_search_retail_my_stores",
        help="Follow-ups of the members of the stores the current user works "
        "in (HQ: of all members).",
    )

    def _compute_retail_my_stores(self):
        ids = [i for i in self.ids if i]
        mine = self.search([("id", "in", ids), ("retail_my_stores", "=", True)])
        for activity in self:
            activity.retail_my_stores = activity in mine

    def _search_retail_my_stores(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search: {operator} {value}")
        member_domain = [("is_retail_member", "=", True)]
        user = self.env.user
        if user._retail_role() != "hq":
            member_domain.append(("retail_store_id", "in", user.retail_store_ids.ids))
        # the members' query also carries the record rules of the current user
        members = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search(member_domain)
        )
        if (operator == "=") == value:
            return [("res_model", "=", "res.partner"), ("res_id", "in", members)]
        return [
            "|",
            ("res_model", "!=", "res.partner"),
            ("res_id", "not in", members),
        ]

    def action_retail_open_member(self):
        """Open the member form of this follow-up."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(self.env.ref("retail_crm.view_retail_member_form").id, "form")],
        }
