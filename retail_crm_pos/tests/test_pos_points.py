# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy

from odoo.tests import tagged

from .common import RetailPosCommon


@tagged("post_install", "-at_install")
class TestRetailPosPoints(RetailPosCommon):
    """Chain points of POS orders: the tier multiplier, refunds; the member
    follow-up queued after the sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold.points_multiplier = 2.0
        cls.chain = cls.env["loyalty.program"]._retail_chain_program(cls.company)
        cls.card1 = cls.member1.retail_loyalty_card_id

    def _confirm(self, order_uuid, points):
        """pos_loyalty's confirmation of the points the till computed."""
        order = self.env["pos.order"].search([("uuid", "=", order_uuid)])
        coupon_data = {
            str(self.card1.id): {
                "points": points,
                "program_id": self.chain.id,
                "coupon_id": self.card1.id,
                "barcode": False,
            }
        }
        return order.with_user(self.cashier).confirm_coupon_programs(coupon_data)

    def _bonus_lines(self, order):
        return self.env["loyalty.history"].search(
            [
                ("card_id", "=", self.card1.id),
                ("retail_kind", "=", "tier_bonus"),
                ("order_model", "=", "pos.order"),
                ("order_id", "=", order.id),
            ]
        )

    def test_chain_programs_offered_in_the_pos(self):
        ewallet = self.env["loyalty.program"].create(
            {"name": "Test Stored Value", "program_type": "ewallet"}
        )
        self.env["loyalty.program"]._retail_pos_enable_chain_programs()
        programs = self.config._get_program_ids()
        self.assertIn(self.chain, programs)
        self.assertIn(ewallet, programs)
        self.assertTrue(self.card1)

    def test_tier_bonus_once_on_double_sync(self):
        session = self._open_session()
        data = self._ui_order(session, self.member1, qty=2)
        self._sync(copy.deepcopy(data))
        order = self.env["pos.order"].search([("uuid", "=", data["uuid"])])
        # the order made the member Gold at once: x2 on this very order
        self.member1.invalidate_recordset()
        self.assertEqual(self.member1.retail_tier_id, self.gold)
        payload = self._confirm(data["uuid"], 120.0)
        self.assertEqual(self.card1.points, 240.0)
        self.assertEqual(self._bonus_lines(order).issued, 120.0)
        # the till gets the balance with the bonus
        update = next(u for u in payload["coupon_updates"] if u["id"] == self.card1.id)
        self.assertEqual(update["points"], 240.0)
        # sent again (same uuid) and confirmed again: no second bonus
        self._sync(copy.deepcopy(data))
        self._confirm(data["uuid"], 120.0)
        self.assertEqual(len(self._bonus_lines(order)), 1)
        self.assertEqual(
            self.env["pos.order"].search_count([("uuid", "=", data["uuid"])]), 1
        )

    def test_no_bonus_without_multiplier(self):
        session = self._open_session()
        data = self._ui_order(session, self.member1)
        result = self._sync(data)
        # 60 spent: still Basic (x1); the till has the member already: not
        # read again (only members upgraded by the order are sent back)
        self.assertNotIn(
            self.member1.id, [p["id"] for p in result.get("res.partner", [])]
        )
        self._confirm(data["uuid"], 60.0)
        order = self.env["pos.order"].search([("uuid", "=", data["uuid"])])
        self.assertFalse(self._bonus_lines(order))
        self.assertEqual(self.card1.points, 60.0)

    def test_refund_takes_the_bonus_back(self):
        session = self._open_session()
        data = self._ui_order(session, self.member1, qty=2)
        self._sync(data)
        self._confirm(data["uuid"], 120.0)
        order = self.env["pos.order"].search([("uuid", "=", data["uuid"])])
        self.assertEqual(self.card1.points, 240.0)
        # one tea of two returned: half of the bonus back
        refund = self._ui_order(session, self.member1, qty=-1)
        refund["lines"][0][2]["refunded_orderline_id"] = order.lines.id
        self._sync(copy.deepcopy(refund))
        refund_order = self.env["pos.order"].search([("uuid", "=", refund["uuid"])])
        back = self.env["loyalty.history"].search(
            [
                ("retail_kind", "=", "tier_bonus"),
                ("order_model", "=", "pos.order"),
                ("order_id", "=", refund_order.id),
            ]
        )
        self.assertEqual(back.used, 60.0)
        self.assertEqual(self.card1.points, 180.0)
        # the refund synced again takes nothing more
        self._sync(copy.deepcopy(refund))
        self.assertEqual(self.card1.points, 180.0)

    def test_member_follow_up_is_queued(self):
        session = self._open_session()
        self.assertEqual(self.member2.retail_stage, "prospect")
        data = self._ui_order(session, self.member2, qty=2)
        self._sync(data)
        order = self.env["pos.order"].search([("uuid", "=", data["uuid"])])
        self.member2.invalidate_recordset()
        # statistics and tier at once
        self.assertEqual(self.member2.retail_order_count, 1)
        self.assertEqual(self.member2.retail_tier_id, self.gold)
        # the lifecycle stage by the queued job
        self.assertTrue(order.retail_hooks_pending)
        self.assertEqual(self.member2.retail_stage, "prospect")
        Order = self.env["pos.order"]
        self.assertEqual(Order._cron_retail_pos_member_hooks(), 1)
        order.invalidate_recordset()
        self.member2.invalidate_recordset()
        self.assertFalse(order.retail_hooks_pending)
        self.assertNotEqual(self.member2.retail_stage, "prospect")
        # run again: nothing to do
        self.assertEqual(Order._cron_retail_pos_member_hooks(), 0)

    def test_partner_pos_data_has_balances(self):
        ewallet = self.env["loyalty.program"].create(
            {"name": "Test Stored Value", "program_type": "ewallet"}
        )
        self.env["loyalty.card"].create(
            {"program_id": ewallet.id, "partner_id": self.member1.id, "points": 88.5}
        )
        self.card1.points = 30.0
        self.member1._retail_tier_upgrade()
        (row,) = self.Partner._retail_pos_read(self.member1.ids, self.config)
        self.assertEqual(row["retail_pos_points"], 30.0)
        self.assertEqual(row["retail_pos_ewallet"], 88.5)
        self.assertEqual(row["retail_pos_points_multiplier"], 1.0)
        self.basic.points_multiplier = 1.5
        self.member1.invalidate_recordset()
        (row,) = self.Partner._retail_pos_read(self.member1.ids, self.config)
        self.assertEqual(row["retail_pos_points_multiplier"], 1.5)
        # the session loads the cards of its preloaded members only
        data = {"res.partner": {"data": [{"id": self.member1.id}]}}
        domain = self.env["loyalty.card"]._load_pos_data_domain(
            dict(data, **{"loyalty.program": {"data": [{"id": self.chain.id}]}})
        )
        cards = self.env["loyalty.card"].search(domain)
        self.assertEqual(cards, self.card1)
