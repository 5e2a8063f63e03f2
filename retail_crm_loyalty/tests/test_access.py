# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRetailLoyaltyAccess(RetailLoyaltyCommon):
    def setUp(self):
        super().setUp()
        for member in (self.member_a1, self.member_s2):
            self._give(self._card(member), 10, date(2026, 1, 1))

    def test_associate_sees_own_stores(self):
        """An associate of S1 reads the cards, history and lots of S1's
        members, not those of S2."""
        card_s1, card_s2 = self._card(self.member_a1), self._card(self.member_s2)
        cards = card_s1 | card_s2
        Card = self.Card.with_user(self.a1)
        self.assertEqual(Card.search([("id", "in", cards.ids)]), card_s1)
        Lot = self.Lot.with_user(self.a1)
        self.assertEqual(Lot.search([("card_id", "in", cards.ids)]).card_id, card_s1)
        History = self.History.with_user(self.a1)
        lines = History.search([("card_id", "in", (card_s1 | card_s2).ids)])
        self.assertEqual(lines.card_id, card_s1)
        with self.assertRaises(AccessError):
            card_s2.with_user(self.a1).read(["points"])
        self.assertEqual(self.member_a1.with_user(self.a1).retail_points, 10.0)
        # HQ sees both
        Card = self.Card.with_user(self.hq)
        self.assertEqual(
            Card.search([("id", "in", (card_s1 | card_s2).ids)]), card_s1 | card_s2
        )

    def test_only_hq_configures_programs(self):
        with self.assertRaises(AccessError):
            self.chain.with_user(self.m1).write({"retail_expiry_months": 6})
        self.chain.with_user(self.hq).write({"retail_expiry_months": 6})
        self.assertEqual(self.chain.retail_expiry_months, 6)
        with self.assertRaises(AccessError):
            self.silver.with_user(self.m1).write({"points_multiplier": 3})
