# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from odoo.addons.retail_crm.models.res_partner_import import PARTNER_MERGE

from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRetailMergeCards(RetailLoyaltyCommon):
    def _merge(self, sources, master):
        self.env["base.partner.merge.automatic.wizard"].with_context(
            retail_partner_merge=PARTNER_MERGE
        )._merge(sources.ids + master.ids, master, extra_checks=False)

    def test_merge_two_chain_cards(self):
        """The survivor keeps its card with the sum of the points and the lots
        of both (earning and expiry dates kept, FIFO across them); the other
        card is archived; a history line on both; balances reconcile."""
        master, other = self.member_a1, self.member_a1_2
        keep, gone = self._card(master), self._card(other)
        self.assertTrue(keep and gone)
        self._give(keep, 100, date(2026, 3, 1))
        self._give(gone, 50, date(2026, 1, 15))  # the oldest lot
        self._give(gone, 30, date(2026, 5, 1))
        gone._retail_redeem(20, "Reward")  # 30 left of January
        gone_code = gone.code
        self._merge(other, master)
        self.assertFalse(other.exists())
        cards = self.Card.search(
            [("partner_id", "=", master.id), ("program_id", "=", self.chain.id)]
        )
        self.assertEqual(cards, keep)
        self.assertEqual(master.retail_loyalty_card_id, keep)
        self.assertAlmostEqual(keep.points, 100 + 60)
        self.assertFalse(gone.active)
        self.assertAlmostEqual(gone.points, 0)
        for card in (keep, gone):
            self.assertAlmostEqual(card.points, self._balance_from_history(card))
            merge_line = card.history_ids.filtered(lambda h: h.retail_kind == "merge")
            self.assertEqual(len(merge_line), 1)
        self.assertIn(
            gone_code,
            keep.history_ids.filtered(lambda h: h.retail_kind == "merge").description,
        )
        lots = keep.retail_lot_ids.sorted("earned_date")
        self.assertEqual(
            lots.mapped("earned_date"),
            [date(2026, 1, 15), date(2026, 3, 1), date(2026, 5, 1)],
        )
        self.assertEqual(
            lots.mapped("expiry_date"),
            [date(2027, 1, 15), date(2027, 3, 1), date(2027, 5, 1)],
        )
        self.assertEqual(lots.mapped("remaining"), [30, 100, 30])
        self.assertEqual(set(lots.mapped("partner_id")), {master})
        self.assertFalse(gone.retail_lot_ids)
        # FIFO goes on across the merged lots: the January lot first
        keep._retail_redeem(40, "Reward")
        self.assertEqual(lots.mapped("remaining"), [0, 90, 30])
        self.assertAlmostEqual(keep.points, self._balance_from_history(keep))

    def test_merge_one_card(self):
        """Only one chain card among the merged members: nothing to join."""
        master, other = self.member_a1, self.member_a1_2
        keep = self._card(master)
        self._card(other).unlink()
        self._give(keep, 10, date(2026, 3, 1))
        self._merge(other, master)
        self.assertEqual(master.retail_loyalty_card_id, keep)
        self.assertAlmostEqual(keep.points, 10)
        self.assertFalse(keep.history_ids.filtered(lambda h: h.retail_kind == "merge"))
