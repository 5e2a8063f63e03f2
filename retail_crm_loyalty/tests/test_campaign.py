# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..tools.messaging import is_holdout
from .common import RetailMessagingCommon


@tagged("post_install", "-at_install")
class TestCampaign(RetailMessagingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no quiet hours: the send delivers at once, whatever the hour of the run
        cls.company.write({"retail_quiet_start": 0.0, "retail_quiet_end": 0.0})
        cls.Campaign = cls.env["retail.campaign"]
        cls.today = cls.Partner._retail_today(cls.company)
        cls.members = cls.Partner
        for index in range(20):
            cls.members |= cls._new_member(
                f"Campaign Member {index}",
                f"1360000{index:04d}",
                cls.s1,
                cls.a1,
                retail_marketing_consent=True,
            )

    def _campaign(self, **vals):
        return self.Campaign.create(
            dict(
                {
                    "name": "Mid-Autumn",
                    "company_id": self.company.id,
                    "store_id": self.s1.id,
                    "date_start": self.today - timedelta(days=1),
                    "date_end": self.today + timedelta(days=10),
                    "channel_sequence": "sms",
                    "subject": "Mid-Autumn",
                    "body": "Dear {name}, your coupon: {coupon_code}",
                    "holdout_percent": 30,
                    "coupon_program_id": self.coupon_program.id,
                },
                **vals,
            )
        )

    def _touches(self, campaign):
        return self.Touch.search([("campaign_id", "=", campaign.id)])

    def test_send_holdout_never_contacted(self):
        """The holdout share is the deterministic hash of member and campaign:
        logged 'holdout', no coupon, no message; the others get both, and
        touches and coupons are linked to the campaign."""
        campaign = self._campaign()
        campaign.action_retail_send()
        self.assertEqual(campaign.state, "running")
        touches = self._touches(campaign).filtered(
            lambda t: t.partner_id in self.members
        )
        self.assertTrue(self.members <= touches.partner_id)
        holdout = touches.filtered(lambda t: t.state == "holdout")
        expected = self.members.filtered(
            lambda m: is_holdout(m.id, "campaign", f"campaign:{campaign.id}", 30)
        )
        self.assertTrue(expected)
        self.assertEqual(holdout.partner_id, expected)
        self.assertFalse(holdout.coupon_id)
        for member in expected:
            self.assertEqual(self._sms_count(member), 0)
        sent = touches - holdout
        self.assertEqual(set(sent.mapped("state")), {"sent"})
        self.assertEqual(set(sent.mapped("automation")), {"campaign"})
        self.assertEqual(len(sent.coupon_id), len(sent))
        self.assertEqual(sent.coupon_id.retail_campaign_id, campaign)
        for touch in sent:
            self.assertEqual(self._sms_count(touch.partner_id), 1)
            self.assertIn(touch.coupon_id.code, touch.body)
        # the counters cover every member of the store (fixture members too)
        every = self._touches(campaign)
        all_holdout = every.filtered(lambda t: t.state == "holdout")
        self.assertEqual(campaign.holdout_count, len(all_holdout))
        self.assertEqual(campaign.coupon_count, len(every.coupon_id))
        # members of another store are not targeted by a store campaign
        self.assertFalse(touches.filtered(lambda t: t.partner_id == self.member_s2))
        # the ROI report is attributable to the campaign
        self.env.flush_all()
        [group] = self.env["retail.campaign.report"]._read_group(
            [("campaign_id", "=", campaign.id)],
            [],
            ["targeted_count:sum", "holdout_count:sum", "coupon_count:sum"],
        )
        self.assertEqual(group, (len(every), len(all_holdout), len(every.coupon_id)))

    def test_send_twice_sends_nothing_twice(self):
        campaign = self._campaign()
        campaign.action_retail_send()
        touches = self._touches(campaign)
        sms = self.env["sms.sms"].search_count([])
        cards = self.env["loyalty.card"].search_count([])
        campaign.action_retail_send()
        self.assertEqual(self._touches(campaign), touches)
        self.assertEqual(self.env["sms.sms"].search_count([]), sms)
        self.assertEqual(self.env["loyalty.card"].search_count([]), cards)
        # a member who joined since is the only one reached by a new send
        newcomer = self._new_member(
            "Newcomer", "13611112222", self.s1, self.a1, retail_marketing_consent=True
        )
        campaign.action_retail_send()
        self.assertEqual(
            (self._touches(campaign) - touches).partner_id,
            newcomer,
        )

    def test_large_send_runs_in_background(self):
        """Above the limit, Send only hands the campaign to the cron job,
        which sends by batches; running the job again sends nothing twice."""
        campaign = self._campaign(holdout_percent=0)
        campaign.with_context(retail_campaign_sync_limit=5).action_retail_send()
        self.assertEqual(campaign.state, "running")
        self.assertTrue(campaign.retail_send_pending)
        self.assertFalse(self._touches(campaign))
        self.Campaign._cron_retail_send_campaigns(batch_size=7)
        touches = self._touches(campaign)
        self.assertFalse(campaign.retail_send_pending)
        self.assertTrue(self.members <= touches.partner_id)
        self.Campaign._cron_retail_send_campaigns(batch_size=7)
        self.assertEqual(self._touches(campaign), touches)

    def test_segment_and_consent(self):
        """A segment narrows the target; consent still applies."""
        segment = self.env["retail.segment"].create(
            {
                "name": "Campaign Members 1x",
                "company_id": self.company.id,
                "domain": "[('name', 'like', 'Campaign Member 1')]",
            }
        )
        in_segment = self.members.filtered(lambda m: "Member 1" in m.name)
        no_consent = in_segment[0]
        no_consent.retail_marketing_consent = False
        campaign = self._campaign(
            segment_id=segment.id, holdout_percent=0, store_id=False
        )
        campaign.action_retail_send()
        touches = self._touches(campaign)
        self.assertEqual(touches.partner_id, in_segment)
        skipped = touches.filtered(lambda t: t.state == "skipped")
        self.assertEqual(skipped.partner_id, no_consent)
        self.assertFalse(skipped.coupon_id)
        self.assertEqual(self._sms_count(no_consent), 0)

    def test_bad_input(self):
        """Clear errors at save time, nothing written."""
        count = self.Campaign.search_count([])
        with self.assertRaises(ValidationError) as cm:
            self._campaign(date_end=self.today - timedelta(days=2))
        self.assertIn("cannot end before it starts", str(cm.exception))
        for percent in (-1, 95):
            with self.assertRaises(ValidationError) as cm:
                self._campaign(holdout_percent=percent)
            self.assertIn("between 0 and 90", str(cm.exception))
        with self.assertRaises(ValidationError) as cm:
            self._campaign(body="Hello {nickname}")
        self.assertIn("{nickname}", str(cm.exception))
        self.assertEqual(self.Campaign.search_count([]), count)
        # outside its dates or done: not sent, nothing written
        campaign = self._campaign(
            date_start=self.today + timedelta(days=1),
            date_end=self.today + timedelta(days=5),
        )
        with self.assertRaises(UserError) as cm:
            campaign.action_retail_send()
        self.assertIn("can only be sent within these dates", str(cm.exception))
        self.assertFalse(self._touches(campaign))
        self.assertEqual(campaign.state, "draft")
        campaign = self._campaign()
        campaign.action_retail_done()
        with self.assertRaises(UserError) as cm:
            campaign.action_retail_send()
        self.assertIn("is done", str(cm.exception))
        self.assertFalse(self._touches(campaign))

    def test_access(self):
        """HQ and store managers manage campaigns (managers: of their stores),
        associates read those of their stores and of the whole chain."""
        chain = self._campaign(store_id=False, name="Chain")
        store1 = self._campaign(name="Store 1")
        store2 = self._campaign(store_id=self.s2.id, name="Store 2")
        Campaign = self.Campaign.with_user(self.a1)
        self.assertEqual(
            Campaign.search([("id", "in", (chain | store1 | store2).ids)]),
            chain | store1,
        )
        with self.assertRaises(AccessError):
            store1.with_user(self.a1).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            store1.with_user(self.a1).action_retail_send()
        self.assertFalse(self._touches(store1))
        # a store manager creates and sends the campaigns of his store only
        mine = self._campaign(name="M1").with_user(self.m1)
        mine.with_user(self.m1).write({"name": "M1 renamed"})
        with self.assertRaises(AccessError):
            self.Campaign.with_user(self.m1).create(
                {
                    "name": "Other store",
                    "company_id": self.company.id,
                    "store_id": self.s2.id,
                    "date_end": self.today,
                }
            )
        with self.assertRaises(AccessError):
            chain.with_user(self.m1).write({"name": "Renamed"})
        # HQ manages chain-wide campaigns
        chain.with_user(self.hq).write({"name": "Chain renamed"})
        self.assertEqual(chain.name, "Chain renamed")


@tagged("post_install", "-at_install")
class TestRoiDashboard(RetailMessagingCommon):
    def test_dashboard_blocks_and_menu(self):
        view = self.env.ref("retail_crm_loyalty.view_retail_roi_dashboard")
        arch = self.env["board.board"].with_user(self.m1).get_view(view.id)["arch"]
        ids = {int(node.get("name")) for node in etree.fromstring(arch).iter("action")}
        Action = self.env["ir.actions.act_window"]
        self.assertEqual(
            set(Action.browse(ids).mapped("res_model")),
            {"retail.campaign.report", "retail.campaign"},
        )
        menu = self.env.ref("retail_crm_loyalty.menu_retail_roi_dashboard")
        Menu = self.env["ir.ui.menu"]
        for user, visible in ((self.a1, False), (self.m1, True), (self.hq, True)):
            with self.subTest(user=user.login):
                self.assertEqual(
                    menu.id in Menu.with_user(user)._visible_menu_ids(), visible
                )


@tagged("post_install", "-at_install")
class TestRoiDashboardTour(HttpCase, RetailMessagingCommon):
    def test_roi_dashboard_tour(self):
        self.start_tour(
            "/odoo/retail-roi-dashboard",
            "retail_crm_loyalty_roi_dashboard_tour",
            login="rc_m1",
        )
