# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

TIER_REASONS = [
    ("upgrade", "Upgrade"),
    ("review_downgrade", "Review Downgrade"),
    ("manual", "Manual Override"),
    ("override_end", "Override Ended"),
    ("import", "Import"),
]


class RetailMemberTierHistory(models.Model):
    """Tier changes of members: append-only, written set-based in SQL."""

    _name = "retail.member.tier.history"
    _description = "Member Tier History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", index=True)
    from_tier_id = fields.Many2one(
        "retail.member.tier", string="From", ondelete="set null"
    )
    to_tier_id = fields.Many2one("retail.member.tier", string="To", ondelete="set null")
    reason = fields.Selection(TIER_REASONS, required=True)
    note = fields.Char()
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", string="User")
    order_id = fields.Many2one(
        "sale.order", string="Triggering Order", ondelete="set null"
    )
