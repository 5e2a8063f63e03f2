# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    # indexed: the history of one card is read on every order and expiry
    card_id = fields.Many2one(index=True)
    retail_kind = fields.Selection(
        [
            ("tier_bonus", "Tier Bonus"),
            ("expiry", "Expiry"),
            ("referral", "Referral Reward"),
            ("redeem", "Redemption"),
            ("merge", "Member Merge"),
        ],
        readonly=True,
        index=True,
    )
    retail_lot_ids = fields.One2many(
        "retail.loyalty.lot", "history_id", string="Lots", readonly=True
    )

    def _retail_tracked(self):
        """Lines whose points are followed in lots (chain program cards)."""
        return self.filtered(
            lambda h: (
                h.card_id.program_id.retail_chain_program and h.retail_kind != "expiry"
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        Lot = self.env["retail.loyalty.lot"].sudo()
        to_consume = defaultdict(float)
        for line in lines._retail_tracked():
            Lot._retail_open(line.card_id, line.issued, history=line)
            if line.used > 0:
                to_consume[line.card_id.id] += line.used
        Lot._retail_consume(to_consume)
        return lines

    def write(self, vals):
        if "issued" not in vals and "used" not in vals:
            return super().write(vals)
        tracked = self._retail_tracked()
        before = {line: (line.issued, line.used) for line in tracked}
        res = super().write(vals)
        for line, (issued, used) in before.items():
            line._retail_apply_delta(line.issued - issued, line.used - used)
        return res

    def unlink(self):
        for line in self._retail_tracked():
            line._retail_apply_delta(-line.issued, -line.used)
        return super().unlink()

    def _retail_apply_delta(self, issued_delta, used_delta):
        """Follow a change of the points of this line in the lots.

        More issued: the line's lot grows (or opens). Less issued (an order
        cancelled): taken from the line's own lot first, then FIFO. More
        used: FIFO. Less used (a redemption cancelled): the points come back
        as a new lot earned today.
        """
        self.ensure_one()
        Lot = self.env["retail.loyalty.lot"].sudo()
        card = self.card_id
        if issued_delta > 0:
            Lot._retail_open(card, issued_delta, history=self)
        elif issued_delta < 0:
            Lot._retail_consume(
                {card.id: -issued_delta}, first_lots=self.retail_lot_ids
            )
        if used_delta > 0:
            Lot._retail_consume({card.id: used_delta})
        elif used_delta < 0:
            Lot._retail_open(card, -used_delta, history=self)
