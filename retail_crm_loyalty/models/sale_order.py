# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        # Lock the cards whose points the orders spend before Odoo checks and
        # lowers their balance: two orders spending the same points cannot
        # both pass the check (see loyalty.card._retail_lock).
        spent = self.order_line.filtered(lambda line: line.points_cost > 0).coupon_id
        spent.sudo()._retail_lock()
        to_confirm = self.filtered(lambda o: o.state != "sale")
        res = super().action_confirm()
        for order in to_confirm.filtered(lambda o: o.state == "sale"):
            for entry in order.sudo().coupon_point_ids:
                entry.coupon_id._retail_add_tier_bonus(order, entry.points)
        return res

    def _action_cancel(self):
        for order in self.filtered(lambda o: o.state == "sale"):
            cards = order.sudo().coupon_point_ids.coupon_id
            cards._retail_remove_tier_bonus(order)
        return super()._action_cancel()
