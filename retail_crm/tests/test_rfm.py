# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM scores and high-value flag, against a brute-force computation."""

import random
from datetime import date, timedelta
from itertools import product

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.res_partner_rfm import RFM_FIELDS
from ..tools.rfm import HIGH_VALUE_SHARE, RFM_GROUP_SQL, rfm_group
from .common import RetailCrmCommon, write_raw_stats


def ntile(count, buckets=5):
    """Buckets of ``count`` sorted rows, as SQL NTILE: the first
    ``count % buckets`` buckets hold one row more."""
    size, extra = divmod(count, buckets)
    result = []
    for bucket in range(1, buckets + 1):
        result += [bucket] * (size + (1 if bucket <= extra else 0))
    return result


def brute_force(rows):
    """``{id: (r, f, m, group, high_value)}`` of ``rows``: dicts with id,
    active, last, count and spent (one company)."""
    buyers = [row for row in rows if row["active"] and row["count"] > 0]
    scores = {row["id"]: {} for row in buyers}
    for key, column in (("r", "last"), ("f", "count"), ("m", "spent")):
        ordered = sorted(buyers, key=lambda row, c=column: (row[c], row["id"]))
        for row, bucket in zip(ordered, ntile(len(ordered)), strict=True):
            scores[row["id"]][key] = bucket
    result = {row["id"]: (None, None, None, False, False) for row in rows}
    n = len(buyers)
    for row in buyers:
        s = scores[row["id"]]
        above = sum(1 for other in buyers if other["spent"] > row["spent"])
        percent_rank = above / (n - 1) if n > 1 else 0.0
        result[row["id"]] = (
            s["r"],
            s["f"],
            s["m"],
            rfm_group(s["r"], s["f"], s["m"]),
            percent_rank < HIGH_VALUE_SHARE,
        )
    return result


@tagged("post_install", "-at_install")
class TestRfm(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rnd = random.Random(20261123)
        cls.members = cls.Partner.create(
            [
                {
                    "name": f"RFM Member {i}",
                    "mobile": f"1370000{i:04d}",
                    "is_retail_member": True,
                    "company_id": cls.company.id,
                    "retail_store_id": (cls.s1 if i % 2 else cls.s2).id,
                }
                for i in range(73)
            ]
        )
        cls.all_members = cls.Partner.search(
            [("is_retail_member", "=", True), ("company_id", "=", cls.company.id)]
        )
        today = date.today()
        cls.rows = []
        for member in cls.all_members:
            # small value ranges: many ties, as in real data
            count = rnd.choice([0, 0, 1, 1, 1, 2, 2, 3, 5, 8])
            row = {
                "id": member.id,
                "active": True,
                "count": count,
                "last": today - timedelta(days=rnd.randrange(0, 400, 7))
                if count
                else None,
                "spent": round(rnd.choice([50, 99.9, 120, 300]) * count, 2),
            }
            cls.rows.append(row)
        cls._write_stats(cls.rows)

    @classmethod
    def _write_stats(cls, rows):
        cls.env.flush_all()
        for row in rows:
            write_raw_stats(
                cls.env,
                [row["id"]],
                order_count=row["count"],
                last_purchase_date=row["last"],
                total_spent=row["spent"],
            )
            cls.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET active = %s WHERE id = %s",
                    row["active"],
                    row["id"],
                )
            )
        cls.env.invalidate_all()

    def _scores(self, members):
        members.invalidate_recordset()
        return {
            m.id: (
                m.retail_rfm_recency or None,
                m.retail_rfm_frequency or None,
                m.retail_rfm_monetary or None,
                m.retail_rfm_group,
                m.retail_high_value,
            )
            for m in members.with_context(active_test=False)
        }

    def test_quintiles_match_brute_force(self):
        self.Partner._retail_refresh_rfm(company_ids=self.company.ids)
        expected = brute_force(self.rows)
        self.assertEqual(self._scores(self.all_members), expected)
        buyers = [r for r in self.rows if r["count"]]
        self.assertGreater(len(buyers), 40)
        # every quintile is used, and the groups vary
        groups = {v[3] for v in expected.values() if v[3]}
        self.assertGreater(len(groups), 3)
        # idempotent: a second pass writes nothing
        self.assertEqual(
            self.Partner._retail_refresh_rfm(company_ids=self.company.ids), []
        )

    def test_data_change_and_archived(self):
        self.Partner._retail_refresh_rfm(company_ids=self.company.ids)
        rows = [dict(r) for r in self.rows]
        # the biggest buyer is archived, a non-buyer buys a lot
        top = max(rows, key=lambda r: (r["spent"], r["id"]))
        top["active"] = False
        newcomer = next(r for r in rows if not r["count"])
        newcomer.update(count=9, last=date.today(), spent=5000.0)
        self._write_stats([top, newcomer])
        changed = self.Partner._retail_refresh_rfm(company_ids=self.company.ids)
        self.assertIn(top["id"], changed)
        self.assertIn(newcomer["id"], changed)
        self.assertEqual(self._scores(self.all_members), brute_force(rows))
        self.assertEqual(
            self.Partner.browse(newcomer["id"]).retail_rfm_group, "champions"
        )

    def test_high_value_top_20_percent(self):
        members = self.all_members[:10]
        rows = [
            {
                "id": m.id,
                "active": True,
                "count": 1,
                "last": date.today(),
                "spent": 100.0 * (i + 1),
            }
            for i, m in enumerate(members)
        ]
        rows += [
            {"id": m.id, "active": True, "count": 0, "last": None, "spent": 0}
            for m in self.all_members[10:]
        ]
        self._write_stats(rows)
        self.Partner._retail_refresh_rfm(company_ids=self.company.ids)
        high = self.all_members.filtered("retail_high_value")
        self.assertEqual(high, members[8:10], "the 2 biggest of 10 buyers")
        # ties at the threshold are all in
        self._write_stats([dict(rows[7], spent=900.0)])
        self.Partner._retail_refresh_rfm(company_ids=self.company.ids)
        self.all_members.invalidate_recordset()
        self.assertEqual(self.all_members.filtered("retail_high_value"), members[7:10])

    def test_sql_case_agrees_with_function(self):
        combos = list(product(range(1, 6), repeat=3)) + [(None, 3, 3), (3, None, 3)]
        values = SQL(", ").join(SQL("(%s::int, %s::int, %s::int)", *c) for c in combos)
        self.env.cr.execute(
            SQL(
                "SELECT r, f, m, %s FROM (VALUES %s) AS v(r, f, m)",
                SQL(RFM_GROUP_SQL),
                values,
            )
        )
        for r, f, m, group in self.env.cr.fetchall():
            self.assertEqual(group or False, rfm_group(r, f, m), (r, f, m))

    def test_amounts_sorted_as_float8(self):
        """The monetary score and the high-value rank sort the totals as
        float8: the order and the ties of numeric, for amounts in cents up to
        billions (random, equal, one cent apart)."""
        rng = random.Random(8)
        amounts = [f"{rng.randint(0, 10**11) / 100:.2f}" for __ in range(2000)]
        amounts += ["0.00", "0.01", "0.10", "999999999.99", "1000000000.00"]
        amounts += amounts[:50]  # ties
        self.env.cr.execute(
            SQL(
                "SELECT array_agg(v ORDER BY v, n)"
                "       = array_agg(v ORDER BY v::float8, n),"
                " array_agg(rank ORDER BY n) = array_agg(frank ORDER BY n)"
                "  FROM (SELECT v, n, rank() OVER (ORDER BY v DESC) AS rank,"
                "               rank() OVER (ORDER BY v::float8 DESC) AS frank"
                "          FROM unnest(%s::numeric[]) WITH ORDINALITY AS u(v, n)) x",
                amounts,
            )
        )
        self.assertEqual(self.env.cr.fetchone(), (True, True))

    def test_scores_not_writable(self):
        for field in RFM_FIELDS:
            with self.assertRaises(AccessError) as cm:
                self.member_a1.with_user(self.m1).write({field: 1})
            self.assertIn("RFM scores", str(cm.exception))
        self.assertFalse(self.member_a1.retail_rfm_recency)

    def test_birthday_month(self):
        self.member_a1.retail_birthday = date(1990, 7, 14)
        self.assertEqual(self.member_a1.retail_birthday_month, 7)
        self.assertIn(
            self.member_a1,
            self.Partner.search([("retail_birthday_month", "=", 7)]),
        )
        self.member_a1.retail_birthday = False
        self.assertEqual(self.member_a1.retail_birthday_month, 0)
