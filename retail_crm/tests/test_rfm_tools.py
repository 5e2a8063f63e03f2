# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The RFM group rule, without database."""

from itertools import product

from odoo.tests import BaseCase, tagged

from ..tools.rfm import RFM_GROUPS, rfm_group


@tagged("post_install", "-at_install")
class TestRfmTools(BaseCase):
    def test_examples(self):
        self.assertEqual(rfm_group(5, 5, 5), "champions")
        self.assertEqual(rfm_group(4, 4, 4), "champions")
        self.assertEqual(rfm_group(4, 5, 3), "loyal")
        self.assertEqual(rfm_group(3, 4, 5), "loyal")
        self.assertEqual(rfm_group(5, 1, 5), "new")
        self.assertEqual(rfm_group(4, 1, 1), "new")
        self.assertEqual(rfm_group(5, 2, 2), "potential")
        self.assertEqual(rfm_group(3, 1, 1), "potential")
        self.assertEqual(rfm_group(2, 5, 5), "at_risk")
        self.assertEqual(rfm_group(1, 3, 1), "at_risk")
        self.assertEqual(rfm_group(2, 2, 5), "hibernating")
        self.assertEqual(rfm_group(1, 2, 5), "lost")
        self.assertEqual(rfm_group(1, 1, 1), "lost")

    def test_no_scores(self):
        self.assertIs(rfm_group(None, None, None), False)
        self.assertIs(rfm_group(0, 3, 3), False)
        self.assertIs(rfm_group(3, 3, None), False)

    def test_every_combination_has_a_group(self):
        keys = {key for key, __ in RFM_GROUPS}
        seen = set()
        for r, f, m in product(range(1, 6), repeat=3):
            group = rfm_group(r, f, m)
            self.assertIn(group, keys, (r, f, m))
            seen.add(group)
        self.assertEqual(seen, keys, "every group is reachable")

    def test_recency_never_hurts(self):
        """A more recent purchase never gives a worse group."""
        rank = {key: i for i, (key, __) in enumerate(RFM_GROUPS)}
        # "new" (one purchase) and "potential" are different kinds of recent
        # buyers rather than a ranking: compare the other groups only.
        for r, f, m in product(range(1, 5), range(1, 6), range(1, 6)):
            before, after = rfm_group(r, f, m), rfm_group(r + 1, f, m)
            if {before, after} & {"new"}:
                continue
            self.assertLessEqual(rank[after], rank[before], (r, f, m))
