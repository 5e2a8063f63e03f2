# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import RetailPosCommon


@tagged("post_install", "-at_install")
class TestRetailPosTours(RetailPosCommon):
    """POS tours in headless Chromium, as the cashier (no retail role)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member1.retail_member_code = "M900000001"
        cls.member2.retail_member_code = "M900000002"

    def _members(self):
        return self.Partner.with_context(active_test=False).search_count(
            [("is_retail_member", "=", True), ("company_id", "=", self.company.id)]
        )

    def test_lookup_phone_other_store_card(self):
        self.config.with_user(self.cashier).open_ui()
        self.start_pos_tour("RetailPosLookupTour", login="pos_user")

    def test_registration(self):
        before = self._members()
        self.config.with_user(self.cashier).open_ui()
        # the invalid mobile is refused with a user error (logged by odoo.http)
        with mute_logger("odoo.http"):
            self.start_pos_tour("RetailPosRegisterTour", login="pos_user")
        member = self.Partner.search([("retail_mobile", "=", "+8613600136000")])
        self.assertEqual(member.name, "Zhao Liu")
        # the unknown referral code was refused, the good one applied
        self.assertEqual(member.retail_referred_by_id, self.member1)
        self.assertTrue(member.retail_marketing_consent)
        self.assertEqual(member.retail_consent_channel, "pos")
        self.assertEqual(member.retail_store_id, self.store1)
        # the existing mobile and the bad one created nothing
        self.assertEqual(self._members(), before + 1)

    def test_order_tier_pricelist_upgrade(self):
        # Basic earns x1.5, Gold x2; Lin Yi has 10 points
        self.basic.points_multiplier = 1.5
        self.gold.points_multiplier = 2.0
        card = self.member1.retail_loyalty_card_id
        card.points = 10.0
        self.config.with_user(self.cashier).open_ui()
        self.start_pos_tour("RetailPosOrderTierTour", login="pos_user")
        self.member1.invalidate_recordset()
        self.assertEqual(self.member1.retail_order_count, 1)
        self.assertEqual(self.member1.retail_total_spent, 120.0)
        self.assertEqual(self.member1.retail_tier_id, self.gold)
        # 120 points of the program and the Gold bonus, once
        self.assertEqual(card.points, 250.0)
        bonus = card.history_ids.filtered(lambda h: h.retail_kind == "tier_bonus")
        self.assertEqual(bonus.issued, 120.0)

    def test_offline_registration_then_double_sync(self):
        before = self._members()
        self.config.with_user(self.cashier).open_ui()
        self.start_pos_tour("RetailPosOfflineRegisterTour", login="pos_user")
        member = self.Partner.search([("retail_mobile", "=", "+8613600136009")])
        self.assertEqual(member.name, "Offline Zhou")
        self.assertEqual(self._members(), before + 1)
        orders = self.env["pos.order"].search([("partner_id", "=", member.id)])
        # sent twice, one order, counted once
        self.assertEqual(len(orders), 1)
        self.assertEqual(member.retail_order_count, 1)
        self.assertEqual(member.retail_total_spent, 60.0)
