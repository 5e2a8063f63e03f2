# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

_logger = logging.getLogger(__name__)

# States in which a POS order is a purchase (res.partner._retail_purchase_sources).
PURCHASE_STATES = ("paid", "done", "invoiced")
# Order fields whose change moves a member's purchase statistics.
STATS_TRIGGERS = frozenset({"state", "partner_id", "date_order", "currency_rate"})
# Cursor data (cr.cache, kept across flushes, unlike cr.precommit.data): ids
# of the members whose tier the synced orders changed; read_pos_data sends
# them back to the till.
TIER_CHANGED_KEY = "retail_crm_pos.tier_changed"


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

    retail_hooks_pending = fields.Boolean(
        string="Member Follow-up Pending",
        copy=False,
        readonly=True,
        help="The member's statistics and tier were updated when the order "
        "was synced; the rest (lifecycle stage, referral reward, campaign "
        "conversions) is done by a queued job right after.",
    )

    def init(self):
        res = super().init()
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS pos_order_retail_hooks_pending_idx
                ON pos_order (id) WHERE retail_hooks_pending
            """
        )
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
            res = super(PosOrder, self.sudo())._process_saved_order(draft)
        else:
            res = super()._process_saved_order(draft)
        self._retail_pos_refund_tier_bonus()
        return res

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
                    vals, session.config_id, strict_referral=False
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
        if vals.get("state") in PURCHASE_STATES and self.partner_id:
            # the member follow-up job (see _retail_refresh_member_stats),
            # written with the state: no UPDATE of its own during the sync
            vals = dict(vals, retail_hooks_pending=True)
        partners_before = self.partner_id
        res = super().write(vals)
        self._retail_refresh_member_stats(partners_before)
        return res

    def _retail_refresh_member_stats(self, extra_partners=None):
        """Refresh the statistics and tier of the members of these orders.

        The statistics are recomputed from every purchase of the member, so
        an order synced twice (same uuid: Odoo ignores it) or written again
        changes nothing a second time. Statistics and tier are updated at
        once (the upgrade is visible on the next order); the other reactions
        to new statistics (lifecycle stage, referral reward, campaign
        conversions) are queued (:meth:`_cron_retail_pos_member_hooks`) so
        that the till does not wait for them.
        """
        partners = self.partner_id
        if extra_partners:
            partners |= extra_partners
        # sudo: statistics follow every order, also when the cashier cannot
        # read the member (no retail role).
        members = partners.sudo().commercial_partner_id.filtered("is_retail_member")
        if not members:
            return
        changed = members.with_context(
            retail_stats_no_hooks=True
        )._retail_refresh_purchase_stats()
        if not changed:
            return
        changed = members.browse(changed)
        upgraded = changed._retail_tier_upgrade()
        if upgraded:
            # read_pos_data sends these members back to the till
            self.env.cr.cache.setdefault(TIER_CHANGED_KEY, set()).update(upgraded)
        own = self.partner_id.sudo().commercial_partner_id
        if changed - own:
            # a customer removed from an order (backend edit): at once
            (changed - own)._retail_on_purchase_stats_changed()
        queued = self.filtered(
            lambda o: o.partner_id.sudo().commercial_partner_id in changed
        )
        if queued:
            queued._retail_queue_member_hooks()

    def _retail_queue_member_hooks(self):
        """Mark these orders for the member follow-up job and wake it up
        (one pending wake-up is enough for any number of orders). Orders
        paid through ``write`` are marked with their state already."""
        unmarked = self.filtered(lambda o: not o.retail_hooks_pending)
        if unmarked:
            unmarked.write({"retail_hooks_pending": True})
        # sudo: the cashier syncing the order may not read crons.
        cron = self.env.ref("retail_crm_pos.ir_cron_retail_pos_member_hooks").sudo()
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s LIMIT 1",
                cron.id,
            )
        )
        if not self.env.cr.rowcount:
            cron._trigger()

    @api.model
    def _cron_retail_pos_member_hooks(self, batch_size=500):
        """Run the queued reactions to the statistics of synced POS orders.

        Per batch of pending orders: their members' lifecycle stage,
        referral reward and campaign conversions
        (``res.partner._retail_on_purchase_stats_changed``, the tier check
        included: it was done at sync, doing it again changes nothing), then
        the orders are unmarked. Committed per batch (not in tests),
        restartable and idempotent. A failing batch is logged and left
        marked for the next run; the next batches continue. Returns the
        number of orders done.
        """
        cron = self.env["ir.cron"]
        done = last_id = 0
        testing = getattr(threading.current_thread(), "testing", False)
        while True:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM pos_order WHERE retail_hooks_pending AND id > %s"
                    " ORDER BY id LIMIT %s",
                    last_id,
                    batch_size,
                )
            )
            orders = self.browse([row[0] for row in self.env.cr.fetchall()])
            if not orders:
                break
            last_id = orders[-1].id
            members = orders.partner_id.commercial_partner_id.filtered(
                "is_retail_member"
            )
            try:
                with self.env.cr.savepoint():
                    members._retail_on_purchase_stats_changed()
                    self.env.flush_all()
                    self.env.cr.execute(
                        SQL(
                            "UPDATE pos_order SET retail_hooks_pending = NULL"
                            " WHERE id = ANY(%s)",
                            orders.ids,
                        )
                    )
            except Exception:
                _logger.exception(
                    "POS member follow-up: the batch of orders from %s failed; "
                    "the next batches continue",
                    orders[:1].id,
                )
                self.env.invalidate_all()
                continue
            self.invalidate_model(["retail_hooks_pending"])
            done += len(orders)
            remaining = self.search_count(
                [("retail_hooks_pending", "=", True), ("id", ">", last_id)]
            )
            cron._notify_progress(done=done, remaining=remaining)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    # ------------------------------------------------------------------
    # Points: the tier multiplier
    # ------------------------------------------------------------------
    def confirm_coupon_programs(self, coupon_data):
        """pos_loyalty adds the points the till computed; the tier bonus of
        the member's multiplier is added here, once per order, and the till
        gets the card's new balance."""
        payload = super().confirm_coupon_programs(coupon_data)
        balances = self._retail_pos_add_tier_bonus(coupon_data)
        for update in payload.get("coupon_updates", []):
            if update["id"] in balances:
                update["points"] = balances[update["id"]]
        return payload

    def _retail_pos_add_tier_bonus(self, coupon_data):
        """Tier bonus of this order on the member's chain points card.

        ``coupon_data``: pos_loyalty's point changes of the order (by card);
        the points won on the chain program (points spent on rewards put
        back) are the base of ``loyalty.card._retail_add_tier_bonus``, which
        adds ``base x (multiplier - 1)`` once per card and order: the order
        confirmed again (same uuid, retry) adds nothing. Returns ``{card id:
        new balance}``.
        """
        self.ensure_one()
        # sudo: the cashier has no retail role; the bonus follows the tier of
        # the member the order was sold to.
        order = self.sudo()
        member = order.partner_id.commercial_partner_id
        if order.state not in PURCHASE_STATES or not member.is_retail_member:
            return {}
        card = member.retail_loyalty_card_id
        if not card:
            return {}
        won = 0.0
        for vals in coupon_data.values():
            if int(vals.get("program_id") or 0) != card.program_id.id:
                continue
            codes = vals.get("line_codes") or []
            spent = sum(
                order.lines.filtered(
                    lambda line, codes=codes: line.reward_identifier_code in codes
                ).mapped("points_cost")
            )
            won += float(vals.get("points") or 0.0) + spent
        if won <= 0:
            return {}
        card._retail_add_tier_bonus(order, won)
        return {card.id: card.points}

    def _retail_pos_refund_tier_bonus(self):
        """Take back the tier bonus of the orders these refunds return.

        Pro rata of the refunded amount, never more than the card holds;
        once per refund and card (a refund synced again takes nothing more).
        """
        # sudo: as _retail_pos_add_tier_bonus.
        History = self.env["loyalty.history"].sudo()
        for refund in self.sudo().filtered(lambda o: o.state in PURCHASE_STATES):
            lines = refund.lines.filtered("refunded_orderline_id")
            for original in lines.refunded_orderline_id.order_id:
                if not original.amount_total:
                    continue
                bonuses = History.search(
                    [
                        ("retail_kind", "=", "tier_bonus"),
                        ("order_model", "=", original._name),
                        ("order_id", "=", original.id),
                        ("issued", ">", 0),
                    ]
                )
                returned = -sum(
                    lines.filtered(
                        lambda line, o=original: (
                            line.refunded_orderline_id.order_id == o
                        )
                    ).mapped("price_subtotal_incl")
                )
                ratio = min(max(returned / original.amount_total, 0.0), 1.0)
                for bonus in bonuses:
                    card = bonus.card_id
                    if History.search_count(
                        [
                            ("card_id", "=", card.id),
                            ("retail_kind", "=", "tier_bonus"),
                            ("order_model", "=", refund._name),
                            ("order_id", "=", refund.id),
                        ]
                    ):
                        continue
                    card._retail_lock()
                    taken = min(
                        float_round(bonus.issued * ratio, precision_digits=2),
                        max(card.points, 0.0),
                    )
                    if taken > 0:
                        card._retail_move_points(
                            -taken,
                            self.env._(
                                "Tier bonus of %(order)s returned (%(refund)s)",
                                order=original.display_name,
                                refund=refund.display_name,
                            ),
                            "tier_bonus",
                            refund,
                        )

    def read_pos_data(self, data, config_id):
        """The members the till must get fresh come back with the orders.

        A cashier cannot read members (retail_crm's rules), so the till could
        not load a member it just registered offline; and the tier of a
        member upgraded by this very order is shown on the next order. Only
        these members are read (the points balances follow pos_loyalty's
        cards on the till): reading every member of every synced order
        would slow the sync down.
        """
        res = super().read_pos_data(data, config_id)
        if config_id:
            config = self.env["pos.config"].browse(config_id)
            upgraded = self.env.cr.cache.get(TIER_CHANGED_KEY, set())
            partners = self.partner_id.filtered(
                lambda p: (
                    p.id in upgraded
                    or any(
                        o.retail_pos_registration and o.partner_id == p for o in self
                    )
                )
            )
            upgraded.difference_update(partners.ids)
            partners = self.env["res.partner"]._retail_pos_read(partners.ids, config)
            if partners:
                res["res.partner"] = res.get("res.partner", []) + partners
        return res
