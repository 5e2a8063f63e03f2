# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_phone_region = fields.Char(
        related="company_id.retail_phone_region", readonly=False
    )
    retail_stats_window_months = fields.Integer(
        related="company_id.retail_stats_window_months", readonly=False
    )
    retail_timezone = fields.Selection(
        related="company_id.retail_timezone", readonly=False
    )
