# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Follow-ups: stage plans, the follow-up log, my follow-ups, the overview."""

from datetime import date, timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import RetailCrmCommon


class RetailFollowupCommon(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One calendar for every user of these tests: the superuser has a
        # time zone in demo data (Europe/Brussels), the test users none (UTC),
        # and "today" differs between them for an hour every night.
        cls.env.user.tz = "UTC"
        cls.Activity = cls.env["mail.activity"]
        cls.type_revisit = cls.env.ref("retail_crm.mail_activity_type_revisit")
        cls.type_thanks = cls.env.ref("retail_crm.mail_activity_type_first_purchase")
        cls.type_winback = cls.env.ref("retail_crm.mail_activity_type_winback")
        cls.today = fields.Date.context_today(cls.Partner)

    @classmethod
    def _activity(cls, member, user, days=0, activity_type=None):
        return cls.Activity.create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": member.id,
                "user_id": user.id,
                "activity_type_id": (activity_type or cls.type_revisit).id,
                "date_deadline": cls.today + timedelta(days=days),
            }
        )

    def _activities_of(self, members):
        return self.Activity.search(
            [("res_model", "=", "res.partner"), ("res_id", "in", members.ids)]
        )

    def _messages_of(self, member, text):
        return member.message_ids.filtered(lambda m: text in str(m.body))


@tagged("post_install", "-at_install")
class TestStagePlans(RetailFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["mail.activity.plan"].create(
            {
                "name": "Test first purchase plan",
                "res_model": "res.partner",
                "company_id": cls.company.id,
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": cls.type_thanks.id,
                            "summary": "Thank-you call",
                            "delay_count": 7,
                            "delay_unit": "days",
                            "delay_from": "after_plan_date",
                            "responsible_type": "retail_associate",
                        }
                    )
                ],
            }
        )
        cls.mapping = cls.env["retail.stage.plan"].create(
            {
                "stage": "first_purchase",
                "plan_id": cls.plan.id,
                "company_id": cls.company.id,
            }
        )
        cls.member_no_user = cls._new_member(
            "Dan Member S1 no associate", "13900000004", cls.s1, None
        )

    def test_launch_assigns_associate_else_manager(self):
        members = self.member_a1 | self.member_a1b | self.member_no_user
        activities = members._retail_launch_stage_plans("first_purchase")
        # the test company's own plan replaces the global (data) plan
        self.assertEqual(len(activities), 3)
        responsible = {a.res_id: a.user_id for a in activities}
        self.assertEqual(responsible[self.member_a1.id], self.a1)
        self.assertEqual(responsible[self.member_a1b.id], self.a1b)
        self.assertEqual(responsible[self.member_no_user.id], self.m1)
        for activity in activities:
            self.assertEqual(activity.activity_type_id, self.type_thanks)
            self.assertEqual(activity.summary, "Thank-you call")
            self.assertEqual(activity.date_deadline, self.today + timedelta(days=7))
        for member in members:
            self.assertEqual(len(self._messages_of(member, self.plan.name)), 1)

    def test_archived_associate_goes_to_manager(self):
        self.a1.sudo().with_context(active_test=False).write({"active": False})
        self.member_a1.invalidate_recordset()
        # archiving reassigned the member: put it back to test the fallback
        self.env.cr.execute(
            "UPDATE res_partner SET user_id = %s WHERE id = %s",
            (self.a1.id, self.member_a1.id),
        )
        self.member_a1.invalidate_recordset()
        activities = self.member_a1._retail_launch_stage_plans("first_purchase")
        self.assertEqual(activities.user_id, self.m1)

    def test_launch_as_associate(self):
        activities = self.member_a1.with_user(self.a1)._retail_launch_stage_plans(
            "first_purchase"
        )
        self.assertEqual(activities.user_id, self.a1)

    def test_stage_without_plan(self):
        self.assertFalse(self.member_a1._retail_launch_stage_plans("loyal"))

    def test_global_plan_used_without_company_plan(self):
        self.mapping.active = False
        activities = self.member_a1._retail_launch_stage_plans("first_purchase")
        data_plan = self.env.ref("retail_crm.activity_plan_first_purchase")
        self.assertEqual(len(activities), len(data_plan.template_ids))
        self.assertEqual(activities.user_id, self.a1)
        self.assertEqual(activities.date_deadline, self.today + timedelta(days=7))

    def test_on_stage_changed_hook(self):
        if "retail_stage" not in self.Partner._fields:
            self.skipTest("the lifecycle stages are not installed")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET retail_stage = 'first_purchase' WHERE id IN %s",
            (tuple((self.member_a1 | self.member_a1b).ids),),
        )
        self.Partner.invalidate_model(["retail_stage"])
        members = self.member_a1 | self.member_a1b
        before = self._activities_of(members)
        # triggered by an associate of another store (e.g. a purchase there)
        activities = members.with_user(self.a2)._retail_on_stage_changed(
            {self.member_a1.id: "first_contact", self.member_a1b.id: "first_purchase"}
        )
        # member_a1b did not change stage: nothing launched for it
        self.assertEqual(self._activities_of(members) - before, activities)
        self.assertEqual(activities.mapped("res_id"), self.member_a1.ids)
        self.assertEqual(activities.user_id, self.a1)

    def test_first_classification_launches_no_plan(self):
        """A member classified for the first time (no stage before: existing
        or migrated members on the first nightly run) gets no activity: the
        plans follow transitions only."""
        if "retail_stage" not in self.Partner._fields:
            self.skipTest("the lifecycle stages are not installed")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET retail_stage = 'first_purchase' WHERE id = %s",
            (self.member_a1.id,),
        )
        self.Partner.invalidate_model(["retail_stage"])
        before = self._activities_of(self.member_a1)
        activities = self.member_a1._retail_on_stage_changed({self.member_a1.id: False})
        self.assertFalse(activities)
        self.assertEqual(self._activities_of(self.member_a1), before)

    def test_standard_plan_wizard_uses_the_associate(self):
        wizard = (
            self.env["mail.activity.schedule"]
            .with_context(active_model="res.partner", active_ids=self.member_a1b.ids)
            .create({"plan_id": self.plan.id})
        )
        wizard.action_schedule_plan()
        self.assertEqual(self._activities_of(self.member_a1b).user_id, self.a1b)

    def test_plan_without_templates_cannot_be_mapped(self):
        empty = self.env["mail.activity.plan"].create(
            {"name": "Empty plan", "res_model": "res.partner"}
        )
        count = self.env["retail.stage.plan"].search_count([])
        with self.assertRaises(ValidationError) as cm:
            self.env["retail.stage.plan"].create(
                {"stage": "at_risk", "plan_id": empty.id, "company_id": self.company.id}
            )
        self.assertIn("has no activities", str(cm.exception))
        self.assertEqual(self.env["retail.stage.plan"].search_count([]), count)

    def test_plan_emptied_later_fails_cleanly(self):
        second = self.plan.copy({"name": "Second plan"})
        self.env["retail.stage.plan"].create(
            {
                "stage": "first_purchase",
                "plan_id": second.id,
                "company_id": self.company.id,
            }
        )
        second.template_ids.unlink()
        members = self.member_a1 | self.member_a1b
        with self.assertRaises(UserError) as cm:
            members._retail_launch_stage_plans("first_purchase")
        self.assertIn("Second plan", str(cm.exception))
        self.assertFalse(self._activities_of(members))
        self.assertFalse(self._messages_of(self.member_a1, self.plan.name))

    def test_nobody_to_assign(self):
        store = self.env["retail.store"].create(
            {"name": "No manager", "code": "RCT9", "company_id": self.company.id}
        )
        orphan = self._new_member("Orphan Member", "13900000005", store, None)
        members = self.member_a1 | orphan
        with self.assertRaises(UserError) as cm:
            members._retail_launch_stage_plans("first_purchase")
        self.assertIn("Orphan Member", str(cm.exception))
        self.assertFalse(self._activities_of(members))
        # without raising (the stage hook): the others still get theirs
        with self.assertLogs(
            "odoo.addons.retail_crm.models.res_partner_followup", "WARNING"
        ):
            activities = members._retail_launch_stage_plans(
                "first_purchase", raise_on_error=False
            )
        self.assertEqual(activities.mapped("res_id"), self.member_a1.ids)

    def test_skipped_members_logged_in_one_bounded_line(self):
        """A store without manager: one warning with a count, not a line each."""
        store = self.env["retail.store"].create(
            {"name": "No manager 2", "code": "RCT8", "company_id": self.company.id}
        )
        orphans = self.Partner.browse()
        for i in range(25):
            orphans |= self._new_member(f"Orphan {i}", f"139000001{i:02d}", store, None)
        with self.assertLogs(
            "odoo.addons.retail_crm.models.res_partner_followup", "WARNING"
        ) as logs:
            activities = orphans._retail_launch_stage_plans(
                "first_purchase", raise_on_error=False
            )
        self.assertFalse(activities)
        self.assertEqual(len(logs.records), 1)
        message = logs.records[0].getMessage()
        self.assertIn("25 case(s)", message)
        self.assertEqual(message.count("Orphan "), 10)

    def test_associate_responsible_only_on_contact_plans(self):
        with self.assertRaises(ValidationError):
            self.env["mail.activity.plan"].create(
                {
                    "name": "Store plan",
                    "res_model": "retail.store",
                    "template_ids": [
                        Command.create(
                            {
                                "activity_type_id": self.env.ref(
                                    "mail.mail_activity_data_todo"
                                ).id,
                                "responsible_type": "retail_associate",
                            }
                        )
                    ],
                }
            )


@tagged("post_install", "-at_install")
class TestFollowupLog(RetailFollowupCommon):
    def _wizard(self, user, member, **vals):
        return (
            self.env["retail.followup.log"]
            .with_user(user)
            .with_context(default_partner_id=member.id)
            .create(dict({"outcome": "Liked the tea, will come on Sunday"}, **vals))
        )

    def test_log_done_and_next(self):
        current = self._activity(self.member_a1, self.a1, days=-1)
        other = self._activity(self.member_a1, self.a1b, days=-2)
        wizard = self._wizard(self.a1, self.member_a1)
        self.assertEqual(wizard.activity_id, current)
        self.assertEqual(wizard.next_date, self.today + timedelta(days=7))
        wizard.next_type_id = self.type_winback
        wizard.action_log()
        self.assertFalse(current.exists())
        self.assertTrue(other.exists())
        done = self._messages_of(self.member_a1, "Liked the tea")
        self.assertEqual(len(done), 1)
        self.assertEqual(done.mail_activity_type_id, self.type_revisit)
        new = self._activities_of(self.member_a1) - other
        self.assertEqual(len(new), 1)
        self.assertEqual(new.user_id, self.a1)
        self.assertEqual(new.activity_type_id, self.type_winback)
        self.assertEqual(new.date_deadline, self.today + timedelta(days=7))

    def test_log_without_open_activity_posts_note(self):
        wizard = self._wizard(self.a1, self.member_a1_2, next_type_id=False)
        self.assertFalse(wizard.activity_id)
        wizard.next_date = False
        wizard.action_log()
        note = self._messages_of(self.member_a1_2, "Liked the tea")
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(self._activities_of(self.member_a1_2))

    def test_log_on_member_of_other_store(self):
        messages = len(self.member_s2.message_ids)
        with self.assertRaises(AccessError) as cm:
            self._wizard(self.a1, self.member_s2)
        self.assertIn("not a member of the stores you work in", str(cm.exception))
        # forcing the member in the values does not help either
        wizard = (
            self.env["retail.followup.log"]
            .with_user(self.a1)
            .create({"partner_id": self.member_s2.id, "outcome": "x"})
        )
        with self.assertRaises(AccessError):
            wizard.action_log()
        self.assertEqual(len(self.member_s2.message_ids), messages)
        self.assertFalse(self._activities_of(self.member_s2))

    def test_next_date_in_past(self):
        current = self._activity(self.member_a1, self.a1)
        wizard = self._wizard(
            self.a1, self.member_a1, next_date=self.today - timedelta(days=1)
        )
        with self.assertRaises(UserError) as cm:
            wizard.action_log()
        self.assertIn("past", str(cm.exception))
        self.assertTrue(current.exists())
        self.assertEqual(self._activities_of(self.member_a1), current)
        self.assertFalse(self._messages_of(self.member_a1, "Liked the tea"))

    def test_member_form_button(self):
        action = self.member_a1.with_user(self.a1).action_retail_log_followup()
        self.assertEqual(action["res_model"], "retail.followup.log")
        self.assertEqual(action["context"]["default_partner_id"], self.member_a1.id)


@tagged("post_install", "-at_install")
class TestMyFollowups(RetailFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue = cls._activity(cls.member_a1, cls.a1, days=-2)
        cls.due_today = cls._activity(cls.member_a1_2, cls.a1, days=0)
        cls.upcoming = cls._activity(cls.member_a1, cls.a1, days=3)
        cls.of_a1b = cls._activity(cls.member_a1b, cls.a1b, days=0)
        cls.of_a2 = cls._activity(cls.member_s2, cls.a2, days=-1)
        # left over: a1 still holds a follow-up of a member of another store
        cls.other_store = cls._activity(cls.member_s2, cls.a1, days=0)
        cls.not_member = cls._activity(cls.non_member, cls.a1, days=0)

    def _filter_domain(self, name):
        view = self.env.ref("retail_crm.view_retail_followup_activity_search")
        node = etree.fromstring(view.arch).xpath(f"//filter[@name='{name}']")[0]
        return safe_eval(node.get("domain"), {"context_today": date.today})

    def _my_followups(self, user, *filters):
        action = self.env.ref("retail_crm.action_retail_my_followups")
        domain = safe_eval(action.domain, {"uid": user.id})
        if filters:
            domain += ["|"] * (len(filters) - 1)
            for name in filters:
                domain += self._filter_domain(name)
        return self.Activity.with_user(user).search(domain)

    def test_my_followups(self):
        self.assertEqual(
            self._my_followups(self.a1), self.overdue | self.due_today | self.upcoming
        )
        self.assertEqual(self._my_followups(self.a1, "overdue"), self.overdue)
        self.assertEqual(self._my_followups(self.a1, "today"), self.due_today)
        self.assertEqual(self._my_followups(self.a1, "upcoming"), self.upcoming)
        # the default facets of the action: overdue or today
        self.assertEqual(
            self._my_followups(self.a1, "overdue", "today"),
            self.overdue | self.due_today,
        )
        self.assertEqual(self._my_followups(self.a1b), self.of_a1b)
        self.assertEqual(self._my_followups(self.a2), self.of_a2)

    def test_manager_overview_scope(self):
        Report = self.env["retail.followup.report"]
        stores = [("store_id", "in", (self.s1 | self.s2).ids)]
        m1_rows = Report.with_user(self.m1).search(stores)
        self.assertEqual(
            m1_rows.activity_id,
            self.overdue | self.due_today | self.upcoming | self.of_a1b,
        )
        m2_rows = Report.with_user(self.m2).search(stores)
        self.assertEqual(m2_rows.activity_id, self.of_a2 | self.other_store)
        hq_rows = Report.with_user(self.hq).search(stores)
        self.assertEqual(len(hq_rows), 6)
        # HQ sees every store, of the companies it may access only
        self.assertEqual(Report.with_user(self.hq).search([]), hq_rows)
        groups = dict(
            ((user, state), count)
            for user, state, count in Report.with_user(self.m1)._read_group(
                stores, ["user_id", "state"], ["__count"]
            )
        )
        self.assertEqual(
            groups,
            {
                (self.a1, "overdue"): 1,
                (self.a1, "today"): 1,
                (self.a1, "planned"): 1,
                (self.a1b, "today"): 1,
            },
        )
        # the overview is read-only and scoped for associates too
        a2_rows = Report.with_user(self.a2).search(stores)
        self.assertEqual(a2_rows.activity_id, self.of_a2 | self.other_store)
        with self.assertRaises(AccessError):
            self.of_a2.with_user(self.m1).read(["summary"])

    def test_activity_access_per_role(self):
        on_members = [("res_model", "=", "res.partner"), ("id", "in", self._all().ids)]
        a2_sees = self.Activity.with_user(self.a2).search(on_members)
        # a2 sees what is on the members of S2 (and on partners that are no
        # members, as anyone), not the follow-ups of the members of S1
        self.assertEqual(a2_sees, self.of_a2 | self.other_store | self.not_member)
        with self.assertRaises(AccessError):
            self.overdue.with_user(self.a2).read(["summary"])
        m1_sees = self.Activity.with_user(self.m1).search(
            on_members + [("retail_my_stores", "=", True)]
        )
        self.assertEqual(
            m1_sees, self.overdue | self.due_today | self.upcoming | self.of_a1b
        )
        hq_sees = self.Activity.with_user(self.hq).search(
            on_members + [("retail_my_stores", "=", True)]
        )
        self.assertEqual(hq_sees, self._all() - self.not_member)
        outside = self.Activity.with_user(self.m1).search(
            [("id", "in", self._all().ids), ("retail_my_stores", "=", False)]
        )
        # a1's own follow-ups outside of S1 members: readable as assigned to a1,
        # but not "in my stores" of m1
        self.assertFalse(outside & (self.overdue | self.of_a1b))
        self.assertIn(self.not_member, outside)

    def _all(self):
        return (
            self.overdue
            | self.due_today
            | self.upcoming
            | self.of_a1b
            | self.of_a2
            | self.other_store
            | self.not_member
        )


@tagged("post_install", "-at_install")
class TestFollowupViews(RetailFollowupCommon):
    def _load(self, user, xmlid):
        action = self.env.ref(xmlid)
        views = [(v.view_id.id, v.view_mode) for v in action.view_ids] or [
            (False, mode) for mode in action.view_mode.split(",")
        ]
        if action.search_view_id:
            views.append((action.search_view_id.id, "search"))
        result = self.env[action.res_model].with_user(user).get_views(views)
        self.assertTrue(result["views"])

    def test_views_load_per_role(self):
        self._load(self.a1, "retail_crm.action_retail_my_followups")
        self._load(self.a1, "retail_crm.action_retail_followup_log")
        self._load(self.a1, "retail_crm.action_retail_stage_plan")
        self._load(self.m1, "retail_crm.action_retail_followup_overview")
        self._load(self.m1, "retail_crm.action_retail_member_reassign")
        self._load(self.hq, "retail_crm.action_retail_activity_plan")
        form = self.env.ref("retail_crm.view_retail_member_form")
        self.Partner.with_user(self.a1).get_views([(form.id, "form")])
        store_form = self.env.ref("retail_crm.view_retail_store_form")
        self.env["retail.store"].with_user(self.m1).get_views([(store_form.id, "form")])
