# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRetailPointsExpiry(RetailLoyaltyCommon):
    def setUp(self):
        super().setUp()
        self.card = self._card(self.member_a1)
        # 100 earned in January, 50 in March, 30 in June 2026 (12 months)
        for points, day in (
            (100, date(2026, 1, 10)),
            (50, date(2026, 3, 5)),
            (30, date(2026, 6, 1)),
        ):
            self._give(self.card, points, day)

    def _remaining(self):
        return [lot.remaining for lot in self.card.retail_lot_ids.sorted("earned_date")]

    def _expire(self, day):
        return self.Card.with_context(retail_today=day)._cron_retail_expire_points(
            batch_size=2
        )

    def test_lots_and_expiry_dates(self):
        lots = self.card.retail_lot_ids.sorted("earned_date")
        self.assertEqual(
            lots.mapped("expiry_date"),
            [date(2027, 1, 10), date(2027, 3, 5), date(2027, 6, 1)],
        )
        self.assertEqual(self._remaining(), [100, 50, 30])

    def test_fifo_partial_consumption(self):
        """120 used: the January lot is emptied, 20 of March are taken."""
        self.card._retail_redeem(120, "Reward")
        self.assertEqual(self._remaining(), [0, 30, 30])
        self.card._retail_redeem(40, "Reward")
        self.assertEqual(self._remaining(), [0, 0, 20])
        self.assertAlmostEqual(self.card.points, 20)

    def test_expiry_reconciles(self):
        """Due lots expire into the history: balance == sum of history,
        before and after, and a second run changes nothing."""
        self.card._retail_redeem(120, "Reward")
        # the January lot expired on 10 January but was used up: nothing due
        self.assertEqual(self._expire(date(2027, 3, 5)), 0)
        self.assertAlmostEqual(self.card.points, 60)
        self.assertEqual(self._expire(date(2027, 3, 6)), 1)  # 30 of March expire
        self.assertAlmostEqual(self.card.points, 30)
        self.assertEqual(self._remaining(), [0, 0, 30])
        expiry = self.card.history_ids.filtered(lambda h: h.retail_kind == "expiry")
        self.assertEqual(expiry.mapped("used"), [30.0])
        self.assertAlmostEqual(self.card.points, self._balance_from_history(self.card))
        # idempotent
        self.assertEqual(self._expire(date(2027, 3, 6)), 0)
        self.assertAlmostEqual(self.card.points, 30)

    def test_expiry_many_cards_batches(self):
        """Batches of 2 cards: 4 cards expire in one run, failing batch aside."""
        cards = self.Card
        for member in (self.member_a1_2, self.member_a1b, self.member_s2):
            card = self._card(member)
            self._give(card, 10, date(2026, 1, 1))
            cards |= card
        self.assertEqual(self._expire(date(2027, 12, 31)), 4)
        self.assertEqual(cards.mapped("points"), [0.0, 0.0, 0.0])
        self.assertAlmostEqual(self.card.points, 0.0)
        for card in cards | self.card:
            self.assertAlmostEqual(card.points, self._balance_from_history(card))

    def test_failing_batch_is_skipped(self):
        """A batch failing is logged and the others still expire."""
        card2 = self._card(self.member_s2)
        self._give(card2, 10, date(2026, 1, 1))
        Card = type(self.Card)
        original = Card._retail_expire_batch
        calls = []

        def flaky(model, company, today, batch_size, after_card):
            calls.append(after_card)
            if len(calls) == 1:
                raise ValueError("boom")
            return original(model, company, today, batch_size, after_card)

        self.patch(Card, "_retail_expire_batch", flaky)
        with mute_logger("odoo.addons.retail_crm_loyalty.models.loyalty_card"):
            self.Card.with_context(
                retail_today=date(2027, 12, 31)
            )._cron_retail_expire_points(batch_size=1)
        first, second = sorted((self.card | card2).ids)
        self.assertNotEqual(self.Card.browse(first).points, 0.0)
        self.assertEqual(self.Card.browse(second).points, 0.0)

    def test_expiring_soon(self):
        """Members whose points expire within N days, as one dict."""
        self.card._retail_redeem(120, "Reward")
        found = self.Partner._retail_points_expiring(30, self.company)
        self.assertNotIn(self.member_a1.id, found)
        found = self.Partner.with_context(
            retail_today=date(2027, 2, 20)
        )._retail_points_expiring(30, self.company)
        self.assertEqual(
            found[self.member_a1.id],
            {"points": 30.0, "expiry_date": date(2027, 3, 5), "card_id": self.card.id},
        )
        found = self.Partner.with_context(
            retail_today=date(2027, 2, 20)
        )._retail_points_expiring(200, self.company, member_ids=[self.member_s2.id])
        self.assertEqual(found, {})

    def test_bad_config(self):
        """Expiry before earning or negative months: refused at save time,
        nothing written."""
        for months in (0, -3):
            with self.assertRaises(ValidationError) as cm:
                self.chain.write({"retail_expiry_months": months})
                self.chain.flush_recordset()
            self.assertIn("cannot expire before they are earned", str(cm.exception))
        self.chain.invalidate_recordset()
        self.assertEqual(self.chain.retail_expiry_months, 12)
        with self.assertRaises(UserError) as cm:
            self.card._retail_redeem(-5, "Negative")
        self.assertIn("must be positive", str(cm.exception))
        with self.assertRaises(ValidationError):
            self.env["loyalty.program"].create(
                {
                    "name": "Second chain",
                    "program_type": "loyalty",
                    "company_id": self.company.id,
                    "retail_chain_program": True,
                }
            )
        self.assertEqual(
            self.env["loyalty.program"].search_count(
                [
                    ("retail_chain_program", "=", True),
                    ("company_id", "=", self.company.id),
                ]
            ),
            1,
        )

    def test_bad_rule_points(self):
        """Negative or zero points on a rule of the program: refused with a
        clear error when saved, the rule keeps its points."""
        rule = self.chain.rule_ids[:1]
        for points in (0, -10):
            with self.assertRaises(ValidationError) as cm:
                rule.reward_point_amount = points
                rule.flush_recordset()
            self.assertIn("must be greater than 0", str(cm.exception))
        rule.invalidate_recordset()
        self.assertEqual(rule.reward_point_amount, 1)

    def test_insufficient_points(self):
        with self.assertRaises(UserError) as cm:
            self.card._retail_redeem(500, "Too much")
        self.assertIn("cannot be redeemed", str(cm.exception))
        self.assertAlmostEqual(self.card.points, 180)
        self.assertEqual(self._remaining(), [100, 50, 30])
