# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import BaseCase

from ..tools import loyalty_rules as rules


class TestLoyaltyRules(BaseCase):
    def test_expiry_date(self):
        self.assertEqual(
            rules.expiry_date("year_end", date(2026, 3, 5)), date(2027, 12, 31)
        )
        self.assertEqual(
            rules.expiry_date("year_end", date(2026, 12, 31)), date(2027, 12, 31)
        )
        self.assertEqual(
            rules.expiry_date("months", date(2026, 1, 31), 1), date(2026, 2, 28)
        )
        self.assertEqual(
            rules.expiry_date("months", date(2024, 2, 29), 12), date(2025, 2, 28)
        )
        self.assertIsNone(rules.expiry_date("none", date(2026, 1, 1)))
        with self.assertRaises(ValueError):
            rules.expiry_date("months", date(2026, 1, 1), 0)

    def test_fifo(self):
        lots = [(1, 100), (2, 50), (3, 30)]
        self.assertEqual(rules.fifo_consume(lots, 120), ([(1, 100), (2, 20)], 0))
        self.assertEqual(rules.fifo_consume(lots, 0), ([], 0))
        self.assertEqual(
            rules.fifo_consume(lots, 200), ([(1, 100), (2, 50), (3, 30)], 20)
        )
        self.assertEqual(rules.fifo_consume([(1, 0), (2, 5)], 3), ([(2, 3)], 0))

    def test_tier_bonus(self):
        self.assertEqual(rules.tier_bonus(100, 1.0), 0)
        self.assertEqual(rules.tier_bonus(100, 1.2), 20)
        self.assertEqual(rules.tier_bonus(33.33, 1.5), 16.67)
        with self.assertRaises(ValueError):
            rules.tier_bonus(100, 0)

    def test_referral_code(self):
        codes = {rules.referral_code(n) for n in range(1, 5000)}
        self.assertEqual(len(codes), 4999)
        for n in (1, 30, 31, 4242, 10**9):
            self.assertEqual(rules.referral_code_number(rules.referral_code(n)), n)
        self.assertIsNone(rules.referral_code_number("bad"))
        code = rules.referral_code(4242)
        self.assertEqual(rules.normalize_referral_code(code.lower()), code)
        self.assertEqual(
            rules.normalize_referral_code(f" {code[:3]}-{code[3:]} "), code
        )
        # one character changed: the check character refuses it
        typo = code[:-2] + ("A" if code[-2] != "A" else "B") + code[-1]
        self.assertIsNone(rules.normalize_referral_code(typo))
        self.assertIsNone(rules.normalize_referral_code("hello"))
        self.assertIsNone(rules.normalize_referral_code(""))
