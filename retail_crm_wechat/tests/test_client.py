# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools import wxclient
from .common import WechatCommon

GET = "/cgi-bin/externalcontact/get"
WELCOME = "/cgi-bin/externalcontact/send_welcome_msg"


@tagged("post_install", "-at_install")
class TestWechatClient(WechatCommon):
    """API client against the fake server: token cache, refresh, back-off."""

    def call(self, path="cgi-bin/externalcontact/get", idempotent=True, **kw):
        return self.env["retail.wechat.api"]._retail_call(
            self.company,
            "wecom_contact",
            "GET" if idempotent else "POST",
            path,
            params={"external_userid": "wmX"} if idempotent else None,
            payload=None if idempotent else {"welcome_code": "W"},
            idempotent=idempotent,
            **kw,
        )

    def setUp(self):
        super().setUp()
        self.add_contact("wmX")

    def test_token_cached_and_shared(self):
        Token = self.env["retail.wechat.token"]
        rows_before = Token.search([])
        before = self.server.token_count
        self.call()
        self.call()
        self.assertEqual(self.server.token_count, before + 1, "one token for both")
        row = Token.search([]) - rows_before
        self.assertEqual(len(row), 1)
        self.assertEqual(row.app, "wecom_contact")
        self.assertTrue(row.expires_at)
        # the secret is not stored in clear
        self.assertNotIn("contact-secret", row.key)
        # another application of the company has its own token
        self.env["retail.wechat.api"]._retail_call(
            self.company, "oa", "GET", "cgi-bin/user/info", params={"openid": "o1"}
        )
        self.assertEqual(self.server.token_count, before + 2)

    def test_token_expired_mid_call(self):
        """42001 -> one refresh, one retry."""
        self.call()
        before = self.server.token_count
        self.server.expire_tokens()
        self.server.reset()
        data = self.call()
        self.assertEqual(data["external_contact"]["external_userid"], "wmX")
        self.assertEqual(self.server.token_count, before + 1, "exactly one refresh")
        self.assertEqual(
            self.server.paths(), [GET, "/cgi-bin/gettoken", GET], "retried once"
        )

    def test_token_refreshed_by_another_worker(self):
        """A worker holding a refused token finds the one another worker
        already fetched under the lock: no second refresh."""
        Token = self.env["retail.wechat.token"]
        old = Token._retail_token(self.company, "wecom_contact")
        new = Token._retail_token(self.company, "wecom_contact", stale=old)
        self.assertNotEqual(new, old)
        count = self.server.token_count
        again = Token._retail_token(self.company, "wecom_contact", stale=old)
        self.assertEqual(again, new)
        self.assertEqual(self.server.token_count, count)

    def test_token_refused_twice(self):
        """A token refused again after the refresh is not refreshed again."""
        self.call()
        self.server.reset()
        self.server.fail_next(GET, 40014, 40014)
        with self.assertRaises(wxclient.WeChatApiError) as cm:
            self.call()
        self.assertEqual(cm.exception.errcode, 40014)
        self.assertEqual(self.server.paths(), [GET, "/cgi-bin/gettoken", GET])

    def test_rate_limit_backoff(self):
        """45009 / 45033 / -1 -> RetryableJobError (the job backs off)."""
        for code in (45009, 45033, -1):
            self.server.fail_next(GET, code)
            with self.assertRaises(RetryableJobError):
                self.call()
        self.assertEqual(len(self.server.calls_to(GET)), 3, "no immediate retry")

    def test_send_not_retried_when_busy(self):
        """-1 on a send: maybe delivered, so not retried (no RetryableJobError)."""
        self.call()
        self.server.fail_next(WELCOME, -1)
        with self.assertRaises(wxclient.WeChatApiError):
            self.call("cgi-bin/externalcontact/send_welcome_msg", idempotent=False)
        # a rate limit refused the send: it may be retried later
        self.server.fail_next(WELCOME, 45009)
        with self.assertRaises(RetryableJobError):
            self.call("cgi-bin/externalcontact/send_welcome_msg", idempotent=False)
        self.assertEqual(len(self.server.calls_to(WELCOME)), 2)

    def test_unreachable(self):
        """Network errors: idempotent calls back off; a send whose request may
        have left is not retried."""
        self.company.retail_wechat_base_url = "http://127.0.0.1:9"
        with self.assertRaises(RetryableJobError):
            self.call()

    def test_not_configured(self):
        self.company.retail_wecom_contact_secret = False
        with self.assertRaises(wxclient.WeChatApiError) as cm:
            self.call()
        self.assertEqual(cm.exception.errcode, 40001)
        self.assertFalse(self.server.calls)
