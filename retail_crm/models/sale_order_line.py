# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# Line fields that change the amount of the order.
AMOUNT_FIELDS = frozenset(
    {"product_uom_qty", "price_unit", "discount", "tax_id", "product_id"}
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._retail_refresh_confirmed_orders()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if AMOUNT_FIELDS & set(vals):
            self._retail_refresh_confirmed_orders()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._retail_refresh_member_stats_if_confirmed()
        return res

    def _retail_refresh_confirmed_orders(self):
        self.order_id._retail_refresh_member_stats_if_confirmed()
