# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customers do not leave with the associate: reassignment of members."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ASSOCIATE
from .test_followup import RetailFollowupCommon


@tagged("post_install", "-at_install")
class TestReassign(RetailFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a1c = cls._new_user("rc_a1c", ASSOCIATE, "Associate A1c")
        cls.s1.staff_user_ids = [Command.link(cls.a1c.id)]
        cls.member_a1_3 = cls._new_member(
            "Ann Member S1 A1", "13900000011", cls.s1, cls.a1
        )
        cls.member_a1_4 = cls._new_member(
            "Ada Member S1 A1", "13900000012", cls.s1, cls.a1
        )
        cls.a1_members = (
            cls.member_a1 | cls.member_a1_2 | cls.member_a1_3 | cls.member_a1_4
        )
        cls.a1_activities = cls.Activity
        for member in cls.a1_members:
            cls.a1_activities |= cls._activity(member, cls.a1)
        # a follow-up of another associate on a1's member stays with them
        cls.a1b_activity = cls._activity(cls.member_a1, cls.a1b)
        cls.s2_activity = cls._activity(cls.member_s2, cls.a2)

    def _assert_reassigned(self, expected_users):
        """Members of a1 all moved, activities follow, one note each."""
        members = self.a1_members
        members.invalidate_recordset()
        self.assertEqual(members.user_id, expected_users)
        self.assertNotIn(self.a1, members.user_id)
        for member in members:
            activity = self.a1_activities.filtered(lambda a, m=member: a.res_id == m.id)
            self.assertEqual(activity.user_id, member.user_id)
            notes = self._messages_of(member, "Member reassigned from Associate A1 to")
            self.assertEqual(len(notes), 1)
        self.assertEqual(self.a1b_activity.user_id, self.a1b)
        # other stores untouched
        self.assertEqual(self.member_s2.user_id, self.a2)
        self.assertEqual(self.s2_activity.user_id, self.a2)
        self.assertFalse(self._messages_of(self.member_s2, "reassigned"))

    def _spread(self):
        return {
            user: len(self.a1_members.filtered(lambda m, u=user: m.user_id == u))
            for user in self.a1_members.user_id
        }

    def test_archive_associate(self):
        self.a1.action_archive()
        self._assert_reassigned(self.a1b | self.a1c)
        # round robin over the other associates, not the manager
        self.assertEqual(self._spread(), {self.a1b: 2, self.a1c: 2})

    def test_archive_by_write(self):
        self.a1.write({"active": False})
        self._assert_reassigned(self.a1b | self.a1c)
        self.assertIn("archived", str(self.member_a1.message_ids[0].body))

    def test_removed_from_store_staff(self):
        self.s1.staff_user_ids = [Command.unlink(self.a1.id)]
        self._assert_reassigned(self.a1b | self.a1c)
        self.assertEqual(self._spread(), {self.a1b: 2, self.a1c: 2})
        self.assertIn("left the store", str(self.member_a1.message_ids[0].body))

    def test_user_stores_changed(self):
        self.a1.write(
            {"retail_default_store_id": False, "retail_store_ids": [Command.clear()]}
        )
        self._assert_reassigned(self.a1b | self.a1c)

    def test_only_manager_left(self):
        self.s2.staff_user_ids = [Command.unlink(self.a2.id)]
        self.member_s2.invalidate_recordset()
        self.assertEqual(self.member_s2.user_id, self.m2)
        self.assertEqual(self.s2_activity.user_id, self.m2)
        self.assertEqual(len(self._messages_of(self.member_s2, "reassigned")), 1)
        # S1 untouched
        self.assertEqual(self.member_a1.user_id, self.a1)
        self.assertFalse(self._messages_of(self.member_a1, "reassigned"))

    def test_nobody_left_in_store(self):
        a3 = self._new_user("rc_a3", ASSOCIATE, "Associate A3")
        store = self.env["retail.store"].create(
            {
                "name": "Test Store 3",
                "code": "RCT4",
                "company_id": self.company.id,
                "staff_user_ids": [Command.set(a3.ids)],
            }
        )
        member = self._new_member("Eve Member S3", "13900000013", store, a3)
        activity = self._activity(member, a3)
        store.staff_user_ids = [Command.unlink(a3.id)]
        self.assertFalse(member.user_id)
        # the follow-up goes to who made the change rather than being lost
        self.assertEqual(activity.user_id, self.env.user)
        self.assertEqual(len(self._messages_of(member, "nobody is left")), 1)
        self.assertEqual(self.member_a1.user_id, self.a1)

    def test_unrelated_user_write(self):
        self.a1.write({"name": "Associate A1 renamed"})
        self.assertEqual(self.member_a1.user_id, self.a1)

    def _wizard(self, user, **vals):
        return (
            self.env["retail.member.reassign"]
            .with_user(user)
            .create(dict({"from_user_id": self.a1.id, "store_id": self.s1.id}, **vals))
        )

    def test_wizard_to_chosen_associate(self):
        wizard = self._wizard(self.m1, mode="user", to_user_id=self.a1c.id)
        self.assertEqual(wizard.member_count, 4)
        action = wizard.action_reassign()
        self.assertEqual(action["domain"], [("id", "in", self.a1_members.ids)])
        self._assert_reassigned(self.a1c)
        # a1 still works in the store: only the members moved
        self.assertIn(self.a1, self.s1.staff_user_ids)

    def test_wizard_round_robin(self):
        self._wizard(self.m1, mode="round_robin").action_reassign()
        self._assert_reassigned(self.a1b | self.a1c)

    def test_wizard_from_user_form(self):
        action = self.a1.action_retail_reassign_members()
        wizard = (
            self.env["retail.member.reassign"]
            .with_context(**action["context"])
            .create({"to_user_id": self.a1b.id})
        )
        self.assertEqual(wizard.store_id, self.s1)
        wizard.action_reassign()
        self._assert_reassigned(self.a1b)

    def test_wizard_target_not_in_store(self):
        wizard = self._wizard(self.m1, mode="user", to_user_id=self.a2.id)
        with self.assertRaises(UserError) as cm:
            wizard.action_reassign()
        self.assertIn("does not work in", str(cm.exception))
        self.assertEqual(self.a1_members.user_id, self.a1)
        self.assertEqual(self.a1_activities.user_id, self.a1)
        self.assertFalse(self._messages_of(self.member_a1, "reassigned"))

    def test_wizard_other_store_manager(self):
        wizard = self._wizard(self.m2, mode="user", to_user_id=self.a1b.id)
        with self.assertRaises(AccessError):
            wizard.action_reassign()
        self.assertEqual(self.a1_members.user_id, self.a1)
        self.assertFalse(self._messages_of(self.member_a1, "reassigned"))
