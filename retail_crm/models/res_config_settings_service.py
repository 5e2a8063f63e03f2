# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_service_response_hours = fields.Integer(
        related="company_id.retail_service_response_hours", readonly=False
    )
