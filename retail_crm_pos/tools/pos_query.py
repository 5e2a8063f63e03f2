# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a cashier typed or scanned in the POS customer search.

Plain functions with no database access, unit tested on their own.
"""

import re
import unicodedata

from odoo.addons.retail_crm.tools.phone import try_normalize_mobile

# Member codes of the sequence retail.member.code: "M" and 9 digits.
MEMBER_CODE = re.compile(r"^[A-Za-z]{1,4}\d{4,}$")
_DIGITS = re.compile(r"\d")


def classify_query(raw, region="CN"):
    """Return ``(kind, value)`` for a search typed or scanned at the till.

    ``kind`` is ``mobile`` (value: E.164), ``code`` (value: the member code
    or card barcode, upper case), ``name`` (value: the text) or ``None``
    when the query cannot be looked up with an index: too short, or digits
    that are no complete mobile number (a partial phone would need a scan of
    every member).
    """
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if len(text) < 2:
        return None, text
    mobile = try_normalize_mobile(text, region)
    if mobile:
        return "mobile", mobile
    if text.isdigit():
        # a card barcode (EAN...) is scanned without separators
        return ("code", text) if len(text) >= 6 else (None, text)
    compact = re.sub(r"\s+", "", text)
    if MEMBER_CODE.match(compact):
        return "code", compact.upper()
    if _DIGITS.search(text) and not re.search(r"[^\W\d_]", text):
        # digits and separators only, not a mobile: a partial phone number
        return None, text
    return "name", text


def is_birthday_month(birthday, today):
    """Whether ``birthday`` (a date or False) falls in the month of ``today``."""
    return bool(birthday) and birthday.month == today.month
