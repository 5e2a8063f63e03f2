# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class RetailLoyaltyLot(models.Model):
    """Points of one earning on a card of the chain program.

    Every ``loyalty.history`` line that issues points on a chain card opens a
    lot; points used are taken from the lots first in, first out (oldest
    earning first, partially if needed); the expiry cron empties the lots
    past their expiry date and writes the expired points to the history, so
    ``card.points`` always equals the sum of its history.
    """

    _name = "retail.loyalty.lot"
    _description = "Earned Points Lot"
    _order = "earned_date, id"

    card_id = fields.Many2one(
        "loyalty.card", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        related="card_id.partner_id", store=True, index=True, string="Member"
    )
    program_id = fields.Many2one(related="card_id.program_id", store=True)
    company_id = fields.Many2one(related="card_id.company_id", store=True)
    history_id = fields.Many2one(
        "loyalty.history", string="Earning", ondelete="set null", readonly=True
    )
    earned_date = fields.Date(required=True, readonly=True)
    expiry_date = fields.Date(
        index=True, readonly=True, help="Last day the points can be used."
    )
    points = fields.Float(string="Earned", readonly=True)
    remaining = fields.Float(readonly=True)
    expired_points = fields.Float(string="Expired", readonly=True)

    _sql_constraints = [
        ("points_positive", "CHECK (points >= 0)", "Earned points cannot be negative."),
        (
            "remaining_positive",
            "CHECK (remaining >= 0 AND expired_points >= 0)",
            "Remaining and expired points cannot be negative.",
        ),
        (
            "expiry_after_earning",
            "CHECK (expiry_date IS NULL OR expiry_date >= earned_date)",
            "Points cannot expire before they are earned.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS retail_loyalty_lot_open_idx"
            " ON retail_loyalty_lot (card_id, earned_date, id) WHERE remaining > 0"
        )

    @api.model
    def _retail_open(self, card, points, history=None, earned_on=None):
        """Open a lot of ``points`` earned on ``card`` (today by default)."""
        if points <= 0:
            return self.browse()
        company = card.company_id or self.env.company
        earned_on = earned_on or self.env["res.partner"]._retail_today(company)
        return self.create(
            {
                "card_id": card.id,
                "history_id": history.id if history else False,
                "earned_date": earned_on,
                "expiry_date": card.program_id._retail_expiry_date(earned_on),
                "points": points,
                "remaining": points,
            }
        )

    @api.model
    def _retail_consume(self, card_amounts, first_lots=None):
        """Take points from the open lots, first in, first out.

        ``card_amounts``: ``{card_id: points}``. ``first_lots`` (a recordset)
        are emptied before the others (an earning that is cancelled takes
        back its own lot first). One statement for all the cards. Returns
        ``{card_id: points the lots could not cover}``.
        """
        card_amounts = {c: a for c, a in card_amounts.items() if a > 0}
        if not card_amounts:
            return {}
        self.env.flush_all()
        cards = list(card_amounts)
        first_ids = first_lots.ids if first_lots else []
        self.env.cr.execute(
            SQL(
                """
                WITH req AS (
                    SELECT * FROM unnest(%(cards)s::int[], %(amounts)s::numeric[])
                        AS r(card_id, amount)
                ),
                ordered AS (
                    SELECT l.id, l.card_id, l.remaining::numeric AS remaining,
                           req.amount,
                           SUM(l.remaining::numeric) OVER (
                               PARTITION BY l.card_id
                               ORDER BY (l.id = ANY(%(first)s::int[])) DESC,
                                        l.earned_date, l.id
                           ) - l.remaining::numeric AS before
                      FROM retail_loyalty_lot l
                      JOIN req ON req.card_id = l.card_id
                     WHERE l.remaining > 0
                ),
                taken AS (
                    UPDATE retail_loyalty_lot l
                       SET remaining = ROUND(
                               o.remaining - LEAST(o.remaining, o.amount - o.before), 6)
                      FROM ordered o
                     WHERE l.id = o.id AND o.amount > o.before
                 RETURNING l.card_id, LEAST(o.remaining, o.amount - o.before) AS take
                )
                SELECT req.card_id,
                       req.amount - COALESCE((SELECT SUM(take) FROM taken
                                               WHERE taken.card_id = req.card_id), 0)
                  FROM req
                """,
                cards=cards,
                amounts=[card_amounts[c] for c in cards],
                first=first_ids,
            )
        )
        rest = {card_id: float(r) for card_id, r in self.env.cr.fetchall() if r > 0}
        self.invalidate_model(["remaining"])
        return rest
