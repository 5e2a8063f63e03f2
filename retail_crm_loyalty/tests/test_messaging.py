# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.messaging import is_holdout
from .common import EVENING_2200, NEXT_0930, RetailMessagingCommon


@tagged("post_install", "-at_install")
class TestMessaging(RetailMessagingCommon):
    def test_channel_fallback_and_no_address(self):
        """Email first, SMS as fallback; a member without any address is
        logged as skipped and the batch goes on."""
        members = self.member_a1 | self.member_silent | self.member_a1b
        touches = self._send(members)
        by_partner = {t.partner_id: t for t in touches}
        self.assertEqual(len(touches), 3)
        alice = by_partner[self.member_a1]
        self.assertEqual((alice.state, alice.channel), ("sent", "email"))
        self.assertEqual(alice.subject, "Hello Alice Member S1 A1")
        self.assertIn("Test Store 1", alice.body)
        mail = self.env["mail.mail"].search([("res_id", "=", self.member_a1.id)])
        self.assertEqual(mail.subject, "Hello Alice Member S1 A1")
        bob = by_partner[self.member_a1b]
        self.assertEqual((bob.state, bob.channel), ("sent", "sms"))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.member_a1b.id)])
        self.assertEqual(sms.number, "+8613812345678")
        self.assertEqual(sms.state, "outgoing")
        silent = by_partner[self.member_silent]
        self.assertEqual((silent.state, silent.reason), ("skipped", "no address"))
        self.assertFalse(silent.channel)
        self.assertEqual(alice.store_id, self.s1)
        self.assertEqual(alice.company_id, self.company)

    def test_consent_withdrawn_between_selection_and_send(self):
        selected = self.member_a1_2 | self.member_a1b  # the automation's selection
        self.member_a1b.retail_marketing_consent = False
        touches = self._send(selected)
        skipped = touches.filtered(lambda t: t.partner_id == self.member_a1b)
        self.assertEqual(
            (skipped.state, skipped.reason), ("skipped", "no marketing consent")
        )
        self.assertEqual(self._sms_count(self.member_a1b), 0)
        self.assertEqual(self._sms_count(self.member_a1_2), 1)
        # service messages do not need the marketing consent
        service = self._send(self.member_a1b, "points_expiry", kind="service")
        self.assertEqual(service.state, "sent")

    def test_consent_withdrawn_while_held(self):
        """Selected at 22:00 (held by quiet hours), opted out at 23:00: the
        09:30 delivery does not contact the member."""
        touch = self._send(self.member_a1b, now=EVENING_2200)
        self.assertEqual((touch.state, touch.reason), ("queued", "held: quiet hours"))
        self.assertEqual(str(touch.scheduled_date), NEXT_0930.replace("01:30", "01:00"))
        self.assertEqual(self._sms_count(self.member_a1b), 0)
        self.member_a1b.retail_marketing_consent = False
        self.Touch.with_context(retail_now=NEXT_0930)._retail_dispatch_due()
        self.assertEqual((touch.state, touch.reason), ("skipped", "consent withdrawn"))
        self.assertEqual(self._sms_count(self.member_a1b), 0)

    def test_cap_across_two_automations(self):
        """Cap 2 per 30 days across automations; service not counted."""
        member = self.member_a1_2
        first = self._send(member, "birthday", period_key="2026")
        second = self._send(member, "winback", period_key="w1")
        third = self._send(member, "repurchase", period_key="r1")
        self.assertEqual((first.state, second.state), ("sent", "sent"))
        self.assertEqual(
            (third.state, third.reason), ("skipped", "contact cap reached")
        )
        service = self._send(member, "points_expiry", kind="service")
        self.assertEqual(service.state, "sent")
        self.assertEqual(self._sms_count(member), 3)
        # 31 days later the window has rolled
        later = self._send(
            member, "repurchase", period_key="r2", now="2026-04-10 02:30:00"
        )
        self.assertEqual(later.state, "sent")

    def test_quiet_hours_across_two_automations(self):
        """Two automations due in quiet hours are both held; at the end of
        the quiet hours the cap (1 left) still holds across them."""
        member = self.member_a1_2
        self._send(member, "birthday", period_key="2026")  # 1 of 2 already sent
        held = self._send(member, "winback", period_key="w", now=EVENING_2200)
        held |= self._send(member, "repurchase", period_key="r", now=EVENING_2200)
        self.assertEqual(held.mapped("state"), ["queued", "queued"])
        self.assertEqual(self._sms_count(member), 1)
        # an early dispatch (still quiet hours) delivers nothing
        self.Touch.with_context(retail_now="2026-03-10 20:00:00")._retail_dispatch_due()
        self.assertEqual(held.mapped("state"), ["queued", "queued"])
        # by batches of one: both are delivered in the same run
        self.Touch.with_context(retail_now=NEXT_0930)._retail_dispatch_due(1)
        self.assertEqual(sorted(held.mapped("state")), ["sent", "skipped"])
        self.assertEqual(self._sms_count(member), 2)
        # service messages ignore quiet hours
        service = self._send(member, "points_expiry", kind="service", now=EVENING_2200)
        self.assertEqual(service.state, "sent")

    def test_holdout_never_contacted(self):
        members = self.Partner
        for index in range(30):
            members |= self._new_member(
                f"Holdout Test {index}",
                f"1370000{index:04d}",
                self.s2,
                self.a2,
                retail_marketing_consent=True,
            )
        touches = self._send(members, "birthday", period_key="2026", holdout_percent=40)
        holdout = touches.filtered(lambda t: t.state == "holdout")
        expected = members.filtered(lambda m: is_holdout(m.id, "birthday", "2026", 40))
        self.assertEqual(holdout.partner_id, expected)
        self.assertTrue(holdout and len(holdout) < 30)
        for member in holdout.partner_id:
            self.assertEqual(self._sms_count(member), 0)
        self.assertFalse(holdout.filtered("body"))
        self.assertEqual(set((touches - holdout).mapped("state")), {"sent"})
        # a rerun keeps them out (deterministic, and one touch per period)
        self.assertFalse(
            self._send(members, "birthday", period_key="2026", holdout_percent=40)
        )

    def test_idempotent_with_coupon(self):
        """Twice the same period: one message, one coupon."""
        members = self.member_a1 | self.member_a1b
        kw = {
            "period_key": "first",
            "coupon_program": self.coupon_program,
            "coupon_validity_days": 30,
            "body_template": "Thanks {name}, your coupon {coupon_code} "
            "is valid until {coupon_expiry}.",
        }
        touches = self._send(members, "first_purchase", **kw)
        self.assertEqual(len(touches.coupon_id), 2)
        coupon = touches.filtered(lambda t: t.partner_id == self.member_a1b).coupon_id
        self.assertEqual(coupon.partner_id, self.member_a1b)
        self.assertEqual(str(coupon.expiration_date), "2026-04-09")
        self.assertIn(
            coupon.code, touches.filtered(lambda t: t.coupon_id == coupon).body
        )
        again = self._send(members, "first_purchase", **kw)
        self.assertFalse(again)
        cards = self.env["loyalty.card"].search(
            [("program_id", "=", self.coupon_program.id)]
        )
        self.assertEqual(len(cards), 2)
        self.assertEqual(self._sms_count(self.member_a1b), 1)

    def test_values_and_bad_template(self):
        touch = self._send(
            self.member_a1b,
            body_template="{name}: {points} points",
            values_by_partner={self.member_a1b.id: {"points": 120}},
        )
        self.assertEqual(touch.body, "Bob Member S1 A1b: 120 points")
        count = self.Touch.search_count([])
        with self.assertRaises(UserError) as cm:
            self._send(self.member_a1b, body_template="Hi {nickname}")
        self.assertIn("{nickname}", str(cm.exception))
        with self.assertRaises(UserError) as cm:
            self._send(self.member_a1b, channels=["pigeon"])
        self.assertIn("pigeon", str(cm.exception))
        self.assertEqual(self.Touch.search_count([]), count)
        self.assertEqual(self._sms_count(self.member_a1b), 1)

    def test_associate_reads_own_store_touches(self):
        self._send(self.member_a1b | self.member_s2)
        visible = self.Touch.with_user(self.a1).search([])
        self.assertEqual(visible.partner_id, self.member_a1b)
        self.assertEqual(
            self.Touch.with_user(self.hq).search_count(
                [("partner_id", "in", (self.member_a1b | self.member_s2).ids)]
            ),
            2,
        )

    def test_conversion_recorded(self):
        # no quiet hours: the test runs at any time of the day
        self.company.write({"retail_quiet_start": 0.0, "retail_quiet_end": 0.0})
        now = fields.Datetime.to_string(fields.Datetime.now())
        touch = self._send(self.member_a1b, "winback", period_key="w", now=now)
        self.assertFalse(touch.converted_date)
        product = self.env["product.product"].create({"name": "Tea", "list_price": 50})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.member_a1b.id,
                "company_id": self.company.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        order.action_confirm()
        self.assertTrue(touch.converted_date)
