# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DAY_1030, RetailMessagingCommon


@tagged("post_install", "-at_install")
class TestAutomation(RetailMessagingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Automation = cls.env["retail.automation"]
        cls.birthday = cls.env.ref("retail_crm_loyalty.retail_automation_birthday")
        cls.first = cls.env.ref("retail_crm_loyalty.retail_automation_first_purchase")
        cls.winback = cls.env.ref("retail_crm_loyalty.retail_automation_winback")
        cls.repurchase = cls.env.ref("retail_crm_loyalty.retail_automation_repurchase")
        cls.tier_upgrade = cls.env.ref(
            "retail_crm_loyalty.retail_automation_tier_upgrade"
        )
        (
            cls.birthday | cls.first | cls.winback | cls.repurchase | cls.tier_upgrade
        ).write(
            {
                "enabled": True,
                "holdout_percent": 0,
                "channel_sequence": "sms,email",
                "coupon_program_id": False,
            }
        )
        # the demo data has members too: keep them out of the automations
        cls.env["retail.automation"].search([]).flush_recordset()
        cls.product = cls.env["product.product"].create(
            {"name": "Milk Powder", "list_price": 200}
        )

    def _run(self, automation, today, now=None):
        env_ctx = {"retail_today": today, "retail_now": now or f"{today} 02:30:00"}
        return automation.with_context(**env_ctx)._retail_run(self.company)

    def _touches(self, automation, partner):
        return self.Touch.search(
            [("automation", "=", automation), ("partner_id", "=", partner.id)]
        )

    def _order(self, partner, when, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "date_order": when,
                "order_line": [(0, 0, {"product_id": (product or self.product).id})],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    # ------------------------------------------------------------------
    def test_birthday_once_a_year_with_coupon(self):
        self.birthday.write(
            {"coupon_program_id": self.coupon_program.id, "coupon_validity_days": 15}
        )
        self.member_a1b.retail_birthday = date(1990, 3, 10)
        self.member_a1_2.retail_birthday = date(1990, 3, 11)
        self._run(self.birthday, "2026-03-10")
        touch = self._touches("birthday", self.member_a1b)
        self.assertEqual((touch.state, touch.period_key), ("sent", "2026"))
        self.assertIn(touch.coupon_id.code, touch.body)
        self.assertFalse(self._touches("birthday", self.member_a1_2))
        # the cron runs again (same day, or a restarted run): nothing more
        self._run(self.birthday, "2026-03-10")
        self.assertEqual(len(self._touches("birthday", self.member_a1b)), 1)
        # one coupon (the member's chain points card is another program)
        cards = self.env["loyalty.card"].search(
            [
                ("partner_id", "=", self.member_a1b.id),
                ("program_id", "=", self.coupon_program.id),
            ]
        )
        self.assertEqual(len(cards), 1)
        self.assertEqual(self._sms_count(self.member_a1b), 1)
        # next year again
        self._run(self.birthday, "2027-03-10")
        self.assertEqual(len(self._touches("birthday", self.member_a1b)), 2)

    def test_birthday_29_february_and_days_before(self):
        self.member_a1b.retail_birthday = date(2000, 2, 29)
        self._run(self.birthday, "2027-02-28")
        self.assertEqual(self._touches("birthday", self.member_a1b).period_key, "2027")
        self._run(self.birthday, "2028-02-28")  # leap year: on the 29th
        self.assertEqual(len(self._touches("birthday", self.member_a1b)), 1)
        self._run(self.birthday, "2028-02-29")
        self.assertEqual(len(self._touches("birthday", self.member_a1b)), 2)
        # 3 days before, over the new year
        self.birthday.days = 3
        self.member_a1_2.retail_birthday = date(1985, 1, 1)
        self._run(self.birthday, "2026-12-29")
        touch = self._touches("birthday", self.member_a1_2)
        self.assertEqual(touch.period_key, "2027")

    def test_cron_local_time_and_restart(self):
        """The cron sends from 09:00 local (01:00 UTC), once per day; an
        interrupted run (first batch committed) resumes without duplicates."""
        members = self.member_a1 | self.member_a1_2 | self.member_a1b
        members.write({"retail_birthday": date(1990, 3, 10)})
        cron = self.Automation.with_context(retail_today="2026-03-10")
        cron.with_context(retail_now="2026-03-10 00:30:00")._cron_retail_automations()
        self.assertFalse(self.Touch.search([("partner_id", "in", members.ids)]))
        # interrupted: only the first member's batch went through
        rows = self.birthday._retail_select(self.company, date(2026, 3, 10))
        self.assertEqual([r[0] for r in rows], sorted(members.ids))
        self.birthday.with_context(retail_now=DAY_1030)._retail_send_rows(rows[:1])
        cron.with_context(retail_now=DAY_1030)._cron_retail_automations(batch_size=1)
        touches = self.Touch.search([("partner_id", "in", members.ids)])
        self.assertEqual(touches.partner_id, members)
        self.assertEqual(len(touches), 3)
        # later the same day: done already
        self.assertFalse(
            self.birthday._retail_due(self.company, datetime(2026, 3, 10, 5, 0))
        )
        self.assertTrue(
            self.birthday._retail_due(self.company, datetime(2026, 3, 11, 5, 0))
        )

    def test_first_purchase_thanks_with_next_order_coupon(self):
        self.first.write({"coupon_program_id": self.coupon_program.id, "days": 7})
        now = fields.Datetime.now()
        self._order(self.member_a1b, now - timedelta(days=2))
        today = self.env["res.partner"]._retail_today(self.company)
        self._run(self.first, today.isoformat(), fields.Datetime.to_string(now))
        touch = self._touches("first_purchase", self.member_a1b)
        self.assertEqual(touch.period_key, "first")
        self.assertEqual(touch.coupon_id.program_id, self.coupon_program)
        self.assertFalse(self._touches("first_purchase", self.member_a1_2))
        self._run(self.first, today.isoformat(), fields.Datetime.to_string(now))
        self.assertEqual(len(self._touches("first_purchase", self.member_a1b)), 1)

    def test_winback_tag_activity_and_recovery(self):
        # retail_crm launches its 'at risk' plan on the stage change itself;
        # without such a plan the automation schedules the win-back call
        self.env.ref("retail_crm.stage_plan_at_risk").active = False
        self.member_a1b.sudo().write(
            {"retail_stage": "at_risk", "retail_stage_date": "2026-03-08"}
        )
        self._run(self.winback, "2026-03-10")
        touch = self._touches("winback", self.member_a1b)
        self.assertEqual(
            (touch.state, touch.period_key), ("sent", "at_risk:2026-03-08")
        )
        self.assertIn(self.winback.tag_id, self.member_a1b.category_id)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.member_a1b.id),
                (
                    "activity_type_id",
                    "=",
                    self.ref("retail_crm.mail_activity_type_winback"),
                ),
            ]
        )
        self.assertEqual(activity.user_id, self.a1b)
        self._run(self.winback, "2026-03-11")
        self.assertEqual(len(self._touches("winback", self.member_a1b)), 1)
        self.assertEqual(len(activity.search([("id", "in", activity.ids)])), 1)
        # recovery: a later purchase converts the win-back touch
        self.company.write({"retail_quiet_start": 0.0, "retail_quiet_end": 0.0})
        self.member_a1_2.sudo().write(
            {"retail_stage": "at_risk", "retail_stage_date": fields.Date.today()}
        )
        today = self.env["res.partner"]._retail_today(self.company).isoformat()
        now = fields.Datetime.to_string(fields.Datetime.now())
        self._run(self.winback, today, now)
        recent = self._touches("winback", self.member_a1_2)
        self.assertEqual(recent.state, "sent")
        self._order(self.member_a1_2, fields.Datetime.now())
        self.assertTrue(recent.converted_date)
        self.assertFalse(touch.converted_date)  # older than 30 days

    def test_repurchase_reminder_when_due(self):
        categ = self.env["product.category"].create(
            {"name": "Baby Formula", "retail_consumption_days": 30}
        )
        product = self.env["product.product"].create(
            {"name": "Formula 900g", "categ_id": categ.id, "list_price": 300}
        )
        self.repurchase.days = 3
        self._order(self.member_a1b, datetime(2026, 2, 1, 4, 0), product)
        self._order(self.member_a1_2, datetime(2026, 2, 1, 4, 0), product)
        self._order(self.member_a1_2, datetime(2026, 2, 20, 4, 0), product)
        self._run(self.repurchase, "2026-03-02")  # 29 days: not yet
        self.assertFalse(self._touches("repurchase", self.member_a1b))
        self._run(self.repurchase, "2026-03-04")  # due on 03-03, in grace
        touch = self._touches("repurchase", self.member_a1b)
        self.assertEqual(touch.period_key, f"c{categ.id}:2026-02-01")
        self.assertIn("Baby Formula", touch.subject)
        # bought again on 02-20: not due yet
        self.assertFalse(self._touches("repurchase", self.member_a1_2))
        self._run(self.repurchase, "2026-03-05")
        self.assertEqual(len(self._touches("repurchase", self.member_a1b)), 1)

    def test_tier_upgrade_congratulation(self):
        program = self.env["retail.tier.program"].create(
            {"name": "Test Tiers", "company_id": self.company.id}
        )
        basic, silver = self.env["retail.member.tier"].create(
            [
                {"name": "Basic", "sequence": 1, "program_id": program.id},
                {
                    "name": "Silver",
                    "sequence": 2,
                    "program_id": program.id,
                    "min_spent": 100,
                },
            ]
        )
        # the template of the data (the demo data writes a Chinese one)
        self.tier_upgrade.body = (
            "Congratulations {name}, you are now a {tier} member of {company}."
        )
        member = self.member_a1b.sudo()
        member.write({"retail_tier_id": silver.id})
        member.with_context(retail_now=DAY_1030)._retail_on_tier_changed(
            {member.id: basic.id}
        )
        touch = self._touches("tier_upgrade", member)
        self.assertEqual(
            touch.body,
            f"Congratulations {member.name}, you are now a "
            f"Silver member of {self.company.name}.",
        )
        # a downgrade is not congratulated
        member.write({"retail_tier_id": basic.id})
        member._retail_on_tier_changed({member.id: silver.id})
        self.assertEqual(len(self._touches("tier_upgrade", member)), 1)

    def test_holdout_share_of_an_automation(self):
        self.birthday.holdout_percent = 50
        members = self.Partner
        for index in range(20):
            members |= self._new_member(
                f"Birthday {index}",
                f"1360000{index:04d}",
                self.s1,
                self.a1,
                retail_marketing_consent=True,
                retail_birthday=date(1990, 3, 10),
            )
        self._run(self.birthday, "2026-03-10")
        touches = self.Touch.search([("partner_id", "in", members.ids)])
        holdout = touches.filtered(lambda t: t.state == "holdout")
        self.assertTrue(0 < len(holdout) < 20)
        self.assertFalse(
            self.env["sms.sms"].search([("partner_id", "in", holdout.partner_id.ids)])
        )

    def test_bad_settings_refused(self):
        before = (self.birthday.days, self.birthday.body, self.birthday.send_hour)
        for vals, message in (
            ({"days": -1}, "cannot be negative"),
            ({"body": "Hi {nickname}"}, "{nickname}"),
            ({"body": "Hi {name"}, "cannot be read"),
            ({"send_hour": 24.5}, "between 00:00 and 23:59"),
            ({"holdout_percent": 80}, "between 0 and 50"),
            ({"channel_sequence": "sms,fax"}, "fax"),
        ):
            with self.assertRaises(ValidationError) as cm:
                self.birthday.write(vals)
                self.birthday.flush_recordset()
            self.assertIn(message, str(cm.exception))
        self.birthday.invalidate_recordset()
        self.assertEqual(
            (self.birthday.days, self.birthday.body, self.birthday.send_hour), before
        )
        # placeholders of another kind are refused too
        with self.assertRaises(ValidationError):
            self.birthday.write({"body": "Now a {tier} member"})
        with self.assertRaises(ValidationError) as cm:
            self.env["product.category"].create(
                {"name": "Bad", "retail_consumption_days": -5}
            )
        self.assertIn("cannot be negative", str(cm.exception))
        with self.assertRaises(ValidationError):
            self.company.retail_marketing_cap = 0
