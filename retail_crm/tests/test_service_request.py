# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""After-sales service requests: store scope, response time, escalation,
closure with a satisfaction follow-up, bad input."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import RetailCrmCommon


@tagged("post_install", "-at_install")
class TestServiceRequest(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["retail.service.request"]
        cls.company.retail_service_response_hours = 4
        cls.req_s1 = cls.Request.create(
            {
                "subject": "Broken zipper",
                "partner_id": cls.member_a1.id,
                "user_id": cls.a1.id,
            }
        )
        cls.req_s2 = cls.Request.create(
            {
                "subject": "Wrong size",
                "partner_id": cls.member_s2.id,
                "user_id": cls.a2.id,
            }
        )

    def _requests_of_test_company(self, user):
        return (
            self.Request.with_user(user)
            .search([("company_id", "=", self.company.id)])
            .sudo()
        )

    def _request_count(self):
        return self.Request.with_context(active_test=False).search_count([])

    def test_store_company_target_from_member(self):
        self.assertEqual(self.req_s1.retail_store_id, self.s1)
        self.assertEqual(self.req_s1.company_id, self.company)
        self.assertEqual(self.req_s1.target_response_hours, 4)
        self.assertEqual(
            self.req_s1.response_deadline,
            self.req_s1.request_date + timedelta(hours=4),
        )
        self.assertTrue(self.req_s1.name.startswith("SR"))

    def test_associate_creates_for_member_of_own_store(self):
        request = self.Request.with_user(self.a1b).create(
            {"subject": "Stain", "partner_id": self.member_a1.id}
        )
        self.assertEqual(request.user_id, self.a1b)
        self.assertEqual(request.retail_store_id, self.s1)

    def test_record_rules_per_role(self):
        # associates and managers: their stores' requests only; HQ: all
        for user, expected in (
            (self.a1, self.req_s1),
            (self.a1b, self.req_s1),
            (self.m1, self.req_s1),
            (self.a2, self.req_s2),
            (self.m2, self.req_s2),
            (self.associate_nostore, self.Request),
            (self.hq, self.req_s1 | self.req_s2),
        ):
            with self.subTest(user=user.login):
                self.assertEqual(self._requests_of_test_company(user), expected)
        with self.assertRaises(AccessError):
            self.req_s2.with_user(self.a1).read(["subject"])
        with self.assertRaises(AccessError):
            self.req_s2.with_user(self.m1).write({"subject": "Changed"})
        self.assertEqual(self.req_s2.subject, "Wrong size")
        # an internal user without retail role has no access at all
        with self.assertRaises(AccessError):
            self.Request.with_user(self.internal_user).search([])
        # only HQ deletes
        with self.assertRaises(AccessError):
            self.req_s1.with_user(self.m1).unlink()
        self.req_s1.with_user(self.hq).unlink()
        self.assertFalse(self.req_s1.exists())

    def test_bad_input_member_of_other_store(self):
        """An associate of S1 opening a request for a member of S2: clear
        error naming the store, nothing written."""
        before = self._request_count()
        with self.assertRaises(UserError) as cm:
            self.Request.with_user(self.a1).create(
                {"subject": "Not mine", "partner_id": self.member_s2.id}
            )
        self.assertIn("Test Store 2", str(cm.exception))
        self.assertIn("not one of your stores", str(cm.exception))
        self.assertEqual(self._request_count(), before)

    def test_bad_input_not_a_member(self):
        before = self._request_count()
        with self.assertRaises(UserError) as cm:
            self.Request.create(
                {"subject": "Company", "partner_id": self.non_member.id}
            )
        self.assertIn("is not a member", str(cm.exception))
        with self.assertRaises(UserError):
            self.Request.with_user(self.hq).create({"subject": "Nobody"})
        self.assertEqual(self._request_count(), before)

    def test_bad_input_assignee_of_other_store(self):
        before = self._request_count()
        with self.assertRaises(ValidationError) as cm:
            self.Request.with_user(self.m1).create(
                {
                    "subject": "Wrong assignee",
                    "partner_id": self.member_a1.id,
                    "user_id": self.a2.id,
                }
            )
        self.assertIn("does not work in the store", str(cm.exception))
        self.assertEqual(self._request_count(), before)

    def test_bad_input_member_change_and_target(self):
        with self.assertRaises(UserError):
            self.req_s1.write({"partner_id": self.member_a1_2.id})
        with self.assertRaises(ValidationError):
            self.req_s1.write({"target_response_hours": -2})
        self.assertEqual(self.req_s1.partner_id, self.member_a1)
        self.assertEqual(self.req_s1.target_response_hours, 4)

    def test_response_time_and_member_figures(self):
        now = fields.Datetime.now()
        self.req_s1.request_date = now - timedelta(hours=3)
        self.req_s1.with_user(self.a1).action_respond()
        self.assertEqual(self.req_s1.state, "in_progress")
        self.assertAlmostEqual(self.req_s1.response_hours, 3.0, delta=0.1)
        second = self.Request.create(
            {
                "subject": "Second",
                "partner_id": self.member_a1.id,
                "request_date": now - timedelta(hours=1),
            }
        )
        second.action_respond()
        member = self.member_a1.with_user(self.a1)
        self.assertEqual(member.retail_service_open_count, 2)
        self.assertAlmostEqual(member.retail_service_avg_response_hours, 2.0, delta=0.1)
        self.assertEqual(member.retail_service_request_ids, self.req_s1 | second)
        with self.assertRaises(UserError):
            self.req_s1.action_respond()

    def test_overdue_escalation_batched_idempotent(self):
        past = fields.Datetime.now() - timedelta(hours=10)
        late = self.Request.create(
            [
                {
                    "subject": f"Late {i}",
                    "partner_id": self.member_a1.id,
                    "request_date": past,
                }
                for i in range(3)
            ]
        )
        self.req_s2.request_date = past
        self.req_s2.action_respond()  # responded: never overdue
        on_time = self.req_s1  # within its 4 hours
        self.assertEqual(
            self.Request.search(
                [("is_overdue", "=", True), ("company_id", "=", self.company.id)]
            ),
            late,
        )
        # (the cron escalates the overdue requests of the demo data too)
        escalated = self.Request._cron_retail_escalate_overdue(batch_size=2)
        self.assertGreaterEqual(escalated, 3)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "retail.service.request"), ("res_id", "in", late.ids)]
        )
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.m1)
        self.assertTrue(all(late.mapped("escalation_date")))
        self.assertFalse(on_time.activity_ids)
        self.assertFalse(self.req_s2.activity_ids)
        # running twice changes nothing
        self.assertEqual(self.Request._cron_retail_escalate_overdue(), 0)
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "retail.service.request"),
                    ("res_id", "in", late.ids),
                ]
            ),
            3,
        )
        # the store manager sees the escalated request
        self.assertEqual(late.with_user(self.m1).activity_ids.sudo(), activities)

    def test_escalation_failing_batch_logged_rest_continues(self):
        past = fields.Datetime.now() - timedelta(hours=10)
        late = self.Request.create(
            [
                {"subject": f"Late {i}", "partner_id": self.member_a1.id}
                for i in range(2)
            ]
        )
        late.request_date = past
        Request = type(self.Request)
        original = Request._retail_escalate
        first_id = late[0].id

        def failing(records, now):
            if first_id in records.ids:
                raise ValueError("boom")
            return original(records, now)

        Request._retail_escalate = failing
        try:
            with mute_logger("odoo.addons.retail_crm.models.retail_service_request"):
                done = self.Request._cron_retail_escalate_overdue(batch_size=1)
        finally:
            Request._retail_escalate = original
        self.assertGreaterEqual(done, 1)
        self.assertFalse(late[0].escalation_date)
        self.assertTrue(late[1].escalation_date)

    def test_close_with_satisfaction_followup(self):
        wizard_action = self.req_s1.with_user(self.a1).action_close()
        wizard = (
            self.env["retail.service.request.close"]
            .with_user(self.a1)
            .with_context(**wizard_action["context"])
            .create({"outcome": "repaired", "outcome_note": "New zipper"})
        )
        self.assertEqual(wizard.followup_user_id, self.a1)
        wizard.action_close()
        self.assertEqual(self.req_s1.state, "closed")
        self.assertEqual(self.req_s1.outcome, "repaired")
        self.assertTrue(self.req_s1.close_date)
        self.assertTrue(self.req_s1.response_date)
        followup = self.member_a1.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("retail_crm.mail_activity_type_after_sales")
            )
        )
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.user_id, self.a1)
        self.assertIn(self.req_s1.name, followup.summary)
        # closing twice: clear error
        with self.assertRaises(UserError) as cm:
            self.req_s1.action_close()
        self.assertIn("already closed", str(cm.exception))
        self.assertEqual(self.member_a1.retail_service_open_count, 0)

    def test_close_without_followup_and_bad_date(self):
        Wizard = self.env["retail.service.request.close"].with_user(self.a2)
        wizard = Wizard.create(
            {
                "request_id": self.req_s2.id,
                "outcome": "refunded",
                "followup_date": fields.Date.today() - timedelta(days=2),
            }
        )
        with self.assertRaises(UserError) as cm:
            wizard.action_close()
        self.assertIn("past", str(cm.exception))
        self.assertEqual(self.req_s2.state, "new")
        wizard.schedule_followup = False
        wizard.action_close()
        self.assertEqual(self.req_s2.state, "closed")
        self.assertFalse(self.member_s2.activity_ids)
