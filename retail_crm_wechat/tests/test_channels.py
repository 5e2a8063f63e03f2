# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.retail_crm_loyalty.tests.common import (
    EVENING_2200,
    NEXT_0930,
    RetailMessagingCommon,
)

from .common import WechatCommon

TEMPLATE_SEND = "/cgi-bin/message/template/send"
ADD_MSG = "/cgi-bin/externalcontact/add_msg_template"


@tagged("post_install", "-at_install")
class TestWechatChannels(WechatCommon, RetailMessagingCommon):
    """The wechat_oa and wecom channels of retail.touch against the fake
    WeChat server: consent, cap, quiet hours, holdout and fallback come from
    retail_crm_loyalty's interface; delivery is a queued job, never re-sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["retail.wechat.template"].create(
            {
                "name": "Campaign notice",
                "company_id": cls.company.id,
                "automation": "campaign",
                "template_id": "TPL-CAMPAIGN",
                "data_mapping": json.dumps(
                    {"thing1": "{name}", "thing2": "{subject}", "remark": "{body}"}
                ),
                "url": "https://example.com/member",
            }
        )
        # Amy follows the Official Account; Bob (a1b) has only a mobile
        cls.member_a1_2.write(
            {"retail_oa_openid": "oAMY", "retail_oa_status": "subscribed"}
        )

    def oa_send(self, partners, **kw):
        kw.setdefault("channels", ["wechat_oa", "sms"])
        return self._send(partners, **kw)

    def test_fallback_to_sms_without_openid(self):
        touches = self.oa_send(self.member_a1_2 | self.member_a1b)
        amy = touches.filtered(lambda t: t.partner_id == self.member_a1_2)
        bob = touches.filtered(lambda t: t.partner_id == self.member_a1b)
        self.assertEqual((bob.channel, bob.state), ("sms", "sent"))
        self.assertEqual(self._sms_count(self.member_a1b), 1)
        self.assertEqual(
            (amy.channel, amy.state, amy.retail_wechat_state),
            ("wechat_oa", "sent", "pending"),
        )
        self.assertEqual(self._sms_count(self.member_a1_2), 0)
        self.assertFalse(self.server.calls_to(TEMPLATE_SEND), "sent by the job")
        self.assertFalse(self.run_jobs())
        calls = self.server.calls_to(TEMPLATE_SEND)
        self.assertEqual(len(calls), 1)
        payload = calls[0]["payload"]
        self.assertEqual(payload["touser"], "oAMY")
        self.assertEqual(payload["template_id"], "TPL-CAMPAIGN")
        self.assertEqual(payload["url"], "https://example.com/member")
        self.assertEqual(payload["data"]["thing1"]["value"], "Amy Member S1 A1")
        self.assertEqual(payload["data"]["thing2"]["value"], "Hello Amy Member S1 A1")
        self.assertEqual(amy.retail_wechat_state, "sent")
        self.assertTrue(amy.retail_wechat_msgid)
        # the job run again (e.g. after a crash) sends nothing
        amy._retail_wechat_deliver()
        self.assertEqual(len(self.server.calls_to(TEMPLATE_SEND)), 1)

    def test_unfollowed_or_deleted_is_not_reachable(self):
        self.member_a1_2.retail_oa_status = "unsubscribed"
        touch = self.oa_send(self.member_a1_2)
        self.assertEqual(touch.channel, "sms")
        self.member_a1_2.write(
            {
                "retail_wecom_external_userid": "wmAMY",
                "retail_wecom_follow_userid": "wx_a1",
                "retail_wecom_status": "deleted_by_customer",
            }
        )
        touch = self.oa_send(
            self.member_a1_2, channels=["wecom", "email"], automation="winback"
        )
        self.assertEqual((touch.state, touch.reason), ("skipped", "no address"))
        self.assertFalse(self._jobs())

    def test_consent_cap_quiet_hours_holdout(self):
        """The interface's rules hold for WeChat channels: no call to Tencent
        without consent, over the cap, during quiet hours, in the holdout."""
        self.member_a1_2.retail_marketing_consent = False
        touch = self.oa_send(self.member_a1_2)
        self.assertEqual(touch.state, "skipped")
        service = self.oa_send(
            self.member_a1_2, automation="points_expiry", kind="service"
        )
        self.assertEqual((service.channel, service.state), ("wechat_oa", "failed"))
        self.assertIn("No Official Account template", service.reason)
        self.member_a1_2.retail_marketing_consent = True
        held = self.oa_send(self.member_a1_2, automation="winback", now=EVENING_2200)
        self.assertEqual((held.state, held.channel), ("queued", "wechat_oa"))
        self.assertFalse(self._jobs(), "nothing sent in quiet hours")
        self.env["retail.wechat.template"].create(
            {
                "name": "Win-back",
                "company_id": self.company.id,
                "automation": "winback",
                "template_id": "TPL-WINBACK",
            }
        )
        self.Touch.with_context(retail_now=NEXT_0930)._retail_dispatch_due()
        self.assertEqual(held.retail_wechat_state, "pending")
        self.run_jobs()
        self.assertEqual(held.retail_wechat_state, "sent")
        # cap (2 per 30 days) reached with this second marketing message
        self.oa_send(self.member_a1_2, now=NEXT_0930)
        capped = self.oa_send(self.member_a1_2, automation="repurchase", now=NEXT_0930)
        self.assertEqual(
            (capped.state, capped.reason), ("skipped", "contact cap reached")
        )
        self.run_jobs()
        self.assertEqual(len(self.server.calls_to(TEMPLATE_SEND)), 2)
        # holdout: a 50 % control group is never contacted
        followers = self.member_a1 | self.member_a1b | self.member_s2
        for member in followers:
            member.write(
                {"retail_oa_openid": f"o{member.id}", "retail_oa_status": "subscribed"}
            )
        self.template.copy({"automation": "birthday"})
        touches = self.oa_send(
            followers, automation="birthday", holdout_percent=50.0, period_key="2026"
        )
        holdout = touches.filtered(lambda t: t.state == "holdout")
        self.server.reset()
        self.run_jobs()
        sent_to = {c["payload"]["touser"] for c in self.server.calls_to(TEMPLATE_SEND)}
        self.assertFalse(sent_to & set(holdout.partner_id.mapped("retail_oa_openid")))

    def test_never_resent_blindly(self):
        """Busy (-1) after the request: unknown, not retried; a rate limit
        (refused): the job backs off and sends once later; 43004: the
        follower left, failed and no longer reachable."""
        self.server.fail_next(TEMPLATE_SEND, -1)
        touch = self.oa_send(self.member_a1_2)
        self.assertFalse(self.run_jobs())
        self.assertEqual(touch.retail_wechat_state, "unknown")
        self.assertEqual(touch.state, "sent", "it may have been delivered")
        touch._retail_wechat_deliver()
        self.assertEqual(len(self.server.calls_to(TEMPLATE_SEND)), 1)

        self.server.reset()
        self.env["retail.wechat.template"].create(
            {
                "name": "Win-back",
                "company_id": self.company.id,
                "automation": "winback",
                "template_id": "TPL-WINBACK",
            }
        )
        self.server.fail_next(TEMPLATE_SEND, 45009)
        touch = self.oa_send(self.member_a1_2, automation="winback", kind="service")
        postponed = self.run_jobs()
        self.assertEqual(len(postponed), 1)
        self.assertEqual(touch.retail_wechat_state, "pending", "claim given back")
        self.assertFalse(self.run_jobs(), "the job retried later")
        self.assertEqual(touch.retail_wechat_state, "sent")
        self.assertEqual(len(self.server.calls_to(TEMPLATE_SEND)), 2)

        self.server.unsubscribed.add("oAMY")
        touch = self.oa_send(
            self.member_a1_2, automation="winback", kind="service", period_key="w3"
        )
        self.run_jobs()
        self.assertEqual((touch.state, touch.retail_wechat_state), ("failed", "failed"))
        self.assertEqual(self.member_a1_2.retail_oa_status, "unsubscribed")

    def test_wecom_channel(self):
        """add_msg_template to the member's external userid, by their associate."""
        self.add_contact("wmBOB")
        self.member_a1b.write(
            {
                "retail_wecom_external_userid": "wmBOB",
                "retail_wecom_follow_userid": "wx_a1b",
                "retail_wecom_status": "active",
            }
        )
        touch = self._send(self.member_a1b, channels=["wecom", "sms"])
        self.assertEqual((touch.channel, touch.state), ("wecom", "sent"))
        self.assertEqual(self._sms_count(self.member_a1b), 0)
        self.run_jobs()
        payload = self.server.calls_to(ADD_MSG)[0]["payload"]
        self.assertEqual(payload["external_userid"], ["wmBOB"])
        self.assertEqual(payload["sender"], "wx_a1b")
        self.assertEqual(payload["chat_type"], "single")
        self.assertIn("Hello Bob", payload["text"]["content"])
        self.assertEqual(touch.retail_wechat_state, "sent")
        self.assertTrue(touch.retail_wechat_msgid.startswith("msg"))
        # a customer WeCom does not know comes back in fail_list: failed
        self.server.contacts.pop("wmBOB")
        touch = self._send(
            self.member_a1b, automation="winback", channels=["wecom", "sms"]
        )
        self.run_jobs()
        self.assertEqual((touch.state, touch.retail_wechat_state), ("failed", "failed"))

    def test_channels_in_automation_and_mapping_check(self):
        birthday = self.env["retail.automation"].search(
            [("automation", "=", "birthday")]
        )
        birthday.channel_sequence = "wechat_oa,wecom,sms"
        self.assertEqual(birthday._retail_channels(), ["wechat_oa", "wecom", "sms"])
        Template = self.env["retail.wechat.template"]
        for mapping in ("not json", "[]", '{"thing1": "{unknown}"}'):
            with self.assertRaises(ValidationError) as cm:
                Template.create(
                    {
                        "name": "Bad",
                        "company_id": self.company.id,
                        "automation": "birthday",
                        "template_id": "TPL",
                        "data_mapping": mapping,
                    }
                )
            self.assertTrue(str(cm.exception))
        self.assertFalse(Template.search([("name", "=", "Bad")]))
