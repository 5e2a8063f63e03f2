# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lifecycle stages: the SQL derivation against tools/lifecycle.py, history,
hook, incremental refresh and the nightly job."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools import lifecycle
from .common import write_raw_stats
from .test_tier_rules import STAGE_TABLE, TODAY
from .test_tiers import RetailTierCommon


@tagged("post_install", "-at_install")
class TestStages(RetailTierCommon):
    def _set_raw_stats(self, member, orders, window_orders, first, last):
        write_raw_stats(
            self.env,
            member.ids,
            order_count=orders,
            window_order_count=window_orders,
            first_purchase_date=first,
            last_purchase_date=last,
        )

    def _done_follow_up(self, member):
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": member.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": "Welcome call",
                "user_id": self.env.uid,
            }
        )
        activity.action_feedback(feedback="Called, interested in tea")

    def test_sql_matches_rules(self):
        members = self.Partner
        for i, (orders, window, first, last, contacted, __) in enumerate(STAGE_TABLE):
            member = self._new_member(f"Stage {i}", f"1372000{i:04d}", self.s1, None)
            self._set_raw_stats(member, orders, window, first, last)
            if contacted:
                self._done_follow_up(member)
            members |= member
        members.with_context(retail_today=TODAY)._retail_refresh_stages()
        for member, row in zip(members, STAGE_TABLE, strict=True):
            with self.subTest(case=row):
                self.assertEqual(member.retail_stage, row[-1])
                self.assertEqual(
                    member.retail_stage,
                    lifecycle.derive_stage(*row[:-1], TODAY),
                )

    def test_custom_thresholds(self):
        self.company.write(
            {
                "retail_stage_active_days": 30,
                "retail_stage_loyal_orders": 2,
                "retail_stage_at_risk_days": 20,
                "retail_stage_at_risk_factor": 3.0,
                "retail_stage_lapsed_days": 100,
            }
        )
        params = lifecycle.StageParams(30, 2, 20, 3.0, 100)
        cases = [
            (2, 2, 40, 10),
            (2, 1, 40, 25),
            (2, 1, 40, 35),
            (2, 1, 140, 100),
        ]
        for i, (orders, window, first, last) in enumerate(cases):
            member = self._new_member(f"Custom {i}", f"1372100{i:04d}", self.s1, None)
            first_date = TODAY - timedelta(days=first)
            last_date = TODAY - timedelta(days=last)
            self._set_raw_stats(member, orders, window, first_date, last_date)
            member.with_context(retail_today=TODAY)._retail_refresh_stages()
            self.assertEqual(
                member.retail_stage,
                lifecycle.derive_stage(
                    orders, window, first_date, last_date, False, TODAY, params
                ),
            )
        with self.assertRaises(ValidationError):
            self.company.retail_stage_at_risk_days = 100
        self.assertEqual(self.company.retail_stage_at_risk_days, 20)

    def test_history_hook_and_incremental(self):
        calls = []
        Partner = type(self.Partner)
        original = Partner._retail_on_stage_changed

        def hook(self_, old_stages):
            calls.append((dict(old_stages), {m.id: m.retail_stage for m in self_}))
            return original(self_, old_stages)

        with patch.object(Partner, "_retail_on_stage_changed", hook):
            member = self._new_member("Stage Flow", "13722000001", self.s1, None)
            self.assertEqual(member.retail_stage, "prospect")
            self.assertEqual(calls[-1], ({member.id: None}, {member.id: "prospect"}))
            self._done_follow_up(member)
            member._retail_refresh_stages()
            self.assertEqual(member.retail_stage, "first_contact")
            order = self._order(member, 120.0)  # incremental refresh
            self.assertEqual(member.retail_stage, "first_purchase")
            self.assertEqual(
                calls[-1],
                ({member.id: "first_contact"}, {member.id: "first_purchase"}),
            )
            self._order(member, 80.0)
            self.assertEqual(member.retail_stage, "active")
            self._cancel(order)
            self.assertEqual(member.retail_stage, "first_purchase")
            count = len(calls)
            self.assertEqual(member._retail_refresh_stages(), {})  # idempotent
            self.assertEqual(len(calls), count)
        history = self.env["retail.member.stage.history"].search(
            [("partner_id", "=", member.id)], order="id"
        )
        self.assertEqual(
            [(h.from_stage, h.to_stage) for h in history],
            [
                (False, "prospect"),
                ("prospect", "first_contact"),
                ("first_contact", "first_purchase"),
                ("first_purchase", "active"),
                ("active", "first_purchase"),
            ],
        )
        self.assertEqual(member.retail_stage_date, self.today)

    def test_stage_not_writable_and_history_visibility(self):
        for user in (self.a1, self.m1, self.hq):
            with self.assertRaises(AccessError):
                self.member_a1.with_user(user).write({"retail_stage": "loyal"})
        History = self.env["retail.member.stage.history"]
        self.assertEqual(
            History.with_user(self.a1).search([]).partner_id,
            self.member_a1 | self.member_a1_2 | self.member_a1b,
        )
        self.assertIn(self.member_s2, History.with_user(self.hq).search([]).partner_id)

    def test_nightly_job(self):
        member = self.member_a1
        self._set_stats(member, 3500, 3, last=self.today - timedelta(days=100))
        self.program.next_review_date = self.today
        self.Partner._cron_retail_lifecycle(batch_size=2)
        self.assertEqual(member.retail_tier_id, self.gold)
        self.assertEqual(member.retail_stage, "at_risk")
        self.assertEqual(self.member_a1_2.retail_tier_id, self.basic)
        self.assertGreater(self.program.next_review_date, self.today)
        self.assertFalse(
            self.env["ir.config_parameter"].get_param("retail_crm.lifecycle_cursor")
        )
        counts = (
            self.env["retail.member.stage.history"].search_count([]),
            self.env["retail.member.tier.history"].search_count([]),
        )
        # a second run (the review is not due any more) changes nothing, and
        # neither does a forced review
        self.Partner._cron_retail_lifecycle(batch_size=2)
        self.assertEqual(self.program._retail_run_review(), 0)
        self.assertEqual(
            counts,
            (
                self.env["retail.member.stage.history"].search_count([]),
                self.env["retail.member.tier.history"].search_count([]),
            ),
        )

    def test_nightly_job_restarts(self):
        """An interrupted run resumes after the last member done that day."""
        members = self.member_a1 | self.member_a1_2 | self.member_a1b | self.member_s2
        self._set_stats(members, 1500, 1)
        self.program.next_review_date = self.today
        key = f"tier:{self.program.id}"
        today = fields.Date.to_string(fields.Date.today())
        self.env["ir.config_parameter"].set_param(
            "retail_crm.lifecycle_cursor", f"{today}|{key}|{self.member_a1_2.id}"
        )
        self.Partner._cron_retail_lifecycle(batch_size=2)
        # the members up to the cursor were done "before the interruption"
        self.assertFalse((self.member_a1 | self.member_a1_2).retail_tier_id)
        self.assertEqual((self.member_a1b | self.member_s2).retail_tier_id, self.silver)
