# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.pos_query import classify_query, is_birthday_month


@tagged("post_install", "-at_install")
class TestPosQuery(BaseCase):
    def test_mobile_in_any_format(self):
        for raw in (
            "138 0013 8000",
            "+86 13800138000",
            "13800138000",
            "0086-138-0013-8000",
            "\uff11\uff13\uff18\uff10\uff10\uff11\uff13\uff18\uff10\uff10\uff10",
        ):
            self.assertEqual(classify_query(raw), ("mobile", "+8613800138000"), raw)

    def test_member_code_and_card_barcode(self):
        self.assertEqual(classify_query("m000000012"), ("code", "M000000012"))
        self.assertEqual(classify_query(" M000000012 "), ("code", "M000000012"))
        # an EAN printed on a card
        self.assertEqual(classify_query("0420000000017"), ("code", "0420000000017"))

    def test_name(self):
        self.assertEqual(classify_query("Wang"), ("name", "Wang"))
        self.assertEqual(classify_query("王小明"), ("name", "王小明"))

    def test_not_indexable(self):
        # too short, partial phone numbers: never a pattern scan of phones
        for raw in ("", " ", "a", "0013", "138 0013", "+86 138"):
            self.assertIsNone(classify_query(raw)[0], raw)

    def test_birthday_month(self):
        today = date(2026, 11, 23)
        self.assertTrue(is_birthday_month(date(1990, 11, 2), today))
        self.assertFalse(is_birthday_month(date(1990, 10, 23), today))
        self.assertFalse(is_birthday_month(False, today))
