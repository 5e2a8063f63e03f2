# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member analytics view, against brute-force counts."""

import random
from collections import Counter
from datetime import datetime, timedelta

import pytz

from odoo import Command
from odoo.tests import tagged

from ..report.retail_member_report import ACTIVE_DAYS, CHURN_DAYS
from .common import RetailCrmCommon, write_raw_stats


@tagged("post_install", "-at_install")
class TestMemberReport(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rnd = random.Random(42)
        tag = cls.env["res.partner.category"].create({"name": "Report Tag"})
        today = datetime.now(pytz.timezone("Asia/Shanghai")).date()
        cls.today = today
        stores = [(cls.s1, cls.a1), (cls.s1, cls.a1b), (cls.s2, cls.a2)]
        vals_list = []
        for i in range(60):
            store, user = rnd.choice(stores)
            vals_list.append(
                {
                    "name": f"Report Member {i}",
                    "mobile": f"1360000{i:04d}" if rnd.random() < 0.8 else False,
                    "is_retail_member": True,
                    "company_id": cls.company.id,
                    "retail_store_id": store.id,
                    "user_id": user.id,
                    "retail_channel": rnd.choice(["store", "wecom", "ecommerce"]),
                    "retail_join_date": today - timedelta(days=rnd.randrange(0, 90)),
                    "retail_birthday": today
                    - timedelta(days=rnd.randrange(7000, 20000))
                    if rnd.random() < 0.5
                    else False,
                    "retail_marketing_consent": rnd.random() < 0.6,
                    "category_id": [Command.link(tag.id)] if rnd.random() < 0.3 else [],
                }
            )
        cls.Partner.create(vals_list)
        # one archived member: not in the report
        cls.archived = cls._new_member("Archived Member", "13600009999", cls.s1, cls.a1)
        cls.archived.active = False
        # a tag kept by a segment does not count as a tag given by people
        segment = cls.env["retail.segment"].create(
            {"name": "Report Segment", "domain": "[]", "auto_tag": True}
        )
        cls.segment_tag = segment.tag_id
        cls.members = cls.Partner.search(
            [("is_retail_member", "=", True), ("company_id", "=", cls.company.id)]
        )
        cls.env.flush_all()
        for member in cls.members:
            count = rnd.choice([0, 0, 1, 2, 3, 6])
            window = min(count, rnd.choice([0, 1, 2, 3]))
            last = today - timedelta(
                days=rnd.choice([0, 30, 89, 90, 91, 200, 365, 366, 700])
            )
            write_raw_stats(
                cls.env,
                member.ids,
                order_count=count,
                window_order_count=window,
                last_purchase_date=last if count else None,
                total_spent=round(rnd.uniform(10, 2000), 2) if count else 0,
            )
        cls.members.write({"category_id": [Command.link(cls.segment_tag.id)]})
        cls.env.invalidate_all()

    def _brute_force(self, members):
        today = self.today
        first = today.replace(day=1)
        buyers = members.filtered(lambda m: m.retail_order_count > 0)
        window_buyers = members.filtered(lambda m: m.retail_window_order_count >= 1)
        repurchasers = members.filtered(lambda m: m.retail_window_order_count >= 2)
        churned = buyers.filtered(
            lambda m: m.retail_last_purchase_date < today - timedelta(days=CHURN_DAYS)
        )
        active = buyers.filtered(
            lambda m: m.retail_last_purchase_date > today - timedelta(days=ACTIVE_DAYS)
        )
        n = len(members)
        shares = [
            100.0 * len(members.filtered(f)) / n
            for f in (
                "mobile",
                "retail_birthday",
                "retail_marketing_consent",
                lambda m: m.category_id - self.segment_tag,
            )
        ]
        return {
            "member_count": n,
            "new_count": len(members.filtered(lambda m: m.retail_join_date >= first)),
            "active_count": len(active),
            "buyer_count": len(buyers),
            "repurchaser_count": len(repurchasers),
            "churned_count": len(churned),
            "total_spent": round(sum(members.mapped("retail_total_spent")), 2),
            "clv": sum(members.mapped("retail_total_spent")) / n,
            "repurchase_rate": 100.0 * len(repurchasers) / len(window_buyers),
            "churn_rate": 100.0 * len(churned) / len(buyers),
            "mobile_rate": shares[0],
            "birthday_rate": shares[1],
            "consent_rate": shares[2],
            "tags_rate": shares[3],
            "completeness": sum(shares) / 4,
        }

    def _report(self, user, domain):
        measures = [
            "member_count",
            "new_count",
            "active_count",
            "buyer_count",
            "repurchaser_count",
            "churned_count",
            "total_spent",
            "clv",
            "repurchase_rate",
            "churn_rate",
            "mobile_rate",
            "birthday_rate",
            "consent_rate",
            "tags_rate",
            "completeness",
        ]
        Report = self.env["retail.member.report"].with_user(user)
        groups = Report._read_group(
            domain + [("company_id", "=", self.company.id)],
            ["store_id"],
            [f"{m}:{Report._fields[m].aggregator}" for m in measures],
        )
        return {
            store: dict(zip(measures, values, strict=True)) for store, *values in groups
        }

    def _assert_figures(self, got, expected):
        for key, value in expected.items():
            self.assertAlmostEqual(got[key], value, places=2, msg=key)

    def test_figures_per_store(self):
        result = self._report(self.hq, [])
        self.assertEqual(set(result), {self.s1, self.s2})
        for store in (self.s1, self.s2):
            members = self.members.filtered(lambda m, s=store: m.retail_store_id == s)
            with self.subTest(store=store.code):
                self._assert_figures(result[store], self._brute_force(members))
        self.assertFalse(
            self.env["retail.member.report"].search(
                [("partner_id", "=", self.archived.id)]
            )
        )

    def test_completeness_per_associate(self):
        Report = self.env["retail.member.report"].with_user(self.hq)
        groups = Report._read_group(
            [("company_id", "=", self.company.id)],
            ["user_id"],
            ["completeness:avg", "mobile_rate:avg"],
        )
        self.assertEqual(len(groups), 3)
        for user, completeness, mobile_rate in groups:
            expected = self._brute_force(
                self.members.filtered(lambda m, u=user: m.user_id == u)
            )
            self.assertAlmostEqual(completeness, expected["completeness"], places=2)
            self.assertAlmostEqual(mobile_rate, expected["mobile_rate"], places=2)

    def test_store_scoped(self):
        for user in (self.a1, self.m1):
            result = self._report(user, [])
            self.assertEqual(set(result), {self.s1})
            members = self.members.filtered(lambda m: m.retail_store_id == self.s1)
            self._assert_figures(result[self.s1], self._brute_force(members))
        self.assertEqual(set(self._report(self.a2, [])), {self.s2})
        self.assertFalse(self._report(self.associate_nostore, []))

    def test_tier_distribution_and_stage_funnel(self):
        """Members per store and stage, and per tier, equal a recount."""
        self.env.flush_all()
        members = self.members.filtered("active")
        Report = self.env["retail.member.report"].with_user(self.hq)
        domain = [("company_id", "=", self.company.id)]
        funnel = {
            (store, stage): count
            for store, stage, count in Report._read_group(
                domain, ["store_id", "stage"], ["member_count:sum"]
            )
        }
        expected = Counter((m.retail_store_id, m.retail_stage) for m in members)
        self.assertEqual(funnel, dict(expected))
        tiers = {
            tier: count
            for tier, count in Report._read_group(
                domain, ["tier_id"], ["member_count:sum"]
            )
        }
        self.assertEqual(tiers, dict(Counter(m.retail_tier_id for m in members)))
