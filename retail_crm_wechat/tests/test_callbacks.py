# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
import uuid
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import wxcrypt
from .common import (
    CALLBACK_TOKEN,
    CORP_ID,
    OA_AES_KEY,
    OA_APP_ID,
    OA_TOKEN,
    WechatCommon,
)

GET = "/cgi-bin/externalcontact/get"
WELCOME = "/cgi-bin/externalcontact/send_welcome_msg"
CONTROLLER_LOG = "odoo.addons.retail_crm_wechat.controllers.main"


@tagged("post_install", "-at_install")
class TestWecomCallbacks(WechatCommon, HttpCase):
    """WeCom callbacks end to end: HTTP request -> event -> job -> fake
    WeCom server -> member."""

    def add_event(self, external_userid="wmNEW1", **extra):
        return self.wecom_event(
            "add_external_contact",
            external_userid,
            State=self.way_a1.state_code,
            WelcomeCode="WELCOME-" + external_userid,
            **extra,
        )

    def member_of(self, external_userid):
        return self.env["res.partner"].search(
            [("retail_wecom_external_userid", "=", external_userid)]
        )

    def assertRejected(self, response, status):
        self.assertEqual(response.status_code, status, response.text)
        self.assertFalse(self.events(), "nothing recorded")
        self.assertFalse(self._jobs(), "nothing queued")

    def test_verify_url(self):
        timestamp, nonce = str(int(time.time())), "12345"
        echostr = wxcrypt.encrypt(
            self.company.retail_wecom_aes_key, "echo-4242", CORP_ID
        )
        signature = wxcrypt.signature(CALLBACK_TOKEN, timestamp, nonce, echostr)
        url = f"/retail_wechat/wecom/{self.company.id}"
        response = self.opener.get(
            self.base_url() + url,
            params={
                "msg_signature": signature,
                "timestamp": timestamp,
                "nonce": nonce,
                "echostr": echostr,
            },
            timeout=12,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "echo-4242")
        with mute_logger(CONTROLLER_LOG):
            forged = self.opener.get(
                self.base_url() + url,
                params={
                    "msg_signature": "0" * 40,
                    "timestamp": timestamp,
                    "nonce": nonce,
                    "echostr": echostr,
                },
                timeout=12,
            )
        self.assertEqual(forged.status_code, 403)
        self.assertNotIn("echo-4242", forged.text)

    def test_add_external_contact(self):
        """A customer scans A1's QR code: one member in S1 assigned to A1,
        with the QR code's tag, and one welcome message."""
        self.add_contact(
            "wmNEW1",
            name="王小姐",
            unionid="union-new-1",
            remark_mobiles=["13911112222"],
        )
        response = self.wecom_post(self.add_event())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "success")
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "pending")
        self.assertFalse(self.server.calls, "the callback calls nobody")
        self.assertEqual(self.run_jobs(), [])
        member = self.member_of("wmNEW1")
        self.assertEqual(len(member), 1)
        self.assertEqual(member.name, "王小姐")
        self.assertEqual(member.retail_store_id, self.s1)
        self.assertEqual(member.user_id, self.a1)
        self.assertEqual(member.retail_channel, "wecom")
        self.assertEqual(member.retail_wechat_unionid, "union-new-1")
        self.assertEqual(member.retail_mobile, "+8613911112222")
        self.assertEqual(member.retail_wecom_contact_way_id, self.way_a1)
        self.assertIn(self.tag_vip, member.category_id)
        self.assertEqual(event.state, "done")
        self.assertEqual(event.partner_id, member)
        self.assertEqual(event.welcome_state, "sent")
        welcome = self.server.calls_to(WELCOME)
        self.assertEqual(len(welcome), 1)
        self.assertEqual(welcome[0]["payload"]["welcome_code"], "WELCOME-wmNEW1")
        self.assertEqual(welcome[0]["payload"]["text"]["content"], "欢迎光临！")
        # the QR code's tag is pushed to WeCom
        marks = self.server.calls_to("/cgi-bin/externalcontact/mark_tag")
        self.assertEqual(marks[0]["payload"]["add_tag"], ["etVIP"])
        # jobs run again: nothing is sent twice
        self.env["retail.wechat.event"].browse(event.id)._retail_wecom_send_welcome()
        self.assertEqual(len(self.server.calls_to(WELCOME)), 1)

    def test_existing_member_found(self):
        """By unionid, then external userid, then the associate's remark mobile."""
        self.member_a1b.retail_wechat_unionid = "union-bob"
        self.add_contact("wmBOB", unionid="union-bob")
        self.member_s2.retail_wecom_external_userid = "wmCAROL"
        self.add_contact("wmCAROL")
        self.add_contact("wmAMY", remark_mobiles=[13900000002])  # older: numeric
        before = self._member_count()
        for ext in ("wmBOB", "wmCAROL", "wmAMY"):
            self.assertEqual(self.wecom_post(self.add_event(ext)).status_code, 200)
        self.run_jobs()
        self.assertEqual(self._member_count(), before, "no new member")
        self.assertEqual(self.member_a1b.retail_wecom_external_userid, "wmBOB")
        self.assertEqual(self.member_s2.retail_wecom_status, "active")
        self.assertEqual(self.member_a1_2.retail_wecom_external_userid, "wmAMY")
        self.assertEqual(self.member_a1_2.retail_wecom_follow_userid, "wx_a1")

    def test_duplicate_event(self):
        """WeCom retries the same event (new nonce): one event, one member."""
        self.add_contact("wmDUP")
        values = self.add_event("wmDUP")
        before = self._member_count()
        for __ in range(3):
            response = self.wecom_post(values)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.text, "success")
        self.assertEqual(len(self.events()), 1)
        self.run_jobs()
        self.assertEqual(self._member_count(), before + 1)
        self.assertEqual(len(self.member_of("wmDUP")), 1)
        self.assertEqual(len(self.server.calls_to(WELCOME)), 1)

    @mute_logger(CONTROLLER_LOG)
    def test_forged_signature(self):
        self.add_contact("wmF")
        self.assertRejected(
            self.wecom_post(self.add_event("wmF"), signature="a" * 40), 403
        )

    @mute_logger(CONTROLLER_LOG)
    def test_wrong_receive_id(self):
        """Encrypted for another corp (and correctly signed): refused."""
        self.assertRejected(
            self.wecom_post(self.add_event("wmR"), receive_id="wwOTHERCORP"), 403
        )

    @mute_logger(CONTROLLER_LOG)
    def test_stale_timestamp(self):
        old = int(time.time()) - 301
        self.assertRejected(self.wecom_post(self.add_event("wmS"), timestamp=old), 403)
        future = int(time.time()) + 400
        self.assertRejected(
            self.wecom_post(self.add_event("wmS"), timestamp=future), 403
        )

    @mute_logger(CONTROLLER_LOG)
    def test_replayed_nonce(self):
        self.add_contact("wmN")
        nonce = uuid.uuid4().hex[:10]
        timestamp = int(time.time())
        values = self.add_event("wmN")
        first = self.wecom_post(values, nonce=nonce, timestamp=timestamp)
        self.assertEqual(first.status_code, 200)
        replay = self.wecom_post(values, nonce=nonce, timestamp=timestamp)
        self.assertEqual(replay.status_code, 409)
        self.assertEqual(len(self.events()), 1)

    @mute_logger(CONTROLLER_LOG)
    def test_malformed_xml(self):
        # outer envelope not XML
        self.assertRejected(
            self.wecom_post(self.add_event(), body="<xml><Encrypt>"), 400
        )
        # inner message not XML, correctly encrypted and signed
        self.assertRejected(self.wecom_post(inner="<xml><MsgType>event"), 400)
        # no Encrypt element
        self.assertRejected(self.wecom_post(self.add_event(), body="<xml></xml>"), 400)

    @mute_logger(CONTROLLER_LOG)
    def test_xxe(self):
        xxe = (
            '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM '
            '"file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>'
        )
        self.assertRejected(self.wecom_post(self.add_event(), body=xxe), 400)
        inner = xxe.replace("Encrypt", "ExternalUserID")
        self.assertRejected(self.wecom_post(inner=inner), 400)

    @mute_logger(CONTROLLER_LOG)
    def test_body_too_large(self):
        body = b"<xml><Encrypt>" + b"A" * (10 * 1024 * 1024) + b"</Encrypt></xml>"
        self.assertRejected(self.wecom_post(self.add_event(), body=body), 413)

    def test_token_expired_mid_call(self):
        """The cached token is revoked: one refresh, the event still done."""
        self.add_contact("wmT1")
        self.add_contact("wmT2")
        self.wecom_post(self.add_event("wmT1"))
        self.run_jobs()
        tokens = self.server.token_count
        self.server.expire_tokens()
        self.server.reset()
        self.wecom_post(self.add_event("wmT2"))
        self.run_jobs()
        self.assertEqual(self.server.token_count, tokens + 1, "one refresh")
        self.assertEqual(len(self.server.calls_to("/cgi-bin/gettoken")), 1)
        self.assertTrue(self.member_of("wmT2"))

    def test_rate_limited_backoff(self):
        """45009 on the contact fetch: the job backs off, nothing half done;
        the retry succeeds."""
        self.add_contact("wmRL")
        self.server.fail_next(GET, 45009)
        self.wecom_post(self.add_event("wmRL"))
        postponed = self.run_jobs()
        self.assertEqual([name for name, __ in postponed], ["_retail_process"])
        event = self.events()
        self.assertEqual(event.state, "pending")
        self.assertFalse(self.member_of("wmRL"))
        self.assertEqual(len(self.server.calls_to(GET)), 1, "no immediate retry")
        self.run_jobs()
        self.assertEqual(event.state, "done")
        self.assertTrue(self.member_of("wmRL"))

    def test_welcome_already_sent(self):
        """41051: another app sent it; never retried."""
        self.add_contact("wmW")
        self.server.fail_next(WELCOME, 41051)
        self.wecom_post(self.add_event("wmW"))
        self.assertEqual(self.run_jobs(), [])
        event = self.events()
        self.assertEqual(event.welcome_state, "already_sent")
        self.assertTrue(self.member_of("wmW"), "the member is still created")
        event._retail_wecom_send_welcome()
        self.run_jobs()
        self.assertEqual(len(self.server.calls_to(WELCOME)), 1)

    def test_welcome_lost_answer(self):
        """The send may have left but no answer came: not re-sent."""
        self.add_contact("wmLost")
        self.wecom_post(self.add_event("wmLost"))
        with patch(
            "odoo.addons.retail_crm_wechat.tools.wxclient.requests.request",
            side_effect=__import__("requests").ReadTimeout("timeout"),
        ):
            self.env["retail.wechat.event"].search(
                [("company_id", "=", self.company.id)]
            )._retail_wecom_send_welcome()
        event = self.events()
        self.assertEqual(event.welcome_state, "unknown")
        self.run_jobs()
        self.assertFalse(self.server.calls_to(WELCOME), "never re-sent")

    def test_edit_and_delete(self):
        """edit_external_contact pulls the tags; del_follow_user marks the
        link and gives the store manager an activity."""
        tag_new = self.Tag.create(
            {"name": "Test New Tag", "retail_wecom_tag_id": "etNEW"}
        )
        self.add_contact("wmE")
        self.wecom_post(self.add_event("wmE"))
        self.run_jobs()
        member = self.member_of("wmE")
        self.assertIn(self.tag_vip, member.category_id)
        self.add_contact("wmE", tags=[{"tag_id": "etNEW", "type": 1}])
        self.server.reset()
        self.wecom_post(self.wecom_event("edit_external_contact", "wmE"))
        self.run_jobs()
        self.assertIn(tag_new, member.category_id)
        self.assertNotIn(self.tag_vip, member.category_id)
        self.assertFalse(
            self.server.calls_to("/cgi-bin/externalcontact/mark_tag"),
            "tags from WeCom are not pushed back",
        )
        self.wecom_post(self.wecom_event("del_follow_user", "wmE"))
        self.run_jobs()
        self.assertEqual(member.retail_wecom_status, "deleted_by_customer")
        activity = member.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.m1)
        self.wecom_post(self.wecom_event("del_external_contact", "wmE"))
        self.run_jobs()
        self.assertEqual(member.retail_wecom_status, "deleted_by_staff")


@tagged("post_install", "-at_install")
class TestOfficialAccountCallbacks(WechatCommon, HttpCase):
    def oa_url(self, timestamp, nonce, **params):
        signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return (
            f"/retail_wechat/oa/{self.company.id}?signature={signature}"
            f"&timestamp={timestamp}&nonce={nonce}&{query}"
        )

    def test_verify_and_subscribe(self):
        timestamp, nonce = str(int(time.time())), "778899"
        response = self.url_open(self.oa_url(timestamp, nonce, echostr="oa-echo"))
        self.assertEqual(response.text, "oa-echo")
        # a follower whose unionid is a member's scans the store QR code
        self.member_a1.retail_wechat_unionid = "union-alice"
        self.server.followers["oFOLLOW1"] = {"unionid": "union-alice"}
        message = self.xml(
            {
                "ToUserName": "gh_retail",
                "FromUserName": "oFOLLOW1",
                "CreateTime": timestamp,
                "MsgType": "event",
                "Event": "subscribe",
                "EventKey": "qrscene_rcstore1",
            }
        )
        encrypted = wxcrypt.encrypt(OA_AES_KEY, message, OA_APP_ID)
        msg_signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce, encrypted)
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
        response = self.url_open(
            self.oa_url(
                timestamp, nonce, encrypt_type="aes", msg_signature=msg_signature
            ),
            data=body.encode(),
        )
        self.assertEqual(response.text, "success")
        self.run_jobs()
        self.assertEqual(self.member_a1.retail_oa_openid, "oFOLLOW1")
        # an unknown follower scans the QR code of store S1: no member created
        before = self._member_count()
        message = message.replace("oFOLLOW1", "oUNKNOWN").replace(
            "qrscene_rcstore1", f"qrscene_rcstore{self.s1.id}"
        )
        encrypted = wxcrypt.encrypt(OA_AES_KEY, message, OA_APP_ID)
        nonce = "778900"
        msg_signature = wxcrypt.signature(OA_TOKEN, timestamp, nonce, encrypted)
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
        self.url_open(
            self.oa_url(
                timestamp, nonce, encrypt_type="aes", msg_signature=msg_signature
            ),
            data=body.encode(),
        )
        self.run_jobs()
        event = self.events()[0]
        self.assertIn(self.s1.display_name, event.result)
        self.assertEqual(self._member_count(), before)

    def test_store_qr_code(self):
        """Permanent parametric QR code of a store (QR_LIMIT_STR_SCENE)."""
        self.s1.action_retail_oa_request_qr()
        self.run_jobs()
        call = self.server.calls_to("/cgi-bin/qrcode/create")[0]["payload"]
        self.assertEqual(call["action_name"], "QR_LIMIT_STR_SCENE")
        self.assertEqual(
            call["action_info"]["scene"]["scene_str"], f"rcstore{self.s1.id}"
        )
        self.assertTrue(self.s1.retail_oa_qr_url)
        self.assertTrue(self.s1.retail_oa_qr_image)

    @mute_logger(CONTROLLER_LOG)
    def test_plain_mode_refused_when_key_set(self):
        timestamp, nonce = str(int(time.time())), "5566"
        body = self.xml({"FromUserName": "o1", "MsgType": "event", "Event": "SCAN"})
        response = self.url_open(self.oa_url(timestamp, nonce), data=body.encode())
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.events())
