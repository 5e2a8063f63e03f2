# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

from odoo.tests import HttpCase, tagged

from ..controllers.sidebar import TOKEN_TTL, make_token
from .common import WechatCommon

GETUSERINFO = "/cgi-bin/auth/getuserinfo"
AUTHORIZE = "/connect/oauth2/authorize"


@tagged("post_install", "-at_install")
class TestWecomSidebar(WechatCommon, HttpCase):
    """The associate sidebar end to end: WeCom OAuth against the fake
    server, the member page as the associate (record rules), follow-ups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_a1.retail_wecom_external_userid = "wmALICE"
        cls.member_s2.retail_wecom_external_userid = "wmCAROL"
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.member_a1.id,
                "company_id": cls.company.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.env["product.product"]
                            .create({"name": "Sidebar Tea", "list_price": 88.0})
                            .id,
                            "product_uom_qty": 1,
                        },
                    )
                ],
            }
        )
        cls.order.action_confirm()

    def open_sidebar(self, userid, external_userid="wmALICE"):
        self.server.oauth_userid = userid
        return self.url_open(
            f"/retail_wechat/sidebar/{self.company.id}"
            f"?external_userid={external_userid}",
            timeout=30,
        )

    def token_of(self, response):
        return parse_qs(urlparse(response.url).query)["token"][0]

    def test_oauth_round_trip(self):
        response = self.open_sidebar("wx_a1")
        self.assertEqual(response.status_code, 200, response.text)
        # redirected to WeCom's authorize page, then back with a code that
        # the server exchanged for the userid (one call, with the app token)
        authorize = self.server.calls_to(AUTHORIZE)
        self.assertEqual(len(authorize), 1)
        query = authorize[0]["query"]
        self.assertEqual(query["appid"], "wwretailcorp0001")
        self.assertEqual(query["scope"], "snsapi_base")
        self.assertEqual(query["agentid"], "1000002")
        self.assertIn(
            f"/retail_wechat/sidebar/{self.company.id}/oauth", query["redirect_uri"]
        )
        calls = self.server.calls_to(GETUSERINFO)
        self.assertEqual(len(calls), 1)
        self.assertTrue(calls[0]["query"]["code"].startswith("CODE"))
        # the member page, as a1: profile, last order, no Odoo session
        self.assertIn("/member?", response.url)
        self.assertIn("Alice Member S1 A1", response.text)
        self.assertIn(self.order.name, response.text)
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")
        self.assertNotIn("session_id", response.cookies)

    def test_replayed_or_forged_oauth(self):
        self.open_sidebar("wx_a1")
        code = self.server.calls_to(GETUSERINFO)[0]["query"]["code"]
        state = self.server.calls_to(AUTHORIZE)[0]["query"]["state"]
        # the same code again: WeCom refuses it (40029), no page
        replay = self.url_open(
            f"/retail_wechat/sidebar/{self.company.id}/oauth?code={code}"
            f"&state={state}&external_userid=wmALICE",
            allow_redirects=False,
        )
        self.assertEqual(replay.status_code, 403)
        self.assertIn("WeCom did not confirm who you are", replay.text)
        # a forged state is refused before any call to WeCom
        self.server.reset()
        forged = self.url_open(
            f"/retail_wechat/sidebar/{self.company.id}/oauth?code=CODE99"
            f"&state={int(time.time())}.{'0' * 32}&external_userid=wmALICE",
            allow_redirects=False,
        )
        self.assertEqual(forged.status_code, 400)
        self.assertFalse(self.server.calls_to(GETUSERINFO))

    def test_unknown_wecom_user(self):
        response = self.open_sidebar("wx_nobody")
        self.assertEqual(response.status_code, 403)
        self.assertIn("Unknown WeCom user", response.text)
        self.assertNotIn("Alice", response.text)
        # a visitor who is not a member of the corp (openid only)
        response = self.open_sidebar("openid:oVISITOR")
        self.assertEqual(response.status_code, 403)
        self.assertIn("Unknown WeCom user", response.text)

    def test_member_not_visible(self):
        # Carol is a member of store 2: a1 works in store 1
        response = self.open_sidebar("wx_a1", external_userid="wmCAROL")
        self.assertEqual(response.status_code, 403)
        self.assertIn("Not your customer", response.text)
        self.assertNotIn("Carol", response.text)
        self.assertNotIn("13900000003", response.text)
        # her associate sees her
        self.a2.retail_wecom_userid = "wx_a2"
        response = self.open_sidebar("wx_a2", external_userid="wmCAROL")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Carol Member S2", response.text)
        # unknown contact, and a malformed external userid
        response = self.open_sidebar("wx_a1", external_userid="wmNOBODY")
        self.assertEqual(response.status_code, 404)
        self.assertIn("Unknown customer", response.text)
        token = make_token(self.company.id, self.a1.id, env=self.env)
        response = self.url_open(
            f"/retail_wechat/sidebar/{self.company.id}/member?token={token}"
            "&external_userid=%3Cscript%3E"
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("<script>", response.text)

    def test_token_checks(self):
        url = f"/retail_wechat/sidebar/{self.company.id}/member?external_userid=wmALICE"
        token = make_token(self.company.id, self.a1.id, env=self.env)
        self.assertEqual(self.url_open(f"{url}&token={token}").status_code, 200)
        # tampered user id, expired, other company: refused
        parts = token.split(".")
        tampered = ".".join([parts[0], str(self.a2.id), parts[2], parts[3]])
        expired = make_token(
            self.company.id, self.a1.id, now=time.time() - TOKEN_TTL - 5, env=self.env
        )
        other = make_token(self.company_other.id, self.a1.id, env=self.env)
        for bad in (tampered, expired, other, "", "1.2.3"):
            response = self.url_open(f"{url}&token={bad}")
            self.assertEqual(response.status_code, 403, bad)
            self.assertIn("Session expired", response.text)
            self.assertNotIn("Alice", response.text)

    def test_followup_logged(self):
        Activity = self.env["mail.activity"]
        activity = self.member_a1.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.a1.id,
            summary="Call about the new tea",
            date_deadline=date.today(),
        )
        response = self.open_sidebar("wx_a1")
        self.assertIn("Call about the new tea", response.text)
        token = self.token_of(response)
        next_date = date.today() + timedelta(days=10)
        # second click: done + next date (the outcome is optional)
        response = self.url_open(
            f"/retail_wechat/sidebar/{self.company.id}/followup",
            data={
                "token": token,
                "external_userid": "wmALICE",
                "next_date": next_date.isoformat(),
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("Follow-up logged.", response.text)
        self.assertFalse(activity.exists(), "the open follow-up is done")
        # (the purchase of the fixture may have started a stage plan too)
        new = Activity.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.member_a1.id),
                ("date_deadline", "=", next_date),
            ]
        )
        self.assertEqual(len(new), 1)
        self.assertEqual(new.user_id, self.a1)
        done = self.member_a1.message_ids.filtered(
            lambda m: "Followed up on WeCom." in (m.body or "")
        )
        self.assertEqual(len(done), 1)
        self.assertEqual(done.author_id, self.a1.partner_id)

    def test_followup_refused(self):
        token = make_token(self.company.id, self.a1.id, env=self.env)
        url = f"/retail_wechat/sidebar/{self.company.id}/followup"
        before = self.env["mail.activity"].search_count([])
        # a date in the past: clear error, nothing written
        response = self.url_open(
            url,
            data={
                "token": token,
                "external_userid": "wmALICE",
                "next_date": (date.today() - timedelta(days=1)).isoformat(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("The next follow-up cannot be in the past.", response.text)
        self.assertEqual(self.env["mail.activity"].search_count([]), before)
        # a member of another store, and no token: refused, nothing written
        response = self.url_open(
            url, data={"token": token, "external_userid": "wmCAROL", "next_date": ""}
        )
        self.assertEqual(response.status_code, 403)
        response = self.url_open(
            url, data={"token": "", "external_userid": "wmALICE", "next_date": ""}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.env["mail.activity"].search_count([]), before)
        self.assertFalse(
            self.member_a1.message_ids.filtered(
                lambda m: "Followed up on WeCom." in (m.body or "")
            )
        )

    def test_pages_in_chinese(self):
        """The pages are in the associate's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["retail_crm_wechat"], ["zh_CN"]
        )
        self.a1.lang = "zh_CN"
        response = self.open_sidebar("wx_a1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("最近订单", response.text)
        self.assertIn("完成，并安排下次跟进", response.text)
        response = self.open_sidebar("wx_a1", external_userid="wmCAROL")
        self.assertEqual(response.status_code, 403)
        self.assertIn("不是您的客户", response.text)
