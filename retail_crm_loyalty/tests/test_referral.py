# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools.loyalty_rules import referral_code
from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRetailReferral(RetailLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Referral = cls.env["retail.referral"]
        cls.referrer = cls.member_a1
        cls.referrer.retail_wechat_unionid = "U-REFERRER"
        cls.code = cls.referrer.retail_referral_code

    def _new(self, name, mobile, **vals):
        return self._new_member(name, mobile, self.s2, self.a2, **vals)

    def _referral_points(self, member):
        card = self._card(member)
        lines = card.history_ids.filtered(lambda h: h.retail_kind == "referral")
        return sum(lines.mapped("issued"))

    def test_codes_and_link(self):
        members = self.member_a1 | self.member_a1_2 | self.member_a1b | self.member_s2
        codes = members.mapped("retail_referral_code")
        self.assertEqual(len(set(codes)), 4)
        self.assertIn(self.code, self.referrer.retail_referral_link)
        self.assertIn("barcode_type=QR", self.referrer.retail_referral_qr_url)
        self.assertFalse(self.non_member.retail_referral_code)

    def test_referral_rewarded_on_first_order(self):
        """Registered with the code (create vals): pending; the first order
        rewards both once, the second order gives nothing more."""
        new = self._new(
            "New Friend", "13900000101", retail_referral_code_used=self.code.lower()
        )
        self.assertEqual(new.retail_referred_by_id, self.referrer)
        referral = self.Referral.search([("referee_id", "=", new.id)])
        self.assertEqual(referral.state, "pending")
        self.assertEqual(self.referrer.retail_referral_count, 1)
        self._sale(new, 10.0)
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._referral_points(self.referrer), 100.0)
        self.assertEqual(self._referral_points(new), 50.0)
        self._sale(new, 10.0)
        self.assertEqual(self._referral_points(self.referrer), 100.0)
        card = self._card(self.referrer)
        self.assertAlmostEqual(card.points, self._balance_from_history(card))

    def test_coupon_reward(self):
        Program = self.env["loyalty.program"]
        coupons = Program.with_context(default_program_type="coupons").create(
            {
                "name": "Referral coupon",
                "company_id": self.company.id,
            }
        )
        self.company.write(
            {
                "retail_referral_reward_type": "coupon",
                "retail_referral_coupon_program_id": coupons.id,
            }
        )
        new = self._new("Coupon Friend", "13900000102")
        new._retail_apply_referral_code(self.code)
        self._sale(new, 10.0)
        for member in (self.referrer, new):
            self.assertEqual(
                self.Card.search_count(
                    [("program_id", "=", coupons.id), ("partner_id", "=", member.id)]
                ),
                1,
            )

    def _assert_refused(self, member, code, message):
        before = self.Referral.search_count([])
        with self.assertRaises(UserError) as cm:
            member._retail_apply_referral_code(code)
        self.assertIn(message, str(cm.exception))
        self.assertEqual(self.Referral.search_count([]), before)

    def test_abuse_cases(self):
        """Each bad code is refused with a clear message, nothing recorded."""
        new = self._new("Abuser", "13900000103")
        self._assert_refused(new, "R2222", "is not a valid referral code")
        typo = self.code[:-1] + ("2" if self.code[-1] != "2" else "3")
        self._assert_refused(new, typo, "is not a valid referral code")
        self._assert_refused(
            self.referrer, self.code, "cannot use their own referral code"
        )
        # same WeChat account as the referrer
        twin = self._new("Twin", "13900000104", retail_wechat_unionid="U-REFERRER")
        self._assert_refused(twin, self.code, "same mobile or WeChat account")
        # a member who already ordered
        buyer = self._new("Buyer", "13900000105")
        self._sale(buyer, 10.0)
        self._assert_refused(buyer, self.code, "referral codes are for new members")
        # referred once, then again
        new._retail_apply_referral_code(self.code)
        self._assert_refused(
            new, self.member_s2.retail_referral_code, "already referred"
        )
        # the same mobile registering again (archived, new member) never counts twice
        new.active = False
        again = self._new("Abuser Again", "13900000103")
        self._assert_refused(again, self.code, "already referred once")
        # the same WeChat unionid under another mobile
        wx = self._new("WX", "13900000106", retail_wechat_unionid="U-WX")
        wx._retail_apply_referral_code(self.code)
        wx2 = self._new("WX 2", "13900000107", retail_wechat_unionid="U-WX")
        self._assert_refused(wx2, self.code, "already referred once")
        self.assertEqual(
            self.Referral.search_count([("referrer_id", "=", self.referrer.id)]), 2
        )

    def test_unknown_code(self):
        new = self._new("Lost", "13900000108")
        self._assert_refused(
            new, referral_code(10**9), "No member has the referral code"
        )

    def test_monthly_cap(self):
        """Cap 1: the second referee's first order rewards nobody."""
        self.company.retail_referral_monthly_cap = 1
        first = self._new("First", "13900000111", retail_referral_code_used=self.code)
        second = self._new("Second", "13900000112", retail_referral_code_used=self.code)
        self._sale(first, 10.0)
        self._sale(second, 10.0)
        states = {
            r.referee_id: r.state
            for r in self.Referral.search([("referrer_id", "=", self.referrer.id)])
        }
        self.assertEqual(states, {first: "rewarded", second: "capped"})
        self.assertEqual(self._referral_points(self.referrer), 100.0)
        self.assertEqual(self._referral_points(second), 0.0)

    def test_bad_config(self):
        for vals in (
            {"retail_referral_referrer_points": -1},
            {"retail_referral_monthly_cap": -1},
            {"retail_referral_reward_type": "coupon"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.company.write(vals)
                self.company.flush_recordset()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.retail_referral_referrer_points, 100.0)
        self.assertEqual(self.company.retail_referral_reward_type, "points")
