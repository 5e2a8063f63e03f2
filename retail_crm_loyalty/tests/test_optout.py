# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import RetailMessagingCommon


@tagged("post_install", "-at_install")
class TestOptout(RetailMessagingCommon):
    def test_optout_link_withdraws_consent_at_once(self):
        member = self.member_a1
        touch = self._send(member, body_template="Hi {name}. Stop: {optout_url}")
        url = self.Partner._retail_optout_urls(member.ids)[member.id]
        self.assertIn(f"/retail/optout/{member.id}/", url)
        self.assertTrue(touch.body.endswith(url))
        mail = self.env["mail.mail"].search([("res_id", "=", member.id)])
        self.assertIn(url, mail.body_html)
        token = url.rsplit("/", 1)[1]
        # a forged or another member's token does nothing
        self.assertFalse(self.Partner._retail_optout(member.id, "x" + token[1:]))
        self.assertFalse(self.Partner._retail_optout(self.member_a1b.id, token))
        self.assertTrue(member.retail_marketing_consent)
        self.assertTrue(self.member_a1b.retail_marketing_consent)
        self.assertEqual(self.Partner._retail_optout(member.id, token), member)
        self.assertFalse(member.retail_marketing_consent)
        log = self.env["retail.consent.log"].search(
            [("partner_id", "=", member.id), ("consent", "=", False)]
        )
        self.assertEqual(log.note, "Opt-out link")
        # the next marketing message is not sent
        again = self._send(member, "birthday", period_key="2026")
        self.assertEqual(again.state, "skipped")

    def test_service_email_has_no_optout_footer(self):
        self._send(self.member_a1, "points_expiry", kind="service")
        mail = self.env["mail.mail"].search([("res_id", "=", self.member_a1.id)])
        self.assertNotIn("/retail/optout/", mail.body_html)


@tagged("post_install", "-at_install")
class TestOptoutPage(HttpCase):
    def test_get_asks_post_withdraws(self):
        store = self.env["retail.store"].create({"name": "Optout", "code": "OPT1"})
        member = self.env["res.partner"].create(
            {
                "name": "Optout Page Member",
                "retail_store_id": store.id,
                "is_retail_member": True,
                "retail_marketing_consent": True,
                "email": "optout@example.com",
            }
        )
        url = self.env["res.partner"]._retail_optout_urls(member.ids)[member.id]
        path = url[url.index("/retail/optout/") :]
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("<form", response.text)
        self.assertTrue(member.retail_marketing_consent)  # a GET changes nothing
        response = self.url_open(path, data={"confirm": "1"})
        self.assertEqual(response.status_code, 200)
        member.invalidate_recordset()
        self.assertFalse(member.retail_marketing_consent)
        self.assertEqual(self.url_open(path[:-3] + "abc").status_code, 404)
