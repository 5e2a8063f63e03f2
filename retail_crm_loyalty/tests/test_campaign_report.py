# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import tagged

from ..tools.messaging import is_holdout
from .common import RetailMessagingCommon


@tagged("post_install", "-at_install")
class TestCampaignReport(RetailMessagingCommon):
    def test_roi_with_redeemed_coupon_and_uplift(self):
        """Coupons issued and redeemed (through sale_loyalty's own code
        flow), revenue of the orders using them, uplift against holdout."""
        self.company.write({"retail_quiet_start": 0.0, "retail_quiet_end": 0.0})
        members = self.Partner
        for index in range(12):
            members |= self._new_member(
                f"ROI Member {index}",
                f"1350000{index:04d}",
                self.s1,
                self.a1,
                retail_marketing_consent=True,
            )
        now = fields.Datetime.to_string(fields.Datetime.now())
        touches = self._send(
            members,
            "birthday",
            now=now,
            period_key="2026",
            holdout_percent=30,
            coupon_program=self.coupon_program,
            coupon_validity_days=30,
        )
        holdout = touches.filtered(lambda t: t.state == "holdout")
        sent = touches - holdout
        expected = members.filtered(lambda m: is_holdout(m.id, "birthday", "2026", 30))
        self.assertEqual(holdout.partner_id, expected)
        self.assertTrue(holdout and sent)
        product = self.env["product.product"].create(
            {"name": "Gift Box", "list_price": 100}
        )
        # one contacted member uses the coupon, one holdout member buys too
        buyer = sent[0]
        order = self.env["sale.order"].create(
            {
                "partner_id": buyer.partner_id.id,
                "company_id": self.company.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        status = order._try_apply_code(buyer.coupon_id.code)
        self.assertNotIn("error", status)
        [(coupon, rewards)] = list(status.items())
        order._apply_program_reward(rewards, coupon)
        order.action_confirm()
        self.assertEqual(
            order.order_line.filtered("coupon_id").coupon_id, buyer.coupon_id
        )
        other = self.env["sale.order"].create(
            {
                "partner_id": holdout[0].partner_id.id,
                "company_id": self.company.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        other.action_confirm()
        self.env.flush_all()
        Report = self.env["retail.campaign.report"]
        [group] = Report._read_group(
            [("partner_id", "in", members.ids)],
            [],
            [
                "targeted_count:sum",
                "holdout_count:sum",
                "sent_count:sum",
                "coupon_count:sum",
                "redeemed_count:sum",
                "coupon_revenue:sum",
                "redemption_rate:avg",
                "conversion_rate:avg",
                "holdout_conversion_rate:avg",
                "uplift:avg",
            ],
        )
        n_sent, n_hold = len(sent), len(holdout)
        self.assertEqual(group[:5], (12, n_hold, n_sent, n_sent, 1))
        self.assertAlmostEqual(group[5], order.amount_total, places=2)
        self.assertAlmostEqual(group[6], 100.0 / n_sent)
        self.assertAlmostEqual(group[7], 100.0 / n_sent)
        self.assertAlmostEqual(group[8], 100.0 / n_hold)
        self.assertAlmostEqual(group[9], 100.0 / n_sent - 100.0 / n_hold)
        # store managers read the report of their store
        self.assertEqual(
            Report.with_user(self.m1).search_count([("partner_id", "in", members.ids)]),
            12,
        )
        self.assertFalse(
            Report.with_user(self.m2).search_count([("partner_id", "in", members.ids)])
        )
