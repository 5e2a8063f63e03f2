# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Guided tours of the three roles and the phone layout, in headless
Chromium, as the test users (not the demo ones)."""

from odoo.tests import HttpCase, tagged

from .common import RetailCrmCommon


@tagged("post_install", "-at_install")
class TestTours(RetailCrmCommon, HttpCase):
    def test_tour_associate(self):
        self.start_tour(
            "/odoo/retail-members", "retail_crm_tour_associate", login="rc_a1"
        )
        member = self.Partner.search(
            [("name", "=", "Tour Member"), ("company_id", "=", self.company.id)]
        )
        self.assertTrue(member.is_retail_member)
        self.assertEqual(member.retail_store_id, self.s1)
        # the follow-up was logged and the next one scheduled for the associate
        self.assertTrue(member.activity_ids.filtered(lambda a: a.user_id == self.a1))

    def test_tour_manager(self):
        self.start_tour(
            "/odoo/retail-members", "retail_crm_tour_manager", login="rc_m1"
        )

    def test_tour_hq(self):
        self.hq.retail_store_ids = self.s1 | self.s2
        self.start_tour("/odoo/retail-members", "retail_crm_tour_hq", login="rc_hq")

    def test_getting_started_menu(self):
        """The Getting Started menus start the tours: one per role."""
        menus = self.env["ir.ui.menu"].with_user(self.a1)._visible_menu_ids()
        started = self.env.ref("retail_crm.menu_retail_getting_started")
        tour_menus = self.env["ir.ui.menu"].search([("parent_id", "=", started.id)])
        self.assertEqual(
            {m.action.params["tour"] for m in tour_menus},
            {
                "retail_crm_tour_associate",
                "retail_crm_tour_manager",
                "retail_crm_tour_hq",
            },
        )
        visible = tour_menus.filtered(lambda m: m.id in menus)
        self.assertEqual(visible, self.env.ref("retail_crm.menu_retail_tour_associate"))


@tagged("post_install", "-at_install")
class TestPhoneLayout(RetailCrmCommon, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_phone_screens_fit(self):
        self.start_tour(
            "/odoo/retail-members", "retail_crm_tour_phone_member", login="rc_a1"
        )
        member = self.Partner.search(
            [("name", "=", "Phone Member"), ("company_id", "=", self.company.id)]
        )
        self.assertTrue(member)
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": member.id,
                "user_id": self.a1.id,
                "activity_type_id": self.env.ref(
                    "retail_crm.mail_activity_type_revisit"
                ).id,
            }
        )
        for path in (
            "/odoo/action-retail_crm.action_retail_my_followups",
            "/odoo/action-retail_crm.action_retail_member_quick",
            f"/odoo/retail-members/{member.id}",
        ):
            with self.subTest(path=path):
                self.start_tour(path, "retail_crm_tour_phone_check", login="rc_a1")

    def test_progress_on_my_followups(self):
        """With the store challenge running, the associate sees the progress
        on "My Follow-ups" and opens the leaderboard from there."""
        self.s1.action_retail_start_challenge()
        self.start_tour(
            "/odoo/action-retail_crm.action_retail_my_followups",
            "retail_crm_tour_progress_check",
            login="rc_a1",
        )
