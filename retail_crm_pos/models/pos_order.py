# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# States in which a POS order is a purchase (res.partner._retail_purchase_sources).
PURCHASE_STATES = ("paid", "done", "invoiced")
# Order fields whose change moves a member's purchase statistics.
STATS_TRIGGERS = frozenset({"state", "partner_id", "date_order", "currency_rate"})


class PosOrder(models.Model):
    _inherit = "pos.order"

    retail_pos_registration = fields.Text(
        string="Offline Member Registration",
        copy=False,
        readonly=True,
        help="Member registration made at the till while it was offline, "
        "sent with the order (JSON); the member is registered (or found by "
        "mobile) when the order syncs.",
    )

    def init(self):
        res = super().init()
        # Covering index of the purchase statistics, as sale_order's.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS pos_order_retail_stats_idx
                ON pos_order (partner_id)
                INCLUDE (date_order, amount_total, currency_rate)
             WHERE state IN ('paid', 'done', 'invoiced')
            """
        )
        return res

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_ = super()._load_pos_data_fields(config_id)
        if fields_:
            fields_ = fields_ + ["retail_pos_registration"]
        return fields_

    @api.model
    def _process_order(self, order, existing_order):
        registration = order.get("retail_pos_registration")
        if registration and not order.get("partner_id"):
            order["partner_id"] = self._retail_register_offline_member(
                order, registration
            )
        return super()._process_order(order, existing_order)

    def _process_saved_order(self, draft):
        if self.partner_id and not self.partner_id.has_access("read"):
            # sudo: the cashier (no retail role) sells to a member that
            # retail_crm's rules hide from them; Odoo's order processing
            # (payment, picking to the customer, invoice) reads the customer.
            # The order itself was created by the cashier with their rights.
            return super(PosOrder, self.sudo())._process_saved_order(draft)
        return super()._process_saved_order(draft)

    @api.model
    def _retail_register_offline_member(self, order, registration):
        """The member of an offline registration: created once, or found.

        The registration carries the key of the till, so an order sent again
        finds the member created the first time; a mobile that belongs to a
        member already selects that member. An invalid registration does not
        block the sale: the order is kept without customer.
        """
        session = self.env["pos.session"].browse(order["session_id"])
        try:
            vals = json.loads(registration)
            with self.env.cr.savepoint():
                member, __ = self.env["res.partner"]._retail_pos_register(
                    vals, session.config_id
                )
        except (UserError, ValueError, TypeError, AttributeError) as err:
            # bad data typed offline (invalid mobile, unknown referral...)
            _logger.warning(
                "Offline member registration of order %s not applied: %s",
                order.get("name"),
                err,
            )
            return False
        return member.id

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(
            lambda o: o.state in PURCHASE_STATES
        )._retail_refresh_member_stats()
        return orders

    def write(self, vals):
        if not STATS_TRIGGERS & set(vals):
            return super().write(vals)
        partners_before = self.partner_id
        res = super().write(vals)
        self._retail_refresh_member_stats(partners_before)
        return res

    def _retail_refresh_member_stats(self, extra_partners=None):
        """Refresh the statistics (and tier) of the members of these orders.

        The statistics are recomputed from every purchase of the member, so
        an order synced twice (same uuid: Odoo ignores it) or written again
        changes nothing a second time.
        """
        partners = self.partner_id
        if extra_partners:
            partners |= extra_partners
        # sudo: statistics follow every order, also when the cashier cannot
        # read the member (no retail role).
        members = partners.sudo().commercial_partner_id.filtered("is_retail_member")
        if members:
            members._retail_refresh_purchase_stats()

    def read_pos_data(self, data, config_id):
        """The synced orders' members come back with them, fresh.

        A cashier cannot read members (retail_crm's rules), so the till could
        not load a member it just registered offline; and the tier of a
        member upgraded by this very order is shown on the next order.
        """
        res = super().read_pos_data(data, config_id)
        if config_id:
            config = self.env["pos.config"].browse(config_id)
            partners = self.env["res.partner"]._retail_pos_read(
                self.partner_id.ids, config
            )
            if partners:
                res["res.partner"] = res.get("res.partner", []) + partners
        return res
