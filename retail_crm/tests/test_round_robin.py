# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase, tagged

from ..tools.round_robin import round_robin


@tagged("post_install", "-at_install")
class TestRoundRobin(BaseCase):
    def test_even_spread_in_order(self):
        result = round_robin(["m1", "m2", "m3", "m4", "m5"], ["a", "b"])
        self.assertEqual(
            result, {"m1": "a", "m2": "b", "m3": "a", "m4": "b", "m5": "a"}
        )

    def test_starts_with_the_least_loaded(self):
        result = round_robin(["m1", "m2", "m3"], ["a", "b", "c"], {"a": 5, "b": 1})
        self.assertEqual(result, {"m1": "c", "m2": "a", "m3": "b"})

    def test_tie_keeps_the_given_order(self):
        result = round_robin(["m1", "m2"], ["b", "a"], {"a": 1, "b": 1})
        self.assertEqual(result, {"m1": "b", "m2": "a"})

    def test_no_assignee(self):
        self.assertEqual(round_robin(["m1"], []), {})

    def test_no_item(self):
        self.assertEqual(round_robin([], ["a"]), {})

    def test_duplicate_assignees_count_once(self):
        result = round_robin(["m1", "m2", "m3"], ["a", "a", "b"])
        self.assertEqual(result, {"m1": "a", "m2": "b", "m3": "a"})
