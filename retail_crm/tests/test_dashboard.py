# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member analytics dashboard: who reaches it, what it gathers, that it
opens in the browser."""

from lxml import etree

from odoo.tests import HttpCase, tagged

from .common import RetailCrmCommon

DASHBOARD_ACTIONS = {
    "retail_crm.action_retail_member_report_kpi",
    "retail_crm.action_retail_member_report_growth",
    "retail_crm.action_retail_member_report_new",
    "retail_crm.action_retail_member_report_funnel",
    "retail_crm.action_retail_member_report_tier",
    "retail_crm.action_retail_member_report_top",
    "retail_crm.action_retail_member_report_completeness",
    "retail_crm.action_retail_followup_analysis",
}


@tagged("post_install", "-at_install")
class TestDashboard(RetailCrmCommon):
    def _dashboard_action_ids(self, user):
        view = self.env.ref("retail_crm.view_retail_dashboard")
        arch = self.env["board.board"].with_user(user).get_view(view.id)["arch"]
        return [int(node.get("name")) for node in etree.fromstring(arch).iter("action")]

    def test_dashboard_gathers_the_analytics(self):
        action_ids = self._dashboard_action_ids(self.m1)
        expected = {self.env.ref(xmlid).id for xmlid in DASHBOARD_ACTIONS}
        self.assertEqual(set(action_ids), expected)

    def test_menu_per_role(self):
        menu = self.env.ref("retail_crm.menu_retail_analytics_dashboard")
        Menu = self.env["ir.ui.menu"]
        for user, visible in (
            (self.a1, False),
            (self.internal_user, False),
            (self.m1, True),
            (self.m2, True),
            (self.hq, True),
        ):
            with self.subTest(user=user.login):
                visible_ids = Menu.with_user(user)._visible_menu_ids()
                self.assertEqual(menu.id in visible_ids, visible)

    def test_blocks_store_scoped(self):
        """Each block reads its report as the user: managers see their stores,
        HQ all of them."""
        members = self.Partner.search(
            [("is_retail_member", "=", True), ("company_id", "=", self.company.id)]
        )
        for user, stores in (
            (self.m1, self.s1),
            (self.m2, self.s2),
            (self.hq, self.s1 | self.s2),
        ):
            for action_id in self._dashboard_action_ids(user):
                action = self.env["ir.actions.act_window"].browse(action_id)
                with self.subTest(user=user.login, action=action.name):
                    rows = (
                        self.env[action.res_model]
                        .with_user(user)
                        .search([("company_id", "=", self.company.id)])
                    )
                    self.assertEqual(rows.store_id, rows.store_id & stores)
                    if action.res_model == "retail.member.report":
                        self.assertEqual(
                            rows.partner_id,
                            members.filtered(
                                lambda m, s=stores: m.retail_store_id in s
                            ),
                        )


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase, RetailCrmCommon):
    def test_dashboard_tour(self):
        self.member_a1.activity_schedule(
            "retail_crm.mail_activity_type_revisit", user_id=self.a1.id
        ).action_feedback("ok")
        self.start_tour(
            "/odoo/retail-dashboard", "retail_crm_dashboard_tour", login="rc_m1"
        )
