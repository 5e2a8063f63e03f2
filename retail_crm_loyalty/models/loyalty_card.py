# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.loyalty_rules import tier_bonus

_logger = logging.getLogger(__name__)


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    retail_lot_ids = fields.One2many(
        "retail.loyalty.lot", "card_id", string="Earned Lots", readonly=True
    )
    retail_campaign_id = fields.Many2one(
        "retail.campaign",
        string="Campaign",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The campaign that issued this coupon.",
    )

    def _retail_lock(self):
        """Lock the rows of these cards until the end of the transaction.

        A second transaction changing the same card waits for this one; under
        Odoo's REPEATABLE READ isolation it then fails with a serialization
        error (retried by Odoo's RPC layer, which then sees the new balance)
        instead of overwriting the balance with a stale value.
        """
        if not self:
            return
        self.flush_recordset(["points"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM loyalty_card WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                self.ids,
            )
        )
        self.invalidate_recordset(["points"])

    def _retail_redeem(self, points, description, order=None):
        """Take ``points`` from this card, never below zero, concurrency-safe.

        Locks the card row, checks the balance, lowers it and writes a
        ``loyalty.history`` line (``used``), which takes the points from the
        earned lots first in, first out. Raises :class:`UserError` when the
        balance is too low. ``order`` (any record) is referenced by the line.
        """
        self.ensure_one()
        if points <= 0:
            raise UserError(self.env._("Points to redeem must be positive."))
        self._retail_lock()
        if self.currency_id.compare_amounts(self.points, points) < 0:
            raise UserError(
                self.env._(
                    "Card %(code)s has %(balance)s points: %(points)s cannot be "
                    "redeemed.",
                    code=self.code,
                    balance=self.points,
                    points=points,
                )
            )
        return self._retail_move_points(-points, description, "redeem", order)

    def _retail_give_points(self, points, description, kind, order=None):
        """Add ``points`` to this card with a history line of ``kind``."""
        self.ensure_one()
        self._retail_lock()
        return self._retail_move_points(points, description, kind, order)

    def _retail_move_points(self, points, description, kind, order=None):
        # sudo: the balance and its history are written by the loyalty rules
        # themselves, for any user whose action earns or spends points.
        card = self.sudo()
        card.with_context(loyalty_no_mail=True).points = card.points + points
        return (
            self.env["loyalty.history"]
            .sudo()
            .create(
                {
                    "card_id": card.id,
                    "description": description,
                    "issued": max(points, 0),
                    "used": max(-points, 0),
                    "retail_kind": kind,
                    "order_model": order._name if order else False,
                    "order_id": order.id if order else False,
                }
            )
        )

    def _retail_add_tier_bonus(self, order, base_points):
        """THE place where a member's tier multiplier adds points.

        Called by every sales channel once an order earning ``base_points``
        on this card (Odoo's own program points) is confirmed: sale orders
        (``sale.order.action_confirm``) and, with ``retail_crm_pos``,
        ``pos.order``. Adds ``base_points × (multiplier - 1)`` to the card
        and writes one ``loyalty.history`` line (``retail_kind`` 'tier_bonus',
        referencing ``order``). Idempotent per card and order; nothing for
        cards outside the chain program, a multiplier of 1 or no points.
        Returns the history line (or an empty recordset).
        """
        self.ensure_one()
        History = self.env["loyalty.history"].sudo()
        if not self.program_id.retail_chain_program or base_points <= 0:
            return History
        done = History.search_count(
            [
                ("card_id", "=", self.id),
                ("retail_kind", "=", "tier_bonus"),
                ("order_model", "=", order._name),
                ("order_id", "=", order.id),
            ]
        )
        member = self.partner_id
        multiplier = member._retail_points_multiplier() if member else 1.0
        bonus = tier_bonus(base_points, multiplier)
        if done or not bonus:
            return History
        return self._retail_give_points(
            bonus,
            self.env._(
                "Tier bonus x%(multiplier)s (%(tier)s) on %(order)s",
                multiplier=multiplier,
                tier=member.commercial_partner_id.retail_tier_id.name or "-",
                order=order.display_name,
            ),
            "tier_bonus",
            order,
        )

    def _retail_remove_tier_bonus(self, order):
        """Take back the tier bonus of ``order`` (cancelled) from the cards."""
        lines = (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("card_id", "in", self.ids),
                    ("retail_kind", "=", "tier_bonus"),
                    ("order_model", "=", order._name),
                    ("order_id", "=", order.id),
                ]
            )
        )
        for line in lines:
            card = line.card_id
            card._retail_lock()
            card.with_context(loyalty_no_mail=True).points = card.points - line.issued
        # the lots follow the unlink (loyalty.history.unlink)
        lines.unlink()

    def _retail_merge_into(self, target):
        """Move the points and earned lots of these cards onto ``target``
        (member merge) and archive them.

        Both sides are locked; the lots keep their earning and expiry dates
        (so FIFO and expiry go on unchanged on ``target``); one history line
        per moved card on each side (written in SQL: the lots move as they
        are, no lot is opened or consumed), so every card's balance still
        equals the sum of its history.
        """
        target.ensure_one()
        sources = self - target
        if not sources:
            return
        (sources | target)._retail_lock()
        self.env.flush_all()
        cr = self.env.cr
        for source in sources.sorted("id"):
            moved = source.points
            cr.execute(
                SQL(
                    "UPDATE retail_loyalty_lot SET card_id = %s, partner_id = %s"
                    " WHERE card_id = %s",
                    target.id,
                    target.partner_id.id,
                    source.id,
                )
            )
            cr.execute(
                SQL(
                    """
                    INSERT INTO loyalty_history
                        (card_id, description, issued, used, retail_kind,
                         create_uid, create_date, write_uid, write_date)
                    VALUES (%(source)s, %(outward)s, 0, %(moved)s, 'merge',
                            %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                            now() AT TIME ZONE 'UTC'),
                           (%(target)s, %(inward)s, %(moved)s, 0, 'merge',
                            %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                            now() AT TIME ZONE 'UTC')
                    """,
                    source=source.id,
                    target=target.id,
                    moved=moved,
                    outward=self.env._(
                        "Member merge: %(points)s points moved to card %(code)s",
                        points=moved,
                        code=target.code,
                    ),
                    inward=self.env._(
                        "Member merge: %(points)s points moved from card %(code)s",
                        points=moved,
                        code=source.code,
                    ),
                    uid=self.env.uid,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE loyalty_card SET points = points + %s WHERE id = %s",
                    moved,
                    target.id,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE loyalty_card SET points = 0, active = FALSE WHERE id = %s",
                    source.id,
                )
            )
        self.invalidate_model(["points", "active", "history_ids", "retail_lot_ids"])
        self.env["loyalty.history"].invalidate_model()
        self.env["retail.loyalty.lot"].invalidate_model(["card_id", "partner_id"])

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    @api.model
    def _cron_retail_expire_points(self, batch_size=5000):
        """Expire the lots past their expiry date, in batches of cards.

        Set-based: per batch, one statement empties the due lots, writes one
        ``loyalty.history`` line (``retail_kind`` 'expiry', ``used``) per card
        and lowers the card balance by the same amount, so the balance still
        equals the sum of the history. Committed per batch (not in tests),
        restartable and idempotent: emptied lots are not due any more. A
        failing batch is logged and skipped. Returns the number of cards.
        """
        Partner = self.env["res.partner"]
        cron = self.env["ir.cron"]
        total = 0
        for company in self.env["res.company"].sudo().search([]):
            today = Partner._retail_today(company)
            remaining = self._retail_due_card_count(company, today)
            done = 0
            last_card = 0
            while remaining > 0:
                try:
                    with self.env.cr.savepoint():
                        count, last_card = self._retail_expire_batch(
                            company, today, batch_size, last_card
                        )
                except Exception:
                    _logger.exception(
                        "Points expiry: batch after card %s failed", last_card
                    )
                    count, last_card = self._retail_skip_batch(
                        company, today, batch_size, last_card
                    )
                if not count:
                    break
                done += count
                total += count
                remaining = max(remaining - count, 0)
                cron._notify_progress(done=done, remaining=remaining)
                if not getattr(threading.current_thread(), "testing", False):
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return total

    @api.model
    def _retail_due_sql(self, company, today, after_card, limit):
        return SQL(
            """
            SELECT DISTINCT card_id FROM retail_loyalty_lot
             WHERE remaining > 0 AND expiry_date < %(today)s
               AND company_id = %(company)s AND card_id > %(after)s
             ORDER BY card_id LIMIT %(limit)s
            """,
            today=today,
            company=company.id,
            after=after_card,
            limit=limit,
        )

    @api.model
    def _retail_due_card_count(self, company, today):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(DISTINCT card_id) FROM retail_loyalty_lot"
                " WHERE remaining > 0 AND expiry_date < %s AND company_id = %s",
                today,
                company.id,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _retail_skip_batch(self, company, today, batch_size, after_card):
        self.env.cr.execute(
            self._retail_due_sql(company, today, after_card, batch_size)
        )
        ids = [r[0] for r in self.env.cr.fetchall()]
        return len(ids), (ids[-1] if ids else after_card)

    @api.model
    def _retail_expire_batch(self, company, today, batch_size, after_card):
        """Expire the due lots of the next ``batch_size`` cards after
        ``after_card``. Returns ``(cards, last card id)``."""
        self.env.flush_all()
        cr = self.env.cr
        description = self.env._("Points expired")
        cr.execute(
            SQL(
                """
                WITH batch AS (%(due)s),
                locked AS (
                    SELECT id FROM loyalty_card
                     WHERE id IN (SELECT card_id FROM batch)
                     ORDER BY id FOR UPDATE
                ),
                due_lots AS (
                    SELECT l.id, l.card_id, l.remaining
                      FROM retail_loyalty_lot l
                     WHERE l.card_id IN (SELECT id FROM locked)
                       AND l.remaining > 0 AND l.expiry_date < %(today)s
                ),
                lots AS (
                    UPDATE retail_loyalty_lot l
                       SET expired_points = l.expired_points + d.remaining,
                           remaining = 0
                      FROM due_lots d
                     WHERE l.id = d.id
                 RETURNING d.card_id, d.remaining AS expired
                ),
                per_card AS (
                    SELECT card_id, SUM(expired) AS expired
                      FROM lots GROUP BY card_id
                ),
                card_upd AS (
                    UPDATE loyalty_card c
                       SET points = c.points - per_card.expired,
                           write_date = now() AT TIME ZONE 'UTC',
                           write_uid = %(uid)s
                      FROM per_card
                     WHERE c.id = per_card.card_id
                 RETURNING c.id
                )
                INSERT INTO loyalty_history
                    (card_id, description, issued, used, retail_kind,
                     create_uid, create_date, write_uid, write_date)
                SELECT per_card.card_id, %(description)s, 0, per_card.expired,
                       'expiry', %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                       now() AT TIME ZONE 'UTC'
                  FROM per_card JOIN card_upd ON card_upd.id = per_card.card_id
                RETURNING card_id
                """,
                due=self._retail_due_sql(company, today, after_card, batch_size),
                today=today,
                uid=self.env.uid,
                description=description,
            )
        )
        ids = sorted(r[0] for r in cr.fetchall())
        self.env["retail.loyalty.lot"].invalidate_model(["remaining", "expired_points"])
        self.invalidate_model(["points", "history_ids"])
        self.env["loyalty.history"].invalidate_model()
        return len(ids), (ids[-1] if ids else after_card)
