# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_marketing_cap = fields.Integer(
        related="company_id.retail_marketing_cap", readonly=False
    )
    retail_quiet_start = fields.Float(
        related="company_id.retail_quiet_start", readonly=False
    )
    retail_quiet_end = fields.Float(
        related="company_id.retail_quiet_end", readonly=False
    )
