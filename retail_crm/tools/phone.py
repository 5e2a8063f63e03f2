# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mobile number normalization for members.

Plain functions with no database access, so they are unit tested on their
own. Any input format seen at a Chinese till or in a store spreadsheet is
accepted: full-width digits, spaces, dashes, dots, parentheses, and the
``+86`` / ``86`` / ``0086`` prefixes. The result is E.164 (``+8613800138000``).
"""

import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberType, phonenumberutil

# Separators people type between digit groups.
_SEPARATORS = re.compile(r"[\s\-./()\u3000\u2010-\u2015\u00b7_]+")
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
# Results of normalize_mobile: an E.164 mobile normalizes to itself whatever
# the region, so a number seen again (an import cleans it, then the member's
# computed field and constraint normalize it again) is not parsed again.
_NORMALIZED = set()
_NORMALIZED_MAX = 200_000
# Chinese mobiles (eleven digits from 1, with or without +86) are most of
# what members type: their type is read from the CN metadata directly, with
# the helper phonenumbers.number_type() itself uses, skipping parse() (two
# thirds of the cost of a number). Numbers that parse() would treat
# differently (a national prefix for parsing: 11x, 12x, 179x dialling
# prefixes) take the full path. tests/test_phone.py checks both paths agree.
_CN_METADATA = phonenumbers.PhoneMetadata.metadata_for_region("CN")
_CN_TYPE = getattr(phonenumberutil, "_number_type_helper", None)
_CN_PREFIX_FOR_PARSING = re.compile(
    (_CN_METADATA and _CN_METADATA.national_prefix_for_parsing) or "$^"
)


class PhoneError(ValueError):
    """Raised when a value cannot be a member's mobile number.

    ``code`` is one of ``empty``, ``invalid``, ``not_mobile`` so callers can
    translate the reason; ``value`` is the input as given.
    """

    def __init__(self, code, value):
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


def _clean(raw):
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    # Excel stores phones as numbers: "13800138000.0".
    if re.fullmatch(r"\+?\d+\.0+", text):
        text = text.split(".", 1)[0]
    return _SEPARATORS.sub("", text)


def normalize_mobile(raw, default_region="CN"):
    """Return the E.164 form of a mobile number, or raise :class:`PhoneError`.

    Numbers of other countries are accepted when they are mobile numbers
    (or numbers the country does not tell apart from mobiles, as in the US).
    Landlines, service numbers and garbage are refused.
    """
    if raw is None or raw is False:
        raise PhoneError("empty", raw)
    if raw in _NORMALIZED:
        return raw
    text = _clean(raw)
    if not text:
        raise PhoneError("empty", raw)
    if not re.fullmatch(r"\+?\d+", text):
        raise PhoneError("invalid", raw)
    region = (default_region or "CN").upper()
    if text.startswith("00"):
        text = "+" + text[2:]
    elif region == "CN" and len(text) == 13 and text.startswith("861"):
        # "86 138 0013 8000" typed without the plus sign.
        text = "+" + text
    national = _cn_mobile_candidate(text, region)
    if national is not None:
        kind = _CN_TYPE(national, _CN_METADATA)
        result = "+86" + national
    else:
        kind, result = _parse(text, region, raw)
    if kind == PhoneNumberType.UNKNOWN:
        raise PhoneError("invalid", raw)
    if kind not in _MOBILE_TYPES:
        raise PhoneError("not_mobile", raw)
    if len(_NORMALIZED) >= _NORMALIZED_MAX:
        _NORMALIZED.clear()
    _NORMALIZED.add(result)
    return result


def _cn_mobile_candidate(text, region):
    """The national number of ``text`` when it can skip ``parse()``."""
    if _CN_TYPE is None or _CN_METADATA is None:
        return None
    if text.startswith("+86"):
        national = text[3:]
    elif region == "CN" and not text.startswith("+"):
        national = text
    else:
        return None
    if (
        len(national) != 11
        or national[0] != "1"
        or _CN_PREFIX_FOR_PARSING.match(national)
    ):
        return None
    return national


def _parse(text, region, raw):
    """Type and E.164 form of ``text`` through ``phonenumbers.parse()``."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError("invalid", raw) from exc
    # number_type() is UNKNOWN exactly when is_valid_number() is false (both
    # match the number against the patterns of its own region): one pass.
    kind = phonenumbers.number_type(number)
    return kind, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_mobile(raw, default_region="CN"):
    """Like :func:`normalize_mobile` but return ``False`` instead of raising."""
    try:
        return normalize_mobile(raw, default_region)
    except PhoneError:
        return False


def mask_phone(value):
    """Mask the middle digits of a phone: ``+8613800138000`` -> ``138****8000``.

    Chinese mobiles are shown without the country code, as staff know them.
    """
    if not value:
        return value
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(value)))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
