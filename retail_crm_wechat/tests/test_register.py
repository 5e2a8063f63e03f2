# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import time
from urllib.parse import urlparse

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models.retail_wechat_register import RATE_LIMIT_OPENID
from ..tools import wxcrypt
from .common import OA_AES_KEY, OA_APP_ID, OA_TOKEN, WechatCommon

CUSTOM_SEND = "/cgi-bin/message/custom/send"


@tagged("post_install", "-at_install")
class TestOfficialAccountRegister(WechatCommon, HttpCase):
    """The H5 registration page, opened from the signed link, end to end."""

    def setUp(self):
        super().setUp()
        self.Register = self.env["retail.wechat.register"]

    def link(self, openid="oNEW", store=None):
        url = self.Register._retail_register_url(
            self.company, openid, self.s1 if store is None else store
        )
        return urlparse(url).path

    def open_form(self, path):
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200, response.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(token, "the form carries a CSRF token")
        return response, token.group(1)

    def post(self, path, csrf, **values):
        data = dict(
            {"name": "王小明", "mobile": "139 0000 0042", "birthday": "1990-05-04"},
            **values,
        )
        if csrf:
            data["csrf_token"] = csrf
        return self.url_open(path, data=data)

    def members(self, **domain):
        return self.env["res.partner"].search(
            [("company_id", "=", self.company.id), ("is_retail_member", "=", True)]
            + [(k, "=", v) for k, v in domain.items()]
        )

    def test_valid_registration(self):
        path = self.link()
        response, csrf = self.open_form(path)
        self.assertIn('name="viewport"', response.text)
        self.assertIn(self.s1.name, response.text, "the store of the QR code")
        before = self._member_count()
        response = self.post(path, csrf, consent="1")
        self.assertEqual(response.status_code, 200, response.text)
        member = self.members(retail_oa_openid="oNEW")
        self.assertEqual(len(member), 1)
        self.assertEqual(self._member_count(), before + 1)
        self.assertIn(member.retail_member_code, response.text)
        self.assertEqual(member.name, "王小明")
        self.assertEqual(member.retail_mobile, "+8613900000042")
        self.assertEqual(str(member.retail_birthday), "1990-05-04")
        self.assertEqual(member.retail_store_id, self.s1)
        self.assertEqual(member.retail_channel, "official_account")
        self.assertTrue(member.retail_marketing_consent)
        self.assertEqual(member.retail_consent_channel, "official_account")
        self.assertEqual(member.retail_oa_status, "subscribed")
        # the member is now reachable by the wechat_oa channel
        reachable = self.env["retail.touch"]._retail_channel_reachable_wechat_oa(member)
        self.assertEqual(reachable, member)
        # the link opened again shows the membership, creates nothing
        response = self.url_open(path)
        self.assertIn(member.retail_member_code, response.text)
        self.assertEqual(self._member_count(), before + 1)

    def test_no_store_in_link(self):
        path = self.link(store=self.env["retail.store"])
        response, csrf = self.open_form(path)
        self.assertIn('name="store_id"', response.text)
        response = self.post(path, csrf)
        self.assertIn("Choose your store", response.text)
        self.assertFalse(self.members(retail_oa_openid="oNEW"))
        self.post(path, csrf, store_id=str(self.s2.id))
        self.assertEqual(self.members(retail_oa_openid="oNEW").retail_store_id, self.s2)

    @mute_logger("odoo.http")
    def test_bad_token(self):
        """Altered, forged or expired links: 404, no form, nothing created."""
        path = self.link()
        payload, signature = path.rsplit("/", 1)[1].split(".")
        forged = self.Register._retail_token(self.company, "oOTHER", self.s1)
        expired = self.Register._retail_token(
            self.company, "oNEW", self.s1, issued=time.time() - 8 * 86400
        )
        before = self._member_count()
        for token in (
            f"{payload}.{'0' * len(signature)}",
            f"{forged.split('.')[0]}.{signature}",
            expired,
            "garbage",
        ):
            response = self.url_open(f"/retail_wechat/oa/register/{token}")
            self.assertEqual(response.status_code, 404, token)
            self.assertNotIn("csrf_token", response.text)
            response = self.url_open(
                f"/retail_wechat/oa/register/{token}",
                data={"name": "X", "mobile": "13900000042"},
            )
            self.assertIn(response.status_code, (400, 404))
        self.assertEqual(self._member_count(), before)

    @mute_logger("odoo.http")
    def test_missing_csrf(self):
        path = self.link()
        self.open_form(path)
        before = self._member_count()
        response = self.post(path, None)
        self.assertEqual(response.status_code, 400)
        response = self.post(path, "forged-token")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._member_count(), before)
        self.assertFalse(self.members(retail_oa_openid="oNEW"))

    def test_invalid_mobile(self):
        path = self.link()
        _response, csrf = self.open_form(path)
        before = self._member_count()
        for mobile in ("12345", "010 6552 9988", ""):
            response = self.post(path, csrf, mobile=mobile)
            self.assertEqual(response.status_code, 200)
            self.assertIn("rc-error", response.text, mobile)
            self.assertIn("王小明", response.text, "the form keeps the input")
        response = self.post(path, csrf, birthday="2999-01-01")
        self.assertIn("rc-error", response.text)
        self.assertEqual(self._member_count(), before, "nothing created")
        self.assertFalse(self.members(retail_oa_openid="oNEW"))

    def test_duplicate_mobile_is_linked(self):
        """A member with that mobile (typed another way) is linked to the
        follower, not duplicated. The mobile is not verified: the member's
        data and consent stay as they are, and a mobile already linked to
        another follower is refused (nothing written)."""
        path = self.link()
        _response, csrf = self.open_form(path)
        before = self._member_count()
        response = self.post(path, csrf, mobile="+86 139-0000-0001", consent="1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._member_count(), before, "no second member")
        self.assertEqual(self.member_a1.retail_oa_openid, "oNEW")
        self.assertEqual(self.member_a1.name, "Alice Member S1 A1", "kept")
        self.assertFalse(self.member_a1.retail_birthday, "kept")
        self.assertFalse(self.member_a1.retail_marketing_consent, "kept")
        self.assertIn(self.member_a1.retail_member_code, response.text)
        other = self.link(openid="oTHIEF")
        _response, csrf = self.open_form(other)
        response = self.post(other, csrf, mobile="13900000001")
        self.assertIn("already linked to another WeChat account", response.text)
        self.assertEqual(self.member_a1.retail_oa_openid, "oNEW")
        self.assertFalse(self.members(retail_oa_openid="oTHIEF"))
        self.assertEqual(self._member_count(), before)

    def test_rate_limit(self):
        path = self.link()
        _response, csrf = self.open_form(path)
        before = self._member_count()
        for _i in range(RATE_LIMIT_OPENID):
            response = self.post(path, csrf, mobile="12345")
            self.assertEqual(response.status_code, 200)
        response = self.post(path, csrf)  # valid, but one attempt too many
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many registration attempts", response.text)
        self.assertEqual(self._member_count(), before)
        # per IP: another follower from the same address is limited too
        self.env["retail.wechat.register"].sudo().search([]).write({"openid": "x"})
        for i in range(20 - RATE_LIMIT_OPENID - 1):
            self.env["retail.wechat.register"].sudo().create(
                {"ip": "127.0.0.1", "openid": f"o{i}", "company_id": self.company.id}
            )
        self.env.flush_all()
        other = self.link(openid="oOTHER")
        response = self.post(other, csrf)
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self.members(retail_oa_openid="oOTHER"))

    def test_unknown_follower_gets_the_link(self):
        """subscribe of an unknown follower -> job -> customer-service
        message with the signed link -> the page registers them."""
        timestamp, nonce = str(int(time.time())), "4455"
        message = self.xml(
            {
                "ToUserName": "gh_retail",
                "FromUserName": "oSTRANGER",
                "CreateTime": timestamp,
                "MsgType": "event",
                "Event": "subscribe",
                "EventKey": f"qrscene_rcstore{self.s2.id}",
            }
        )
        encrypted = wxcrypt.encrypt(OA_AES_KEY, message, OA_APP_ID)
        signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce)
        msg_signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce, encrypted)
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
        response = self.url_open(
            f"/retail_wechat/oa/{self.company.id}?signature={signature}"
            f"&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes"
            f"&msg_signature={msg_signature}",
            data=body.encode(),
        )
        self.assertEqual(response.text, "success")
        self.assertFalse(self.server.calls_to(CUSTOM_SEND), "not in the callback")
        self.run_jobs()
        calls = self.server.calls_to(CUSTOM_SEND)
        self.assertEqual(len(calls), 1)
        payload = calls[0]["payload"]
        self.assertEqual((payload["touser"], payload["msgtype"]), ("oSTRANGER", "text"))
        url = re.search(r'href="([^"]+)"', payload["text"]["content"]).group(1)
        self.assertIn("/retail_wechat/oa/register/", url)
        event = self.events()[0]
        self.assertEqual(event.welcome_state, "sent")
        # the job run again does not send the link twice
        event._retail_oa_send_register_link("oSTRANGER", self.s2.id)
        self.assertEqual(len(self.server.calls_to(CUSTOM_SEND)), 1)
        path = urlparse(url).path
        _response, csrf = self.open_form(path)
        self.post(path, csrf, mobile="13900000077")
        member = self.members(retail_oa_openid="oSTRANGER")
        self.assertEqual(member.retail_store_id, self.s2)
        # unfollow: no longer reachable by template messages
        self.server.reset()
        message = message.replace("subscribe", "unsubscribe")
        encrypted = wxcrypt.encrypt(OA_AES_KEY, message, OA_APP_ID)
        nonce = "4456"
        signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce)
        msg_signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce, encrypted)
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
        self.url_open(
            f"/retail_wechat/oa/{self.company.id}?signature={signature}"
            f"&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes"
            f"&msg_signature={msg_signature}",
            data=body.encode(),
        )
        self.run_jobs()
        self.assertEqual(member.retail_oa_status, "unsubscribed")
