# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_stage_active_days = fields.Integer(
        related="company_id.retail_stage_active_days", readonly=False
    )
    retail_stage_loyal_orders = fields.Integer(
        related="company_id.retail_stage_loyal_orders", readonly=False
    )
    retail_stage_at_risk_days = fields.Integer(
        related="company_id.retail_stage_at_risk_days", readonly=False
    )
    retail_stage_at_risk_factor = fields.Float(
        related="company_id.retail_stage_at_risk_factor", readonly=False
    )
    retail_stage_lapsed_days = fields.Integer(
        related="company_id.retail_stage_lapsed_days", readonly=False
    )
