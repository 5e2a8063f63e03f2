# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductCategory(models.Model):
    _inherit = "product.category"

    retail_consumption_days = fields.Integer(
        string="Consumption Cycle (days)",
        help="Days after which a member who bought a product of this category "
        "usually needs it again: the repurchase reminder is sent then. "
        "0: no reminder.",
    )

    @api.constrains("retail_consumption_days")
    def _check_retail_consumption_days(self):
        if any(categ.retail_consumption_days < 0 for categ in self):
            raise ValidationError(
                self.env._("The consumption cycle cannot be negative.")
            )
