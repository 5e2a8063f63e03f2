# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRetailPoints(RetailLoyaltyCommon):
    def test_one_card_per_member(self):
        """Every member gets exactly one card of the chain program, whatever
        the channel (create, bulk import), and running the set-up again
        creates nothing."""
        for member in (self.member_a1, self.member_a1b, self.member_s2):
            self.assertEqual(len(self._card(member)), 1)
        self.assertFalse(self._card(self.non_member))
        new = self.Partner._retail_bulk_create_members(
            [
                {
                    "name": "Bulk Member",
                    "mobile": "13900000077",
                    "is_retail_member": True,
                    "company_id": self.company.id,
                    "retail_store_id": self.s1.id,
                }
            ]
        )
        self.assertEqual(len(self._card(new)), 1)
        self.assertEqual(self.Partner._retail_ensure_loyalty_cards(), 0)
        # a member without card (e.g. created before the install) gets one
        self._card(self.member_s2).unlink()
        self.assertEqual(self.Partner._retail_ensure_loyalty_cards(), 1)
        self.assertEqual(len(self._card(self.member_s2)), 1)
        self.assertEqual(
            self.member_a1.retail_loyalty_card_id, self._card(self.member_a1)
        )

    def test_multiplier_per_tier(self):
        """100 spent = 100 program points; the tier adds (multiplier - 1) x
        100 in one history line of the order."""
        expected = {
            False: 100.0,
            self.basic: 100.0,
            self.silver: 120.0,
            self.gold: 150.0,
            self.diamond: 200.0,
        }
        for tier, points in expected.items():
            with self.subTest(tier=tier and tier.name):
                self.member_a1.retail_tier_id = tier
                card = self._card(self.member_a1)
                before = card.points
                order = self._sale(self.member_a1, 100.0)
                self.assertAlmostEqual(card.points - before, points)
                bonus = self.History.search(
                    [
                        ("card_id", "=", card.id),
                        ("order_id", "=", order.id),
                        ("retail_kind", "=", "tier_bonus"),
                    ]
                )
                self.assertAlmostEqual(sum(bonus.mapped("issued")), points - 100.0)
                self.assertAlmostEqual(card.points, self._balance_from_history(card))
        self.assertEqual(self.member_a1._retail_points_multiplier(), 2.0)

    def test_bonus_idempotent_and_cancelled(self):
        self.member_a1.retail_tier_id = self.gold
        card = self._card(self.member_a1)
        order = self._sale(self.member_a1, 200.0)
        self.assertAlmostEqual(card.points, 300.0)
        # called again by a channel: nothing more
        self.assertFalse(card._retail_add_tier_bonus(order, 200.0))
        self.assertAlmostEqual(card.points, 300.0)
        self._cancel(order)
        self.assertAlmostEqual(card.points, 0.0)
        self.assertAlmostEqual(self._balance_from_history(card), 0.0)
        self.assertAlmostEqual(sum(card.retail_lot_ids.mapped("remaining")), 0.0)

    def test_reward_on_order_uses_oldest_points(self):
        """Odoo's reward (5 % for 200 points) claimed on an order: the card
        is locked, 200 points are used from the oldest lots."""
        card = self._card(self.member_a1)
        self._give(card, 150, date(2026, 1, 1))
        self._give(card, 100, date(2026, 2, 1))
        order = self._sale(self.member_a1, 100.0, confirm=False)
        order._update_programs_and_rewards()
        rewards = order._get_claimable_rewards()
        order._apply_program_reward(rewards[card][:1], card)
        order.action_confirm()
        lots = card.retail_lot_ids.sorted("earned_date")
        # 150 + 100 - 200 + the order's points (95 after the 5 % discount)
        self.assertEqual(lots.mapped("remaining")[:2], [0.0, 50.0])
        self.assertAlmostEqual(card.points, 50.0 + lots[2:].remaining)
        self.assertAlmostEqual(card.points, self._balance_from_history(card))

    def test_bad_multiplier(self):
        """A multiplier of 0 or less is refused at save time, the tier keeps
        its multiplier."""
        for value in (0.0, -1.0):
            with self.assertRaises(ValidationError) as cm:
                self.silver.points_multiplier = value
                self.silver.flush_recordset()
            self.assertIn("must be greater than 0", str(cm.exception))
            self.silver.invalidate_recordset()
            self.assertEqual(self.silver.points_multiplier, 1.2)
