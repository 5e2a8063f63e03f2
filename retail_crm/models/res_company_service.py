# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    retail_service_response_hours = fields.Integer(
        string="Service Response Target (hours)",
        default=24,
        help="Hours within which an after-sales service request must get a "
        "first response; past it, the store manager gets an activity.",
    )

    @api.constrains("retail_service_response_hours")
    def _check_retail_service_response_hours(self):
        if any(c.retail_service_response_hours <= 0 for c in self):
            raise ValidationError(
                self.env._("The service response target must be at least one hour.")
            )
