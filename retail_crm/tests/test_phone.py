# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mobile normalization and masking: plain functions, no database."""

import random

from odoo.tests import BaseCase, tagged

from ..tools import phone
from ..tools.phone import (
    PhoneError,
    mask_phone,
    normalize_mobile,
    try_normalize_mobile,
)
from .common import FULL_WIDTH

CN_MOBILE = "+8613800138000"

# (input, default region, expected E.164 or PhoneError code)
NORMALIZE_TABLE = [
    # Chinese mobile in every format seen at a till or in a spreadsheet
    ("13800138000", "CN", CN_MOBILE),
    ("138 0013 8000", "CN", CN_MOBILE),
    ("+86 13800138000", "CN", CN_MOBILE),
    ("+8613800138000", "CN", CN_MOBILE),
    ("8613800138000", "CN", CN_MOBILE),
    ("86 138 0013 8000", "CN", CN_MOBILE),
    ("86-13800138000", "CN", CN_MOBILE),
    ("0086-138-0013-8000", "CN", CN_MOBILE),
    ("0086 13800138000", "CN", CN_MOBILE),
    (
        "13800138000".translate(FULL_WIDTH),
        "CN",
        CN_MOBILE,
    ),
    (
        "+86 138 0013 8000".translate(FULL_WIDTH),
        "CN",
        CN_MOBILE,
    ),
    ("13800138000.0", "CN", CN_MOBILE),
    ("13800138000.00", "CN", CN_MOBILE),
    ("(+86) 138-0013-8000", "CN", CN_MOBILE),
    ("+86 (138) 0013-8000", "CN", CN_MOBILE),
    ("138.0013.8000", "CN", CN_MOBILE),
    ("138/0013/8000", "CN", CN_MOBILE),
    ("138\t0013\t8000", "CN", CN_MOBILE),
    ("138\u30000013\u30008000", "CN", CN_MOBILE),
    ("138\u20140013\u20148000", "CN", CN_MOBILE),
    ("  13800138000  ", "CN", CN_MOBILE),
    ("17012345678", "CN", "+8617012345678"),
    ("19912345678", "CN", "+8619912345678"),
    # other countries: mobiles (or numbers not told apart from mobiles)
    ("+1 650 253 0000", "CN", "+16502530000"),
    ("+44 7911 123456", "CN", "+447911123456"),
    ("+852 9123 4567", "CN", "+85291234567"),
    ("0085291234567", "CN", "+85291234567"),
    ("+65 8123 4567", "CN", "+6581234567"),
    ("91234567", "HK", "+85291234567"),
    ("13800138000", "hk", "invalid"),
    # landlines and service numbers
    ("010-12345678", "CN", "not_mobile"),
    ("+86 10 1234 5678", "CN", "not_mobile"),
    ("400-810-8888", "CN", "not_mobile"),
    ("+44 20 7946 0000", "CN", "not_mobile"),
    # garbage
    ("abc", "CN", "invalid"),
    ("138-abc-8000", "CN", "invalid"),
    ("12345", "CN", "invalid"),
    ("95588", "CN", "invalid"),
    ("1.38001E+10", "CN", "invalid"),
    ("138001380001", "CN", "invalid"),
    ("1380013800", "CN", "invalid"),
    ("+86 138 0013 800", "CN", "invalid"),
    ("+", "CN", "invalid"),
    ("+86", "CN", "invalid"),
    # empty
    ("", "CN", "empty"),
    ("   ", "CN", "empty"),
    ("\t\u3000", "CN", "empty"),
    (None, "CN", "empty"),
    (False, "CN", "empty"),
]

ERROR_CODES = ("empty", "invalid", "not_mobile")


@tagged("post_install", "-at_install")
class TestPhone(BaseCase):
    def test_normalize_mobile_table(self):
        self.assertGreaterEqual(len(NORMALIZE_TABLE), 25)
        for raw, region, expected in NORMALIZE_TABLE:
            with self.subTest(raw=raw, region=region):
                if expected in ERROR_CODES:
                    with self.assertRaises(PhoneError) as catcher:
                        normalize_mobile(raw, region)
                    self.assertEqual(catcher.exception.code, expected)
                    self.assertEqual(catcher.exception.value, raw)
                    self.assertIs(try_normalize_mobile(raw, region), False)
                else:
                    self.assertEqual(normalize_mobile(raw, region), expected)
                    self.assertEqual(try_normalize_mobile(raw, region), expected)

    def test_default_region(self):
        """Without a region, numbers are read as Chinese ones."""
        self.assertEqual(normalize_mobile("138 0013 8000"), CN_MOBILE)
        self.assertEqual(normalize_mobile("138 0013 8000", None), CN_MOBILE)
        self.assertEqual(normalize_mobile("9123 4567", "HK"), "+85291234567")
        with self.assertRaises(PhoneError) as catcher:
            normalize_mobile("9123 4567")
        self.assertEqual(catcher.exception.code, "invalid")

    def test_chinese_mobile_fast_path(self):
        """Eleven digits from 1 (with or without +86) skip phonenumbers'
        parse(): the result is the one of the full path for every prefix."""
        rnd = random.Random(7)
        fast = 0
        for prefix in range(1000, 2000):
            for __ in range(3):
                national = f"{prefix}{rnd.randrange(10**7):07d}"
                for text, region in (
                    (national, "CN"),
                    ("+86" + national, "CN"),
                    ("+86" + national, "HK"),
                ):
                    with self.subTest(text=text, region=region):
                        try:
                            kind, result = phone._parse(text, region, text)
                        except PhoneError:  # e.g. 114... read as 114 + a short number
                            kind, result = phone.PhoneNumberType.UNKNOWN, None
                        if phone._cn_mobile_candidate(text, region) is not None:
                            fast += 1
                            self.assertEqual(
                                phone._CN_TYPE(national, phone._CN_METADATA), kind
                            )
                            self.assertEqual("+86" + national, result)
                        phone._NORMALIZED.clear()
                        try:
                            got = normalize_mobile(text, region)
                        except PhoneError as err:
                            got = err.code
                        if kind == phone.PhoneNumberType.UNKNOWN:
                            self.assertEqual(got, "invalid")
                        elif kind in phone._MOBILE_TYPES:
                            self.assertEqual(got, result)
                        else:
                            self.assertEqual(got, "not_mobile")
        # the 11x, 12x and 179x numbers (dialling prefixes) take the full path
        self.assertGreater(fast, 7000)
        self.assertIsNone(phone._cn_mobile_candidate("11800138000", "CN"))
        self.assertIsNone(phone._cn_mobile_candidate("17951138000", "CN"))
        self.assertIsNone(phone._cn_mobile_candidate("13800138000", "HK"))

    def test_phone_error(self):
        err = PhoneError("not_mobile", "010-12345678")
        self.assertIsInstance(err, ValueError)
        self.assertEqual(err.code, "not_mobile")
        self.assertEqual(err.value, "010-12345678")
        self.assertIn("not_mobile", str(err))

    def test_normalize_is_idempotent(self):
        for raw, region, expected in NORMALIZE_TABLE:
            if expected in ERROR_CODES:
                continue
            with self.subTest(raw=raw):
                self.assertEqual(normalize_mobile(expected, region), expected)

    def test_mask_phone(self):
        table = [
            ("+8613800138000", "138****8000"),
            ("13800138000", "138****8000"),
            ("+86 138 1234 5678", "138****5678"),
            (
                "13800138000".translate(FULL_WIDTH),
                "138****8000",
            ),
            ("+85291234567", "852****4567"),
            ("+447911123456", "447****3456"),
            ("12345", "*****"),
            ("", ""),
            (False, False),
            (None, None),
        ]
        for value, expected in table:
            with self.subTest(value=value):
                self.assertEqual(mask_phone(value), expected)
