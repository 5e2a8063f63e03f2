# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from ..tools.messaging import (
    TemplateError,
    birthday_on,
    holdout_bucket,
    in_quiet_hours,
    is_holdout,
    quiet_hours_end,
    render,
    unknown_placeholders,
)


@tagged("post_install", "-at_install")
class TestMessagingTools(BaseCase):
    def test_placeholders(self):
        self.assertEqual(unknown_placeholders("Hi {name}, {x}", {"name"}), ["x"])
        self.assertEqual(unknown_placeholders("{{literal}} {name}", {"name"}), [])
        with self.assertRaises(TemplateError):
            unknown_placeholders("Hi {name", {"name"})
        with self.assertRaises(TemplateError):
            unknown_placeholders("Hi {0}", {"name"})
        with self.assertRaises(TemplateError):
            unknown_placeholders("Hi {name.__class__}", {"name"})

    def test_render(self):
        self.assertEqual(
            render(
                "亲爱的{name}，券码{coupon_code}{{}}",
                {"name": "王芳", "coupon_code": None},
            ),
            "亲爱的王芳，券码{}",
        )
        self.assertEqual(render("{name}{other}", {"name": "A"}), "A")

    def test_quiet_hours_over_midnight(self):
        self.assertTrue(in_quiet_hours(datetime(2026, 1, 1, 21, 0), 21.0, 9.0))
        self.assertTrue(in_quiet_hours(datetime(2026, 1, 1, 3, 0), 21.0, 9.0))
        self.assertFalse(in_quiet_hours(datetime(2026, 1, 1, 9, 0), 21.0, 9.0))
        self.assertFalse(in_quiet_hours(datetime(2026, 1, 1, 20, 59), 21.0, 9.0))
        self.assertTrue(in_quiet_hours(datetime(2026, 1, 1, 13, 0), 12.5, 14.0))
        self.assertFalse(in_quiet_hours(datetime(2026, 1, 1, 13, 0), 0.0, 0.0))
        self.assertEqual(
            quiet_hours_end(datetime(2026, 1, 1, 22, 0), 21.0, 9.0),
            datetime(2026, 1, 2, 9, 0),
        )
        self.assertEqual(
            quiet_hours_end(datetime(2026, 1, 2, 3, 0), 21.0, 9.0),
            datetime(2026, 1, 2, 9, 0),
        )

    def test_holdout_deterministic(self):
        self.assertEqual(
            holdout_bucket(42, "birthday", "2026"),
            holdout_bucket(42, "birthday", "2026"),
        )
        share = sum(is_holdout(pid, "birthday", "2026", 10.0) for pid in range(5000))
        self.assertTrue(400 < share < 600, share)
        self.assertFalse(
            any(is_holdout(pid, "birthday", "2026", 0) for pid in range(500))
        )

    def test_birthday_29_february(self):
        leapling = date(2000, 2, 29)
        self.assertTrue(birthday_on(leapling, date(2027, 2, 28)))
        self.assertFalse(birthday_on(leapling, date(2028, 2, 28)))
        self.assertTrue(birthday_on(leapling, date(2028, 2, 29)))
        self.assertFalse(birthday_on(date(2000, 2, 28), date(2028, 2, 29)))
        self.assertTrue(birthday_on(date(1990, 5, 1), date(2026, 5, 1)))
        self.assertFalse(birthday_on(False, date(2026, 5, 1)))
