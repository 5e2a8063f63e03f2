# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulk tag / untag of members from the list."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RetailCrmCommon


@tagged("post_install", "-at_install")
class TestMemberTagWizard(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tag = cls.env["res.partner.category"]
        cls.family = Tag.create({"name": "Test Audience"})
        cls.tag_a = Tag.create({"name": "Test Pregnant", "parent_id": cls.family.id})
        cls.tag_b = Tag.create({"name": "Test Fitness", "parent_id": cls.family.id})
        cls.tag_c = Tag.create({"name": "Test Organic"})
        cls.s1_members = cls.member_a1 | cls.member_a1_2 | cls.member_a1b
        cls.s1_members.write({"category_id": [Command.link(cls.tag_b.id)]})
        cls.member_s2.write({"category_id": [Command.link(cls.tag_b.id)]})

    def _wizard(self, user, partners, **vals):
        Wizard = self.env["retail.member.tag.wizard"].with_user(user)
        wizard = Wizard.with_context(
            active_model="res.partner", active_ids=partners.ids
        ).create(vals)
        return wizard

    def test_bulk_tag_untag(self):
        wizard = self._wizard(
            self.a1,
            self.s1_members,
            add_tag_ids=[Command.set((self.tag_a | self.tag_c).ids)],
            remove_tag_ids=[Command.set(self.tag_b.ids)],
        )
        self.assertEqual(wizard.member_count, 3)
        action = wizard.action_apply()
        self.assertEqual(action["params"]["type"], "success")
        for member in self.s1_members:
            self.assertEqual(member.category_id, self.tag_a | self.tag_c)
        # the member of the other store is untouched
        self.assertEqual(self.member_s2.category_id, self.tag_b)
        # applying again changes nothing
        self._wizard(
            self.a1,
            self.s1_members,
            add_tag_ids=[Command.set((self.tag_a | self.tag_c).ids)],
        ).action_apply()
        for member in self.s1_members:
            self.assertEqual(member.category_id, self.tag_a | self.tag_c)

    def test_only_members_the_user_may_write(self):
        wizard = self._wizard(
            self.a1,
            self.member_a1 | self.member_s2,
            add_tag_ids=[Command.set(self.tag_a.ids)],
        )
        action = wizard.action_apply()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("1 members were skipped", action["params"]["message"])
        self.assertIn(self.tag_a, self.member_a1.category_id)
        self.assertEqual(self.member_s2.category_id, self.tag_b)
        # HQ writes all of them
        self._wizard(
            self.hq,
            self.member_a1 | self.member_s2,
            add_tag_ids=[Command.set(self.tag_c.ids)],
        ).action_apply()
        self.assertIn(self.tag_c, self.member_s2.category_id)
        self.assertIn(self.tag_c, self.member_a1.category_id)

    def test_bad_input(self):
        wizard = self._wizard(self.m1, self.s1_members)
        with self.assertRaises(UserError) as cm:
            wizard.action_apply()
        self.assertIn("Choose tags", str(cm.exception))
        wizard = self._wizard(
            self.m1,
            self.s1_members,
            add_tag_ids=[Command.set((self.tag_a | self.tag_b).ids)],
            remove_tag_ids=[Command.set(self.tag_b.ids)],
        )
        with self.assertRaises(UserError) as cm:
            wizard.action_apply()
        self.assertIn("Test Fitness", str(cm.exception))
        for member in self.s1_members:
            self.assertEqual(member.category_id, self.tag_b)
