# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's "Update balance" wizard, under the same row lock as a redemption.

Without the lock, a balance set by hand while a redemption of the same card
is in flight overwrites it (lost update) or is computed from a stale
balance. The wizard locks the card row without waiting (``NOWAIT``): if a
redemption holds it, the user gets a clear error and tries again; once
locked, the balance is read again and the difference written to the
history from that balance, so balance and history always reconcile.
"""

from psycopg2 import errors

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def _retail_lock_card_nowait(self):
        """Lock the card row now or raise a UserError (never wait)."""
        card = self.card_id
        card.flush_recordset(["points"])
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM loyalty_card WHERE id = %s FOR UPDATE NOWAIT",
                        card.id,
                    )
                )
        except errors.LockNotAvailable as err:
            raise UserError(
                self.env._(
                    "Card %(code)s is being used by another operation (e.g. a "
                    "redemption at a till): its balance was not changed. Try "
                    "again in a moment.",
                    code=card.code,
                )
            ) from err
        card.invalidate_recordset(["points"])

    def action_update_card_point(self):
        for wizard in self:
            if wizard.new_balance < 0:
                raise UserError(
                    self.env._(
                        "Card %(code)s: the new balance cannot be below zero.",
                        code=wizard.card_id.code,
                    )
                )
            wizard._retail_lock_card_nowait()
            # old_balance (related) now reads the locked, current balance
            super(LoyaltyCardUpdateBalance, wizard).action_update_card_point()
        return True
