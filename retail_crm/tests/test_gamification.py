# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Digital Pioneer (数字化先锋): goals against brute-force counts on random
data, ranking, badges granted once, the store challenge, bad input."""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.gamification.models.gamification_goal import Goal as StockGoal

from .common import RetailCrmCommon

STAGE_KEYS = ["first_purchase", "active", "loyal", "at_risk", "lapsed"]


@tagged("post_install", "-at_install")
class TestGamification(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.Partner)
        cls.month_start = cls.today.replace(day=1)
        cls.month_end = cls.month_start + relativedelta(months=1, days=-1)
        cls.associates = cls.a1 | cls.a1b | cls.a2
        cls.definitions = {
            key: cls.env.ref(f"retail_crm.goal_{key}")
            for key in (
                "members_registered",
                "followups_on_time",
                "profile_completeness",
                "win_backs",
                "referrals",
            )
        }
        cls.tags = cls.env["res.partner.category"].create(
            [{"name": "RC Test VIP"}, {"name": "RC Test Family"}]
        )

    def _random_data(self, seed):
        """Members, done follow-ups and stage changes spread over this month
        and the previous one, for the three associates."""
        rng = random.Random(seed)
        stores = {self.a1: self.s1, self.a1b: self.s1, self.a2: self.s2}
        users = list(stores)
        members = self.Partner
        for i in range(36):
            user = rng.choice(users)
            members |= self._new_member(
                f"Random Member {seed}-{i}",
                f"1370{seed % 10}{i:06d}",
                stores[user],
                user,
                retail_join_date=self.month_start
                + timedelta(days=rng.randint(-40, 27)),
                retail_birthday=rng.choice([False, fields.Date.to_date("1990-05-01")]),
                retail_marketing_consent=rng.random() < 0.5,
                retail_channel=rng.choice(["store", "referral", "wecom"]),
                category_id=[Command.set(self.tags[: rng.randint(0, 2)].ids)],
            )
        # follow-ups: some done on time, some late, some still open
        model_id = self.env["ir.model"]._get_id("res.partner")
        revisit = self.env.ref("retail_crm.mail_activity_type_revisit")
        # one create per round: an activity per member at most (mail.activity
        # subscribes the assignee once per create); each round is done in one
        # batch, some messages then moved to the previous month
        self.done_facts = []
        for __ in range(2):
            activities = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(
                    [
                        {
                            "res_model_id": model_id,
                            "res_id": member.id,
                            "user_id": member.user_id.id,
                            "activity_type_id": revisit.id,
                            "date_deadline": self.today
                            + timedelta(days=rng.randint(-3, 3)),
                        }
                        for member in members
                        if rng.random() < 0.6
                    ]
                )
            )
            done = activities.filtered(lambda a: rng.random() < 0.7)
            before = {a.res_id: (a.user_id, a.date_deadline) for a in done}
            messages = done._action_done()[0]
            self.assertFalse(done.exists())
            by_member = {message.res_id: message for message in messages}
            self.assertEqual(set(by_member), set(before))
            for res_id, (user, deadline) in before.items():
                message = by_member[res_id]
                if rng.random() < 0.25:
                    message.date = fields.Datetime.to_datetime(
                        self.month_start
                    ) - timedelta(days=2)
                self.done_facts.append((user, deadline, message.date.date()))
        # stage changes, some of them win-backs
        self.env["retail.member.stage.history"].create(
            [
                {
                    "partner_id": member.id,
                    "company_id": member.company_id.id,
                    "from_stage": rng.choice(STAGE_KEYS),
                    "to_stage": rng.choice(STAGE_KEYS),
                    "date": fields.Datetime.to_datetime(self.month_start)
                    + timedelta(days=rng.randint(-20, 25), hours=rng.randint(0, 23)),
                }
                for member in members
                for __ in range(rng.randint(0, 3))
            ]
        )
        return members

    def _brute_force(self, user):
        """Each measure of ``user`` for this month, record by record."""
        members = self.Partner.with_context(active_test=False).search(
            [("is_retail_member", "=", True), ("user_id", "=", user.id)]
        )
        active_members = members.filtered("active")
        in_month = [
            m
            for m in active_members
            if self.month_start <= m.retail_join_date <= self.month_end
        ]
        on_time = [
            done_on
            for done_user, deadline, done_on in self.done_facts
            if done_user == user
            and done_on <= deadline
            and self.month_start <= done_on <= self.month_end
        ]
        scores = [
            25 * bool(m.mobile)
            + 25 * bool(m.retail_birthday)
            + 25 * bool(m.retail_marketing_consent)
            + 25 * bool(m.category_id)
            for m in active_members
        ]
        history = self.env["retail.member.stage.history"].search(
            [("partner_id", "in", members.ids)]
        )
        won_back = {
            h.partner_id
            for h in history
            if h.from_stage in ("at_risk", "lapsed")
            and h.to_stage in ("first_purchase", "active", "loyal")
            and self.month_start <= h.date.date() <= self.month_end
        }
        return {
            "members_registered": len(in_month),
            "followups_on_time": len(on_time),
            "profile_completeness": sum(scores) / len(scores) if scores else 0,
            "win_backs": len(won_back),
            "referrals": len([m for m in in_month if m.retail_channel == "referral"]),
        }

    def _challenge(self, users, targets=None, **vals):
        targets = targets or {}
        return self.env["gamification.challenge"].create(
            dict(
                {
                    "name": "RC Test Digital Pioneer",
                    "period": "monthly",
                    "visibility_mode": "ranking",
                    "report_message_frequency": "never",
                    "user_domain": False,
                    "user_ids": [Command.set(users.ids)],
                    "line_ids": [
                        Command.create(
                            {
                                "definition_id": definition.id,
                                "target_goal": targets.get(key, 1000),
                            }
                        )
                        for key, definition in self.definitions.items()
                    ],
                },
                **vals,
            )
        )

    def _goals(self, challenge):
        return self.env["gamification.goal"].search(
            [("challenge_id", "=", challenge.id)]
        )

    def test_goals_match_brute_force_on_random_data(self):
        for seed in (7, 2026):
            with self.subTest(seed=seed):
                self._random_data(seed)
                challenge = self._challenge(self.associates)
                challenge.action_start()
                goals = self._goals(challenge)
                self.assertEqual(len(goals), 15)
                for user in self.associates:
                    expected = self._brute_force(user)
                    for key, definition in self.definitions.items():
                        goal = goals.filtered(
                            lambda g, u=user, d=definition: (
                                g.user_id == u and g.definition_id == d
                            )
                        )
                        self.assertEqual(goal.start_date, self.month_start)
                        self.assertAlmostEqual(
                            goal.current, expected[key], places=2, msg=key
                        )
                        if definition.retail_kind:
                            # gamification's own python evaluation, goal by
                            # goal, gives the same value as the batch
                            goal.current = -1
                            StockGoal.update_goal(goal)
                            self.assertAlmostEqual(
                                goal.current, expected[key], places=2, msg=key
                            )
                challenge.action_check()  # recompute: nothing changes
                self.assertEqual(len(self._goals(challenge)), 15)
                self.env["mail.activity"].with_context(active_test=False).search(
                    [("user_id", "in", self.associates.ids)]
                ).unlink()
                self.Partner.search(
                    [("name", "=like", f"Random Member {seed}-%")]
                ).unlink()

    def test_set_based_one_query_per_definition(self):
        self._random_data(11)
        for definition in self.definitions.values():
            if not definition.retail_kind:
                continue
            self.env.flush_all()
            # one query for all the users, whatever their number
            with self.assertQueryCount(1):
                values = definition._retail_values(
                    self.associates.ids, self.month_start, self.month_end
                )
            for user in self.associates:
                self.assertAlmostEqual(
                    values.get(user.id, 0),
                    self._brute_force(user)[definition.retail_kind],
                    places=2,
                )

    def test_ranking(self):
        self._random_data(3)
        challenge = self._challenge(
            self.associates,
            targets={"members_registered": 1, "followups_on_time": 1},
            reward_failure=True,
        )
        challenge.action_start()
        goals = self._goals(challenge)
        self.env.flush_all()  # the leaderboard is an SQL view over the goals
        Board = self.env["retail.leaderboard"]
        rows = Board.search([("challenge_id", "=", challenge.id)], order="rank")
        self.assertEqual(rows.user_id, self.associates)
        for row in rows:
            user_goals = goals.filtered(lambda g, u=row.user_id: g.user_id == u)
            score = sum(
                100.0 * g.current / g.target_goal for g in user_goals if g.target_goal
            )
            self.assertAlmostEqual(row.score, score, places=1)
            self.assertEqual(
                row.reached_count,
                len(user_goals.filtered(lambda g: g.state == "reached")),
            )
        expected = sorted(rows, key=lambda r: (r.all_reached, r.score), reverse=True)
        self.assertEqual([r.rank for r in expected], sorted(r.rank for r in rows))
        top = challenge._get_topN_users(3)
        if len(set(rows.mapped("score"))) == 3:
            self.assertEqual(list(top), [r.user_id for r in rows])

    def test_badge_granted_once(self):
        self._new_member(
            "Badge Member",
            "13700099999",
            self.s1,
            self.a1,
            retail_join_date=self.today,
            retail_channel="referral",
        )
        badge = self.env.ref("retail_crm.badge_digital_pioneer")
        challenge = self._challenge(
            self.a1 | self.a1b,
            targets={
                "members_registered": 1,
                "followups_on_time": 0,
                "profile_completeness": 25,
                "win_backs": 0,
                "referrals": 1,
            },
            reward_id=badge.id,
            reward_realtime=True,
        )
        challenge.action_start()
        goals = self._goals(challenge)
        self.assertEqual(
            set(goals.filtered(lambda g: g.user_id == self.a1).mapped("state")),
            {"reached"},
        )
        challenge._check_challenge_reward()
        challenge._check_challenge_reward()
        challenge.action_check()
        granted = self.env["gamification.badge.user"].search(
            [("challenge_id", "=", challenge.id)]
        )
        self.assertEqual(granted.user_id, self.a1)
        self.assertEqual(granted.badge_id, badge)
        self.assertEqual(len(granted), 1)

    def test_store_challenge_action_and_visibility(self):
        self.assertTrue(self.env.ref("retail_crm.challenge_digital_pioneer").line_ids)
        self.s1.with_user(self.m1).action_retail_start_challenge()
        challenge = self.s1.retail_challenge_ids
        self.assertEqual(len(challenge), 1)
        self.assertEqual(challenge.state, "inprogress")
        self.assertEqual(challenge.period, "monthly")
        # the associates of the store compete, not its manager
        self.assertEqual(challenge.user_ids, self.a1 | self.a1b)
        self.assertEqual(len(self._goals(challenge)), 10)
        # started once
        with self.assertRaises(UserError) as cm:
            self.s1.with_user(self.m1).action_retail_start_challenge()
        self.assertIn("already runs", str(cm.exception))
        # only its manager or HQ starts it: nothing created
        with self.assertRaises(AccessError):
            self.s2.with_user(self.m1).action_retail_start_challenge()
        with self.assertRaises(AccessError):
            self.s2.with_user(self.a2).action_retail_start_challenge()
        self.assertFalse(self.s2.retail_challenge_ids)
        # ranking visible to the store's associates and manager, not to S2
        self.env.flush_all()
        Board = self.env["retail.leaderboard"]
        domain = [("challenge_id", "=", challenge.id)]
        self.assertEqual(
            Board.with_user(self.a1).search(domain).user_id, self.a1 | self.a1b
        )
        self.assertEqual(
            Board.with_user(self.m1).search(domain).user_id, self.a1 | self.a1b
        )
        self.assertFalse(Board.with_user(self.a2).search(domain))
        self.assertFalse(Board.with_user(self.m2).search(domain))
        self.assertEqual(
            Board.with_user(self.hq).search(domain).user_id, self.a1 | self.a1b
        )
        # their progress on "My Follow-ups"
        progress = self.env["gamification.goal"].with_user(self.a1).retail_my_progress()
        self.assertEqual(len(progress), 1)
        self.assertEqual(progress[0]["challenge"], challenge.name)
        self.assertEqual(len(progress[0]["goals"]), 5)
        self.assertIn(progress[0]["rank"], (1, 2))
        self.assertEqual(progress[0]["participants"], 2)
        # associates see the goals of their rivals (gamification's rule)
        self.assertEqual(
            self.env["gamification.goal"]
            .with_user(self.a1)
            .search([("challenge_id", "=", challenge.id)])
            .user_id,
            self.a1 | self.a1b,
        )

    def test_bad_input_definition_not_computable(self):
        Definition = self.env["gamification.goal.definition"]
        count = Definition.search_count([])
        with self.assertRaises(ValidationError) as cm:
            Definition.create(
                {
                    "name": "Broken retail measure",
                    "computation_mode": "count",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "domain": "[]",
                    "retail_kind": "win_backs",
                }
            )
        self.assertIn("retail measure", str(cm.exception))
        with self.assertRaises(ValidationError):
            self.definitions["win_backs"].compute_code = "result = 42"
        self.assertEqual(Definition.search_count([]), count)
        self.assertEqual(
            self.definitions["win_backs"].compute_code,
            "result = object._retail_goal_value()",
        )
        with self.assertRaises(UserError):
            self.definitions["members_registered"]._retail_values(
                self.a1.ids, False, False
            )
