# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    retail_wechat_order_no = fields.Char(
        string="Mini-program Order No.",
        copy=False,
        index=True,
        readonly=True,
    )

    _sql_constraints = [
        (
            "retail_wechat_order_no_uniq",
            "unique(company_id, retail_wechat_order_no)",
            "A mini-program order is recorded once.",
        )
    ]
