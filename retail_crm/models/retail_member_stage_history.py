# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.lifecycle import STAGES


class RetailMemberStageHistory(models.Model):
    """Lifecycle stage changes of members: append-only, written in SQL."""

    _name = "retail.member.stage.history"
    _description = "Member Stage History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", index=True)
    from_stage = fields.Selection(STAGES, string="From")
    to_stage = fields.Selection(STAGES, string="To", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
