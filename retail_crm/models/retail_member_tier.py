# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RetailMemberTier(models.Model):
    _name = "retail.member.tier"
    _description = "Member Tier"
    _order = "program_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Rank of the tier: the lowest tier comes first."
    )
    active = fields.Boolean(default=True)
    color = fields.Integer(default=0)
    icon = fields.Char(
        default="fa-star", help="Font Awesome icon of the tier, e.g. fa-diamond."
    )
    program_id = fields.Many2one(
        "retail.tier.program",
        string="Program",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_spent = fields.Monetary(
        string="Minimum Spend",
        currency_field="currency_id",
        help="Spend in the statistics window needed to reach the tier (0: not "
        "used). Exactly the threshold qualifies.",
    )
    min_orders = fields.Integer(
        string="Minimum Orders",
        help="Orders in the statistics window needed to reach the tier (0: not used).",
    )
    benefits = fields.Text(translate=True)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Pricelist",
        check_company=True,
        help="Given to the members of this tier as their pricelist: sales "
        "orders (and the POS) apply it.",
    )
    member_count = fields.Integer(compute="_compute_member_count")

    @api.constrains("min_spent", "min_orders", "sequence", "program_id", "active")
    def _check_thresholds(self):
        self.program_id._check_tier_thresholds()

    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("retail_tier_id", "in", self.ids), ("is_retail_member", "=", True)],
                ["retail_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    def action_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_member"
        )
        action["domain"] = [
            ("is_retail_member", "=", True),
            ("retail_tier_id", "=", self.id),
        ]
        return action
