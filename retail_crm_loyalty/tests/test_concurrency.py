# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import errors

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestRetailRedeemConcurrency(TransactionCase):
    """Two transactions redeeming the same card: never a negative balance.

    Real, separate cursors (committed data): the card is created and
    removed in cursors of their own.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            Program = env["loyalty.program"]
            program = Program.with_context(default_program_type="loyalty").create(
                {"name": "Concurrency test program"}
            )
            card = env["loyalty.card"].create(
                {"program_id": program.id, "points": 100, "code": "RCLOYCONC1"}
            )
            self.program_id, self.card_id = program.id, card.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["loyalty.card"].browse(self.card_id).unlink()
            program = env["loyalty.program"].browse(self.program_id)
            program.action_archive()
            program.unlink()

    def _balance(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT points FROM loyalty_card WHERE id = %s", [self.card_id])
            return cr.fetchone()[0]

    def _redeem(self, cr, points, label):
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        return env["loyalty.card"].browse(self.card_id)._retail_redeem(points, label)

    def test_two_concurrent_redemptions(self):
        """A redeems 80, not committed yet. B redeems 80 meanwhile: B cannot
        read the balance A is changing (it waits for A's row lock; here it
        gives up after 1 s instead of waiting). Once A committed, B's retry
        finds 20 points and is refused. The balance ends at 20, never -60
        (nor 20 twice, the lost update of two unlocked writes)."""
        with self.registry.cursor() as cr_a:
            self._redeem(cr_a, 80, "A")
            with self.registry.cursor() as cr_b:
                cr_b.execute("SET LOCAL lock_timeout = '1s'")
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(errors.LockNotAvailable),
                ):
                    self._redeem(cr_b, 80, "B")
                cr_b.rollback()
            cr_a.commit()
        self.assertEqual(self._balance(), 20)
        # B's retry (Odoo retries a transaction failing on concurrency)
        with self.registry.cursor() as cr_b:
            with self.assertRaises(UserError) as cm:
                self._redeem(cr_b, 80, "B")
            self.assertIn("cannot be redeemed", str(cm.exception))
        self.assertEqual(self._balance(), 20)

    def test_redeem_after_concurrent_commit(self):
        """B's transaction started (snapshot taken) before A committed: B's
        lock fails with a serialization error instead of using the stale
        balance of its snapshot."""
        with self.registry.cursor() as cr_b:
            cr_b.execute("SELECT 1")  # B's snapshot is taken here
            with self.registry.cursor() as cr_a:
                self._redeem(cr_a, 80, "A")
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(errors.SerializationFailure),
            ):
                self._redeem(cr_b, 80, "B")
            cr_b.rollback()
        self.assertEqual(self._balance(), 20)

    def _wizard(self, new_balance, label):
        """The wizard as the user opens it (its own committed transaction)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            return (
                env["loyalty.card.update.balance"]
                .create(
                    {
                        "card_id": self.card_id,
                        "new_balance": new_balance,
                        "description": label,
                    }
                )
                .id
            )

    def _update_balance(self, cr, wizard_id):
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        wizard = env["loyalty.card.update.balance"].browse(wizard_id)
        return wizard.action_update_card_point()

    def _history_balance(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COALESCE(sum(issued - used), 0) FROM loyalty_history"
                " WHERE card_id = %s",
                [self.card_id],
            )
            return cr.fetchone()[0]

    def test_update_balance_during_redemption(self):
        """A redeems 80, not committed yet. The "Update balance" wizard in B
        does not wait for A's lock: clear error, nothing written. Once A
        committed, the wizard sets the balance from the current 20 points
        (history +30), so balance and history reconcile."""
        wizard_id = self._wizard(50, "Gift")
        with self.registry.cursor() as cr_a:
            self._redeem(cr_a, 80, "A")
            with self.registry.cursor() as cr_b:
                with self.assertRaises(UserError) as cm:
                    self._update_balance(cr_b, wizard_id)
                self.assertIn("being used by another operation", str(cm.exception))
                cr_b.rollback()
            cr_a.commit()
        self.assertEqual(self._balance(), 20)
        with self.registry.cursor() as cr_b:
            self._update_balance(cr_b, wizard_id)
        self.assertEqual(self._balance(), 50)
        # the card was created with 100 points and no history line
        self.assertEqual(self._history_balance(), 50 - 100)
        wizard_id = self._wizard(-5, "Wrong")
        with self.registry.cursor() as cr_b:
            with self.assertRaises(UserError) as cm:
                self._update_balance(cr_b, wizard_id)
            self.assertIn("cannot be below zero", str(cm.exception))
        self.assertEqual(self._balance(), 50)
