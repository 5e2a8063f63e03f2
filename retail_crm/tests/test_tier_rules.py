# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain unit tests of tools/tiers.py and tools/lifecycle.py (no database)."""

from datetime import date, timedelta
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..tools import lifecycle, tiers

D = Decimal
T = tiers.Tier
PROGRAM = [
    T("basic", D(0), 0),
    T("silver", D("1000.00"), 0),
    T("gold", D("3000.00"), 3),
    T("diamond", D("8000.00"), 6),
]


@tagged("post_install", "-at_install")
class TestTierRules(BaseCase):
    def test_eligible_boundaries(self):
        cases = [
            (0, 0, 0),
            ("999.99", 10, 0),  # one cent under
            ("1000.00", 0, 1),  # exactly at the threshold
            (1000, 0, 1),
            ("2999.99", 5, 1),
            ("3000.00", 2, 1),  # spend reached, orders not
            ("3000.00", 3, 2),
            (3000.0, 3, 2),  # float amounts are read exactly
            ("7999.99", 9, 2),
            ("8000", 5, 2),
            ("8000", 6, 3),
            ("1e9", 100, 3),
        ]
        for spent, orders, expected in cases:
            with self.subTest(spent=spent, orders=orders):
                value = D(spent) if isinstance(spent, str) else spent
                self.assertEqual(tiers.eligible_rank(PROGRAM, value, orders), expected)

    def test_no_tier_reached(self):
        program = PROGRAM[1:]
        self.assertEqual(tiers.eligible_rank(program, D("999.99"), 50), -1)
        self.assertEqual(tiers.eligible_rank([], D(100), 1), -1)

    def test_zero_threshold_unused(self):
        orders_only = [T("a", D(0), 2), T("b", D(0), 5)]
        self.assertEqual(tiers.eligible_rank(orders_only, D(0), 2), 0)
        self.assertEqual(tiers.eligible_rank(orders_only, D(0), 1), -1)
        self.assertEqual(tiers.eligible_rank(orders_only, D(0), 5), 1)

    def test_review_rank(self):
        today = date(2026, 6, 30)
        long_ago = today - timedelta(days=31)
        at_grace = today - timedelta(days=30)
        cases = [
            # current, eligible, reached, grace, steps, ended -> expected
            (None, 2, None, 30, 1, False, 2),  # first evaluation
            (1, 3, today, 30, 1, False, 3),  # upgrades are not limited
            (3, 0, long_ago, 30, 1, False, 2),  # one step down
            (3, 0, long_ago, 30, 2, False, 1),
            (3, 0, long_ago, 30, 0, False, 0),  # 0: no limit
            (3, -1, long_ago, 30, 0, False, -1),
            (3, 0, at_grace, 30, 1, False, 3),  # exactly the grace: kept
            (3, 0, today, 0, 1, False, 3),  # same day: kept
            (3, 0, None, 30, 1, False, 2),  # unknown date: long ago
            (3, 0, today, 30, 1, True, 0),  # override ended: eligible tier
            (2, 2, long_ago, 30, 1, False, 2),
        ]
        for current, eligible, reached, grace, steps, ended, expected in cases:
            with self.subTest(current=current, eligible=eligible, reached=reached):
                self.assertEqual(
                    tiers.review_rank(
                        current, eligible, reached, today, grace, steps, ended
                    ),
                    expected,
                )

    def test_upgrade_rank(self):
        self.assertEqual(tiers.upgrade_rank(None, 1), 1)
        self.assertEqual(tiers.upgrade_rank(1, 2), 2)
        self.assertEqual(tiers.upgrade_rank(2, 0), 2)
        self.assertEqual(tiers.upgrade_rank(None, -1), -1)

    def test_check_thresholds(self):
        self.assertIsNone(tiers.check_thresholds(PROGRAM))
        self.assertIsNone(tiers.check_thresholds([]))
        decreasing = [T("a", D(1000), 2), T("b", D(900), 5)]
        self.assertEqual(tiers.check_thresholds(decreasing), tuple(decreasing))
        fewer_orders = [T("a", D(1000), 2), T("b", D(2000), 1)]
        self.assertEqual(tiers.check_thresholds(fewer_orders), tuple(fewer_orders))
        equal = [T("a", D(1000), 2), T("b", D("1000.00"), 2)]
        self.assertEqual(tiers.check_thresholds(equal), tuple(equal))
        negative = [T("a", D(-1), 0)]
        self.assertEqual(tiers.check_thresholds(negative), (negative[0], None))
        one_greater = [T("a", D(1000), 2), T("b", D(1000), 3)]
        self.assertIsNone(tiers.check_thresholds(one_greater))

    def test_next_review_date(self):
        day = date(2026, 1, 31)
        self.assertEqual(tiers.next_review_date(day, "monthly"), date(2026, 2, 28))
        self.assertEqual(tiers.next_review_date(day, "quarterly"), date(2026, 4, 30))
        self.assertEqual(tiers.next_review_date(day, "yearly"), date(2027, 1, 31))
        with self.assertRaises(TypeError):
            tiers.next_review_date("2026-01-31", "monthly")


TODAY = date(2026, 6, 30)


def ago(days):
    return TODAY - timedelta(days=days)


# orders, window orders, first purchase, last purchase, contacted -> stage
STAGE_TABLE = [
    (0, 0, None, None, False, "prospect"),
    (0, 0, None, None, True, "first_contact"),
    (1, 1, ago(10), ago(10), False, "first_purchase"),
    (1, 1, ago(10), ago(10), True, "first_purchase"),
    (1, 1, ago(59), ago(59), False, "first_purchase"),
    (1, 1, ago(60), ago(60), False, "at_risk"),  # max(60, no interval)
    (1, 0, ago(364), ago(364), False, "at_risk"),
    (1, 0, ago(365), ago(365), False, "lapsed"),
    (2, 2, ago(40), ago(10), False, "active"),
    (3, 3, ago(60), ago(50), False, "active"),  # interval 5 -> 60 days
    (3, 3, ago(100), ago(60), False, "at_risk"),
    (3, 3, ago(300), ago(89), False, "active"),  # interval 105.5 -> 211 days
    (3, 3, ago(300), ago(90), False, "at_risk"),  # no longer active
    (3, 1, ago(700), ago(210), False, "at_risk"),  # 2 x 245 = 490 > 210 idle
    (4, 4, ago(200), ago(5), False, "loyal"),
    (4, 4, ago(200), ago(100), False, "at_risk"),  # 2 x 33.3 < 100 idle
    (9, 9, ago(360), ago(30), False, "loyal"),
    (9, 3, ago(360), ago(30), False, "active"),
    (9, 9, ago(800), ago(365), False, "lapsed"),
    (5, 5, ago(400), ago(120), False, "loyal"),  # interval 70 -> at risk at 140
    (5, 5, ago(400), ago(140), False, "at_risk"),
]


@tagged("post_install", "-at_install")
class TestLifecycleRules(BaseCase):
    def test_stage_table(self):
        for row in STAGE_TABLE:
            *args, expected = row
            with self.subTest(case=row):
                self.assertEqual(lifecycle.derive_stage(*args, TODAY), expected)

    def test_stage_keys(self):
        self.assertEqual(
            lifecycle.STAGE_KEYS,
            [
                "prospect",
                "first_contact",
                "first_purchase",
                "active",
                "loyal",
                "at_risk",
                "lapsed",
            ],
        )

    def test_custom_params(self):
        params = lifecycle.StageParams(30, 2, 20, 3.0, 100)
        self.assertEqual(
            lifecycle.derive_stage(2, 2, ago(40), ago(10), False, TODAY, params),
            "loyal",
        )
        self.assertEqual(
            lifecycle.derive_stage(2, 1, ago(40), ago(25), False, TODAY, params),
            "active",  # interval 15 x 3 = 45 days before at risk
        )
        self.assertEqual(
            lifecycle.derive_stage(2, 1, ago(40), ago(35), False, TODAY, params),
            "at_risk",  # no longer active (30 days)
        )
        self.assertEqual(
            lifecycle.derive_stage(2, 1, ago(140), ago(100), False, TODAY, params),
            "lapsed",
        )
