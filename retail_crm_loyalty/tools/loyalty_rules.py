# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain rules of the loyalty features (no database, no ORM)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

# Expiry policies of the chain points program.
EXPIRY_NONE = "none"
EXPIRY_YEAR_END = "year_end"
EXPIRY_MONTHS = "months"

# Referral codes: no 0/O, 1/I/L, so that a code read aloud or typed from a
# poster cannot be mistaken.
REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERRAL_PREFIX = "R"


def expiry_date(policy, earned_on, months=0):
    """Last day on which points earned on ``earned_on`` can be used.

    ``year_end``: 31 December of the year after the year of earning (points
    earned on 2026-03-05 are usable until 2027-12-31); ``months``: the same
    day ``months`` months later; ``none``: ``None`` (never expire).
    """
    if policy == EXPIRY_YEAR_END:
        return date(earned_on.year + 1, 12, 31)
    if policy == EXPIRY_MONTHS:
        if months <= 0:
            raise ValueError("months must be positive")
        return earned_on + relativedelta(months=months)
    return None


def fifo_consume(lots, amount):
    """Split ``amount`` over ``lots`` first in, first out.

    ``lots`` is an iterable of ``(lot_id, remaining)`` in FIFO order (oldest
    earning first). Returns ``(takes, rest)``: ``takes`` is the list of
    ``(lot_id, taken)`` (a lot may be taken partially), ``rest`` what the
    lots could not cover.
    """
    takes = []
    rest = amount
    for lot_id, remaining in lots:
        if rest <= 0:
            break
        take = min(remaining, rest)
        if take > 0:
            takes.append((lot_id, take))
            rest -= take
    return takes, max(rest, 0)


def tier_bonus(base_points, multiplier, digits=2):
    """Points added on top of the program's ``base_points`` by a tier
    ``multiplier`` (1.5 earns half as much again)."""
    if multiplier <= 0:
        raise ValueError("multiplier must be positive")
    bonus = Decimal(str(base_points)) * (Decimal(str(multiplier)) - 1)
    return float(bonus.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def referral_code(number):
    """A short code for ``number`` (a record id): unique because derived
    from the id, with a check character against typing errors."""
    if number <= 0:
        raise ValueError("number must be positive")
    base = len(REFERRAL_ALPHABET)
    digits = ""
    n = number
    while n:
        n, r = divmod(n, base)
        digits = REFERRAL_ALPHABET[r] + digits
    digits = digits.rjust(4, REFERRAL_ALPHABET[0])
    return REFERRAL_PREFIX + digits + REFERRAL_ALPHABET[_check(digits)]


def _check(digits):
    return sum((i + 1) * REFERRAL_ALPHABET.index(c) for i, c in enumerate(digits)) % (
        len(REFERRAL_ALPHABET)
    )


def referral_code_number(code):
    """The number (record id) a valid referral ``code`` was made from, or
    ``None``: the inverse of :func:`referral_code`."""
    code = normalize_referral_code(code)
    if not code:
        return None
    base = len(REFERRAL_ALPHABET)
    number = 0
    for c in code[1:-1]:
        number = number * base + REFERRAL_ALPHABET.index(c)
    return number or None


def normalize_referral_code(code):
    """The code as stored (upper case, no spaces or dashes), or ``None`` if
    it cannot be a referral code (wrong form or check character)."""
    if not code:
        return None
    code = "".join(str(code).split()).replace("-", "").upper()
    if len(code) < 6 or not code.startswith(REFERRAL_PREFIX):
        return None
    digits, check = code[1:-1], code[-1]
    if any(c not in REFERRAL_ALPHABET for c in digits + check):
        return None
    if REFERRAL_ALPHABET[_check(digits)] != check:
        return None
    return code
