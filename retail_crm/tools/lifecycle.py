# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lifecycle stages of members, without database.

The SQL of ``res.partner._retail_stage_sql`` implements exactly these rules;
the tests check both against the same table of cases.
"""

from collections import namedtuple

# Keys are relied upon by other modules (follow-up plans per stage...).
STAGES = [
    ("prospect", "Prospect"),
    ("first_contact", "First Contact"),
    ("first_purchase", "First Purchase"),
    ("active", "Active"),
    ("loyal", "Loyal"),
    ("at_risk", "At Risk"),
    ("lapsed", "Lapsed"),
]
STAGE_KEYS = [key for key, __ in STAGES]

StageParams = namedtuple(
    "StageParams", "active_days loyal_orders at_risk_days at_risk_factor lapsed_days"
)
DEFAULT_PARAMS = StageParams(
    active_days=90, loyal_orders=4, at_risk_days=60, at_risk_factor=2.0, lapsed_days=365
)


def at_risk_days(order_count, first_purchase, last_purchase, params):
    """Days without purchase after which a buyer is at risk.

    ``max(at_risk_days, at_risk_factor x the member's own average interval
    between purchases)``; members with a single order have no interval.
    """
    days = params.at_risk_days
    if order_count and order_count >= 2 and first_purchase and last_purchase:
        interval = (last_purchase - first_purchase).days / (order_count - 1)
        days = max(days, params.at_risk_factor * interval)
    return days


def derive_stage(
    order_count,
    window_order_count,
    first_purchase,
    last_purchase,
    contacted,
    today,
    params=DEFAULT_PARAMS,
):
    """Stage key of a member; the first rule that matches wins.

    1. never purchased: ``first_contact`` when a follow-up was done, else
       ``prospect``;
    2. ``lapsed``: no purchase for ``lapsed_days`` days or more;
    3. ``at_risk``: no purchase for at least ``at_risk_days(...)`` days;
    4. ``first_purchase``: a single order;
    5. ``loyal``: at least ``loyal_orders`` orders in the statistics window;
    6. ``active``: purchased in the last ``active_days`` days (fewer days ago);
    7. ``at_risk``: bought several times but no longer active.
    """
    if not order_count or not last_purchase:
        return "first_contact" if contacted else "prospect"
    idle = (today - last_purchase).days
    if idle >= params.lapsed_days:
        return "lapsed"
    if idle >= at_risk_days(order_count, first_purchase, last_purchase, params):
        return "at_risk"
    if order_count == 1:
        return "first_purchase"
    if (window_order_count or 0) >= params.loyal_orders:
        return "loyal"
    if idle < params.active_days:
        return "active"
    return "at_risk"
