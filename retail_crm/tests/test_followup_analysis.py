# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Follow-ups done (on time, late) vs open, per associate: the SQL view
against brute-force counts from the activities and messages themselves."""

from collections import Counter
from datetime import datetime, timedelta

import pytz

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_followup import RetailFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupAnalysis(RetailFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Analysis = cls.env["retail.followup.analysis"]
        cls.revisit = cls.type_revisit
        cls.winback = cls.type_winback
        # a1 and a2 in Shanghai, a1b without time zone (UTC)
        (cls.a1 | cls.a2 | cls.m1).write({"tz": "Asia/Shanghai"})
        cls.a1b.tz = False
        cls.user_today = {
            user: cls._today(user) for user in (cls.a1, cls.a1b, cls.a2, cls.m1)
        }

        def plan(member, user, days, activity_type=None):
            return member.activity_schedule(
                activity_type_id=(activity_type or cls.revisit).id,
                user_id=user.id,
                date_deadline=cls.user_today[user] + timedelta(days=days),
                summary=f"Follow-up {days:+d}",
            )

        # open: overdue, today, upcoming
        plan(cls.member_a1, cls.a1, -3)
        plan(cls.member_a1_2, cls.a1, 0)
        plan(cls.member_a1, cls.a1, 4)
        plan(cls.member_a1b, cls.a1b, -1)
        plan(cls.member_s2, cls.a2, -10)
        plan(cls.member_s2, cls.a2, 2)
        # done on time by their associate
        plan(cls.member_a1, cls.a1, 2).with_user(cls.a1).action_feedback("ok")
        plan(cls.member_a1b, cls.a1b, 0).with_user(cls.a1b).action_feedback("ok")
        # done late by their associate
        plan(cls.member_a1_2, cls.a1, -2, cls.winback).with_user(
            cls.a1
        ).action_feedback("late")
        plan(cls.member_s2, cls.a2, -5).with_user(cls.a2).action_feedback("late")
        # done late by the store manager for A1: counted for A1, not M1
        cls.by_manager = plan(cls.member_a1_2, cls.a1, -1)
        cls.by_manager_message = cls.by_manager.with_user(cls.m1)._action_done()[0]
        # a done message without due date (posted before retail_crm kept it)
        cls.legacy = cls.member_a1b.with_user(cls.a1b).message_post(
            body="Called",
            subtype_xmlid="mail.mt_activities",
            mail_activity_type_id=cls.revisit.id,
        )
        # follow-ups of a non-member: not in the analysis
        plan(cls.non_member, cls.a1, -3)
        plan(cls.non_member, cls.a1, -3).action_feedback("not a member")
        cls.members = cls.member_a1 | cls.member_a1_2 | cls.member_a1b | cls.member_s2

    @classmethod
    def _today(cls, user):
        return datetime.now(pytz.timezone(user.tz or "UTC")).date()

    def _brute_force(self, members=None):
        """Counter of (associate, state) from the activities and messages."""
        members = self.members if members is None else members
        result = Counter()
        for activity in self._activities_of(members):
            today = self._today(activity.user_id)
            if activity.date_deadline < today:
                state = "overdue"
            elif activity.date_deadline == today:
                state = "today"
            else:
                state = "planned"
            result[activity.user_id, state] += 1
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", members.ids),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
                ("mail_activity_type_id", "!=", False),
            ]
        )
        for message in messages:
            user = message.retail_activity_user_id or message.author_id.user_ids[:1]
            tz = pytz.timezone(user.tz or "UTC")
            done = pytz.utc.localize(message.date).astimezone(tz).date()
            deadline = message.retail_activity_deadline
            if not deadline:
                state = "done"
            elif done <= deadline:
                state = "done_on_time"
            else:
                state = "done_late"
            result[user, state] += 1
        return result

    def _report(self, env=None, domain=None):
        Analysis = self.Analysis.with_env(env) if env else self.Analysis
        groups = Analysis._read_group(
            [("company_id", "=", self.company.id)] + (domain or []),
            ["user_id", "state"],
            ["followup_count:sum"],
        )
        return Counter({(user, state): count for user, state, count in groups})

    def test_counts_match_brute_force(self):
        expected = self._brute_force()
        self.assertEqual(self._report(), expected)
        # the fixture covers every state
        self.assertEqual(
            {state for _user, state in expected},
            {"overdue", "today", "planned", "done_on_time", "done_late", "done"},
        )
        self.assertEqual(expected[self.a1, "done_on_time"], 1)
        self.assertEqual(expected[self.a1, "done_late"], 2)
        self.assertEqual(expected[self.a1, "overdue"], 1)
        self.assertFalse(any(user == self.m1 for user, _state in expected))

    def test_measures_per_associate(self):
        groups = self.Analysis._read_group(
            [("company_id", "=", self.company.id)],
            ["user_id"],
            [
                "open_count:sum",
                "overdue_count:sum",
                "done_count:sum",
                "done_on_time_count:sum",
                "done_late_count:sum",
                "on_time_rate:avg",
                "days_late:avg",
            ],
        )
        by_user = {group[0]: group[1:] for group in groups}
        # A1: open 3 (1 overdue), done 3 (1 on time, late by 2 and 1 days)
        self.assertEqual(by_user[self.a1][:5], (3, 1, 3, 1, 2))
        self.assertAlmostEqual(by_user[self.a1][5], 100.0 / 3)
        self.assertAlmostEqual(by_user[self.a1][6], 1.0)
        # A1b: the legacy message is done, outside the on-time base
        self.assertEqual(by_user[self.a1b][:5], (1, 1, 2, 1, 0))
        self.assertAlmostEqual(by_user[self.a1b][5], 100.0)
        # A2: late by 5 days
        self.assertEqual(by_user[self.a2][:5], (2, 1, 1, 0, 1))
        self.assertAlmostEqual(by_user[self.a2][6], 5.0)

    def test_done_message_keeps_deadline_and_assignee(self):
        message = self.by_manager_message
        self.assertEqual(message.author_id, self.m1.partner_id)
        self.assertEqual(message.retail_activity_user_id, self.a1)
        self.assertEqual(
            message.retail_activity_deadline,
            self.user_today[self.a1] - timedelta(days=1),
        )
        row = self.Analysis.search([("id", "=", message.id * 2 + 1)])
        self.assertEqual(
            (row.user_id, row.state, row.partner_id, row.store_id),
            (self.a1, "done_late", self.member_a1_2, self.s1),
        )

    def test_batch_done_pairs_messages_and_activities(self):
        """Several activities marked done at once, two on the same member and
        of the same type: each message gets the due date of its activity."""
        today = self.user_today[self.a1]
        activities = self.env["mail.activity"]
        for member, days in (
            (self.member_a1, 5),
            (self.non_member, -4),
            (self.member_a1, -6),
            (self.member_s2, 1),
        ):
            activities |= member.activity_schedule(
                activity_type_id=self.revisit.id,
                user_id=(self.a2 if member == self.member_s2 else self.a1).id,
                date_deadline=today + timedelta(days=days),
            )
        expected = [(act.res_id, act.user_id, act.date_deadline) for act in activities]
        messages = activities._action_done()[0]
        self.assertEqual(
            sorted(
                (m.res_id, m.retail_activity_user_id, m.retail_activity_deadline)
                for m in messages
            ),
            sorted(expected),
        )
        # same member, same type: in the order of the activities
        on_a1 = messages.filtered(lambda m: m.res_id == self.member_a1.id).sorted("id")
        self.assertEqual(
            on_a1.mapped("retail_activity_deadline"),
            [today + timedelta(days=5), today - timedelta(days=6)],
        )
        self.assertEqual(self._report(), self._brute_force())

    def test_period_filter(self):
        """The date of a done follow-up is the day it was done (associate's
        time zone): filter on a period."""
        # done yesterday at 23:30 in Shanghai: yesterday, not today
        today = self.user_today[self.a2]
        local = pytz.timezone("Asia/Shanghai").localize(
            datetime.combine(today - timedelta(days=1), datetime.min.time())
            + timedelta(hours=23, minutes=30)
        )
        message = self.member_s2.activity_schedule(
            activity_type_id=self.revisit.id,
            user_id=self.a2.id,
            date_deadline=today - timedelta(days=1),
        )._action_done()[0]
        message.date = local.astimezone(pytz.utc).replace(tzinfo=None)
        self.env.flush_all()
        row = self.Analysis.search([("id", "=", message.id * 2 + 1)])
        self.assertEqual(row.date, today - timedelta(days=1))
        self.assertEqual(row.state, "done_on_time")
        report = self._report(
            domain=[
                ("user_id", "=", self.a2.id),
                ("date", "=", today - timedelta(days=1)),
            ]
        )
        self.assertEqual(report, Counter({(self.a2, "done_on_time"): 1}))

    def test_access_per_role(self):
        for user, stores in (
            (self.a1, self.s1),
            (self.a1b, self.s1),
            (self.m1, self.s1),
            (self.a2, self.s2),
            (self.m2, self.s2),
            (self.hq, self.s1 | self.s2),
            (self.associate_nostore, self.env["retail.store"]),
        ):
            with self.subTest(user=user.login):
                rows = self.Analysis.with_user(user).search([])
                self.assertEqual(rows.store_id, stores)
                expected = self._brute_force(
                    self.members.filtered(lambda m, s=stores: m.retail_store_id in s)
                )
                report = self._report(env=self.env(user=user))
                self.assertEqual(sum(report.values()), len(rows))
                self.assertEqual(report, expected)
        with self.assertRaises(AccessError):
            self.Analysis.with_user(self.internal_user).search([])
