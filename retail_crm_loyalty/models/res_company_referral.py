# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    retail_referral_reward_type = fields.Selection(
        [("points", "Points"), ("coupon", "Coupon")],
        string="Referral Reward",
        default="points",
        required=True,
    )
    retail_referral_referrer_points = fields.Float(
        string="Referrer Points", default=100.0
    )
    retail_referral_referee_points = fields.Float(
        string="New Member Points", default=50.0
    )
    retail_referral_coupon_program_id = fields.Many2one(
        "loyalty.program",
        string="Referral Coupon Program",
        domain="[('program_type', 'in', ('coupons', 'next_order_coupons'))]",
    )
    retail_referral_monthly_cap = fields.Integer(
        string="Referral Rewards per Month",
        default=10,
        help="Rewarded referrals per referrer and calendar month (0: no cap).",
    )

    @api.constrains(
        "retail_referral_reward_type",
        "retail_referral_referrer_points",
        "retail_referral_referee_points",
        "retail_referral_coupon_program_id",
        "retail_referral_monthly_cap",
    )
    def _check_retail_referral(self):
        for company in self:
            if (
                company.retail_referral_referrer_points < 0
                or company.retail_referral_referee_points < 0
                or company.retail_referral_monthly_cap < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Referral points and the monthly cap cannot be negative."
                    )
                )
            if (
                company.retail_referral_reward_type == "coupon"
                and not company.retail_referral_coupon_program_id
            ):
                raise ValidationError(
                    self.env._("Choose the coupon program of the referral reward.")
                )
