# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import WechatCommon

ADD_WAY = "/cgi-bin/externalcontact/add_contact_way"
MARK = "/cgi-bin/externalcontact/mark_tag"
TRANSFER = "/cgi-bin/externalcontact/transfer_customer"


@tagged("post_install", "-at_install")
class TestWecomContacts(WechatCommon):
    """QR codes, tag synchronisation, transfers: jobs against the fake server."""

    def test_contact_way_qr(self):
        way = self.way_a1.with_user(self.m1)
        self.assertEqual(way.state_code, f"rcw{way.id}")
        way.action_retail_request_qr()
        self.assertEqual(way.status, "pending")
        self.run_jobs()
        self.assertEqual(way.status, "ready")
        self.assertTrue(way.config_id.startswith("cfg"))
        self.assertTrue(way.qr_code_url.endswith(".png"))
        self.assertTrue(way.qr_image, "image downloaded for the poster")
        call = self.server.calls_to(ADD_WAY)[0]["payload"]
        self.assertEqual(call["state"], way.state_code)
        self.assertEqual(call["user"], ["wx_a1"])
        self.assertEqual(call["type"], 1)
        # a store QR code: the store's staff who have a WeCom account
        store_way = self.env["retail.wecom.contact.way"].create(
            {"name": "S1 QR", "store_id": self.s1.id}
        )
        store_way.action_retail_request_qr()
        self.run_jobs()
        call = self.server.calls_to(ADD_WAY)[1]["payload"]
        self.assertEqual(call["type"], 2)
        self.assertEqual(sorted(call["user"]), ["wx_a1", "wx_a1b", "wx_m1"])
        # the poster (QWeb PDF report) renders the QR code
        html = self.env["ir.actions.report"]._render_qweb_html(
            "retail_crm_wechat.report_retail_wecom_poster", store_way.ids
        )[0]
        self.assertIn(b"data:image/png;base64", html)
        self.assertIn(b"Test Store 1", html)

    def test_contact_way_rules(self):
        """Associates read the QR codes of their stores only; managers
        create them; an associate of another store cannot be chosen."""
        Way = self.env["retail.wecom.contact.way"]
        self.assertNotIn(self.way_a1, Way.with_user(self.a2).search([]))
        self.assertIn(self.way_a1, Way.with_user(self.a1b).search([]))
        with self.assertRaises(AccessError):
            Way.with_user(self.a1).create({"name": "x", "store_id": self.s1.id})
        with self.assertRaises(ValidationError):
            Way.create({"name": "x", "store_id": self.s1.id, "user_id": self.a2.id})
        way = Way.create(
            {"name": "No WeCom", "store_id": self.s2.id, "user_id": self.m2.id}
        )
        with self.assertRaises(UserError) as cm:
            way.action_retail_request_qr()
        self.assertIn("WeCom user ID", str(cm.exception))
        self.assertEqual(way.status, "draft")

    def test_tag_sync(self):
        """WeCom groups -> parent tags; new Odoo tags -> WeCom."""
        self.server.tag_groups[:] = [
            {
                "group_id": "grpSTYLE",
                "group_name": "Test Style",
                "tag": [
                    {"id": "etCASUAL", "name": "Casual"},
                    {"id": "etOLD", "name": "Old", "deleted": True},
                ],
            }
        ]
        parent = self.Tag.create({"name": "Test Interests", "retail_wecom_sync": True})
        self.Tag.create({"name": "Running", "parent_id": parent.id})
        self.Tag._retail_wecom_sync_tags(self.company)
        style = self.Tag.search([("retail_wecom_group_id", "=", "grpSTYLE")])
        self.assertEqual(style.name, "Test Style")
        self.assertEqual(style.child_ids.mapped("retail_wecom_tag_id"), ["etCASUAL"])
        self.assertTrue(parent.retail_wecom_group_id)
        self.assertTrue(parent.child_ids.retail_wecom_tag_id)
        # new child of a synchronised group: pushed into that group
        formal = self.Tag.create({"name": "Formal", "parent_id": style.id})
        self.Tag._retail_wecom_sync_tags(self.company)
        self.assertTrue(formal.retail_wecom_tag_id)
        add = self.server.calls_to("/cgi-bin/externalcontact/add_corp_tag")
        self.assertEqual(add[-1]["payload"]["group_id"], "grpSTYLE")
        # running it again changes nothing
        count = self.Tag.search_count([])
        self.Tag._retail_wecom_sync_tags(self.company)
        self.assertEqual(self.Tag.search_count([]), count)
        self.assertEqual(
            len(self.server.calls_to("/cgi-bin/externalcontact/add_corp_tag")), 2
        )

    def test_mark_tag_pushed(self):
        """A change of a WeCom-mapped tag on a linked member -> mark_tag job."""
        self.member_a1.write(
            {
                "retail_wecom_external_userid": "wmALICE",
                "retail_wecom_follow_userid": "wx_a1",
                "retail_wecom_status": "active",
            }
        )
        other = self.Tag.create({"name": "Not in WeCom"})
        self.member_a1.write({"category_id": [Command.link(other.id)]})
        self.assertFalse(self._jobs(), "unmapped tags stay in Odoo")
        self.member_a1.with_user(self.a1).write(
            {"category_id": [Command.link(self.tag_vip.id)]}
        )
        self.run_jobs()
        call = self.server.calls_to(MARK)[0]["payload"]
        self.assertEqual(call["add_tag"], ["etVIP"])
        self.assertEqual(call["remove_tag"], [])
        self.assertEqual(call["userid"], "wx_a1")
        self.assertEqual(call["external_userid"], "wmALICE")
        self.member_a1.write({"category_id": [Command.unlink(self.tag_vip.id)]})
        self.run_jobs()
        self.assertEqual(
            self.server.calls_to(MARK)[1]["payload"]["remove_tag"], ["etVIP"]
        )

    def test_associate_archived_transfer(self):
        """A1 leaves: retail_crm reassigns their members to A1b, and WeCom
        is asked to transfer the customers to A1b."""
        self.member_a1.write(
            {
                "retail_wecom_external_userid": "wmALICE",
                "retail_wecom_follow_userid": "wx_a1",
                "retail_wecom_status": "active",
            }
        )
        self.a1.action_archive()
        self.assertEqual(self.member_a1.user_id, self.a1b)
        self.run_jobs()
        calls = self.server.calls_to(TRANSFER)
        self.assertEqual(len(calls), 1)
        self.assertEqual(
            calls[0]["payload"],
            {
                "handover_userid": "wx_a1",
                "takeover_userid": "wx_a1b",
                "external_userid": ["wmALICE"],
            },
        )
        self.assertEqual(self.member_a1.retail_wecom_follow_userid, "wx_a1b")

    def test_secrets_admin_only(self):
        """Secrets are readable by system administrators only."""
        company = self.company.with_user(self.hq)
        with self.assertRaises(AccessError):
            company.read(["retail_wecom_contact_secret"])
        self.assertFalse(
            "retail_oa_secret" in company.fields_get(),
            "not even listed for non-administrators",
        )
