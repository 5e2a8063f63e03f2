# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member tier rules, without database.

A tier program is a list of tiers ordered by rank (the lowest tier first).
Each tier has thresholds on the member's rolling statistics window: a minimum
spend and a minimum order count; a threshold of 0 is not used. The SQL of
``res.partner._retail_tier_compute`` implements exactly these rules, and the
tests check both against each other.
"""

from collections import namedtuple
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

# ``min_spent`` is a Decimal (compared exactly), ``min_orders`` an int.
Tier = namedtuple("Tier", "key min_spent min_orders")

REVIEW_PERIODS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def to_decimal(value):
    """Exact decimal of a monetary amount (floats via their shortest repr)."""
    if value is None or value is False:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def tier_met(tier, spent, orders):
    """Whether the window ``spent`` and ``orders`` meet all thresholds of ``tier``."""
    min_spent = to_decimal(tier.min_spent)
    if min_spent and to_decimal(spent) < min_spent:
        return False
    if tier.min_orders and (orders or 0) < tier.min_orders:
        return False
    return True


def eligible_rank(tiers, spent, orders):
    """Rank (index in ``tiers``) of the highest tier reached, or -1 for none."""
    rank = -1
    for index, tier in enumerate(tiers):
        if tier_met(tier, spent, orders):
            rank = index
    return rank


def review_rank(
    current, eligible, reached_on, today, grace_days, max_steps, override_ended=False
):
    """Rank of a member after a periodic review.

    ``current`` and ``eligible`` are ranks (-1: no tier; ``current`` None: the
    member has no tier of this program). Upgrades are immediate; a downgrade
    needs the current tier to have been reached (``reached_on``, a date or
    None for "long ago") more than ``grace_days`` ago, and moves at most
    ``max_steps`` ranks down (0: no limit). A member whose manual override
    has ended gets the eligible tier at once (the override was not earned).
    """
    if override_ended or current is None or eligible >= current:
        return eligible
    if reached_on and (today - reached_on).days <= grace_days:
        return current
    if max_steps and max_steps > 0:
        return max(eligible, current - max_steps)
    return eligible


def upgrade_rank(current, eligible):
    """Rank of a member after a purchase: upgrades only, never downgrades."""
    if current is None or eligible > current:
        return eligible
    return current


def check_thresholds(tiers):
    """Return the pair ``(lower, higher)`` of the first badly ordered tiers.

    Each tier must have thresholds greater than or equal to those of the tier
    below it, at least one of them strictly greater. Returns None when the
    program is consistent. Negative thresholds are reported as ``(tier, None)``.
    """
    for tier in tiers:
        if to_decimal(tier.min_spent) < 0 or (tier.min_orders or 0) < 0:
            return tier, None
    for lower, higher in zip(tiers, tiers[1:]):
        spent_low, spent_high = (
            to_decimal(lower.min_spent),
            to_decimal(higher.min_spent),
        )
        orders_low, orders_high = lower.min_orders or 0, higher.min_orders or 0
        if spent_high < spent_low or orders_high < orders_low:
            return lower, higher
        if spent_high == spent_low and orders_high == orders_low:
            return lower, higher
    return None


def next_review_date(day, period):
    """The review date following ``day`` for a ``period`` of REVIEW_PERIODS."""
    if not isinstance(day, date):
        raise TypeError("day must be a date")
    return day + relativedelta(months=REVIEW_PERIODS[period])


def grace_limit(today, grace_days):
    """Tiers reached before this day may be downgraded at a review today."""
    return today - timedelta(days=grace_days)
