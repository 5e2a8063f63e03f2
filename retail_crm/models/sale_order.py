# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# Order fields whose change moves a member's purchase statistics.
STATS_TRIGGERS = frozenset({"state", "partner_id", "date_order", "currency_rate"})


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        res = super().init()
        # Covering index of the purchase statistics (_retail_purchase_sources):
        # a batch of members is aggregated from the index alone (index-only
        # scan) instead of a sequential scan of every order per batch.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS sale_order_retail_stats_idx
                ON sale_order (partner_id)
                INCLUDE (date_order, amount_total, currency_rate)
             WHERE state = 'sale'
            """
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state == "sale")._retail_refresh_member_stats()
        return orders

    def write(self, vals):
        if not STATS_TRIGGERS & set(vals):
            return super().write(vals)
        partners_before = self.partner_id
        res = super().write(vals)
        self._retail_refresh_member_stats(partners_before)
        return res

    def _retail_refresh_member_stats_if_confirmed(self):
        """Refresh after a change of the lines of confirmed orders."""
        self.filtered(lambda o: o.state == "sale")._retail_refresh_member_stats()

    def _retail_refresh_member_stats(self, extra_partners=None):
        """Refresh the statistics of the members buying these orders."""
        partners = self.partner_id
        if extra_partners:
            partners |= extra_partners
        # sudo: statistics follow every order, also when the user confirming
        # it cannot see the member (e.g. a salesperson of another store).
        members = partners.sudo().commercial_partner_id.filtered("is_retail_member")
        if members:
            # the tier upgrade names the order that triggered it
            members.with_context(
                retail_trigger_order_ids=self.ids
            )._retail_refresh_purchase_stats()
