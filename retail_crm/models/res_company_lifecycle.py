# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    retail_stage_active_days = fields.Integer(
        string="Active: purchased within (days)",
        default=90,
        help="Members who purchased within this many days are active.",
    )
    retail_stage_loyal_orders = fields.Integer(
        string="Loyal: orders in window",
        default=4,
        help="Members with at least this many orders in the statistics window "
        "are loyal.",
    )
    retail_stage_at_risk_days = fields.Integer(
        string="At risk: no purchase for (days)",
        default=60,
        help="Members are at risk after this many days without purchase, or "
        "after the factor times their own average purchase interval if longer.",
    )
    retail_stage_at_risk_factor = fields.Float(
        string="At risk: factor of the purchase interval",
        default=2.0,
        digits=(16, 2),
    )
    retail_stage_lapsed_days = fields.Integer(
        string="Lapsed: no purchase for (days)",
        default=365,
    )

    @api.constrains(
        "retail_stage_active_days",
        "retail_stage_loyal_orders",
        "retail_stage_at_risk_days",
        "retail_stage_at_risk_factor",
        "retail_stage_lapsed_days",
    )
    def _check_retail_stage_thresholds(self):
        for company in self:
            values = (
                company.retail_stage_active_days,
                company.retail_stage_loyal_orders,
                company.retail_stage_at_risk_days,
                company.retail_stage_at_risk_factor,
                company.retail_stage_lapsed_days,
            )
            if any(value <= 0 for value in values):
                raise ValidationError(
                    self.env._("The lifecycle stage thresholds must be positive.")
                )
            if company.retail_stage_at_risk_days >= company.retail_stage_lapsed_days:
                raise ValidationError(
                    self.env._(
                        "Members must be at risk (%(risk)s days) before they "
                        "lapse (%(lapsed)s days).",
                        risk=company.retail_stage_at_risk_days,
                        lapsed=company.retail_stage_lapsed_days,
                    )
                )
