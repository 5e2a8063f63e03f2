# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_referral_reward_type = fields.Selection(
        related="company_id.retail_referral_reward_type", readonly=False
    )
    retail_referral_referrer_points = fields.Float(
        related="company_id.retail_referral_referrer_points", readonly=False
    )
    retail_referral_referee_points = fields.Float(
        related="company_id.retail_referral_referee_points", readonly=False
    )
    retail_referral_coupon_program_id = fields.Many2one(
        related="company_id.retail_referral_coupon_program_id", readonly=False
    )
    retail_referral_monthly_cap = fields.Integer(
        related="company_id.retail_referral_monthly_cap", readonly=False
    )

    def action_retail_setup_chain_programs(self):
        """Create the chain points program and the members' cards."""
        self.env["loyalty.program"].action_retail_setup_chain_programs()
        return True
