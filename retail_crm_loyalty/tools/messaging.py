# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain rules of member messaging: templates, quiet hours, holdout, birthdays.

No database here; the models call these functions and the SQL twins
(holdout hash) are tested against them.
"""

import calendar
import hashlib
import string
from datetime import datetime, time, timedelta

# Base channels; other addons add theirs with selection_add.
CHANNELS = [("email", "Email"), ("sms", "SMS")]

AUTOMATIONS = [
    ("birthday", "Birthday"),
    ("first_purchase", "First Purchase Thanks"),
    ("winback", "Win-back"),
    ("repurchase", "Repurchase Reminder"),
    ("tier_upgrade", "Tier Upgrade"),
    ("points_expiry", "Points Expiry"),
    ("referral", "Referral"),
    ("campaign", "Campaign"),
]

MESSAGE_KINDS = [("marketing", "Marketing"), ("service", "Service")]

# Placeholders every template may use: {name} ...
BASE_PLACEHOLDERS = frozenset(
    {
        "name",
        "member_code",
        "store",
        "company",
        "coupon_code",
        "coupon_expiry",
        "optout_url",
    }
)


class TemplateError(ValueError):
    """A template that cannot be rendered."""


def template_placeholders(template):
    """Names of the ``{placeholders}`` of ``template``; TemplateError if malformed."""
    names = set()
    try:
        for _literal, field, _spec, _conv in string.Formatter().parse(template or ""):
            if field is None:
                continue
            if not field.isidentifier():
                raise TemplateError(field or "{}")
            names.add(field)
    except ValueError as err:
        if isinstance(err, TemplateError):
            raise
        raise TemplateError(str(err)) from err
    return names


def unknown_placeholders(template, allowed):
    """Sorted placeholders of ``template`` that are not in ``allowed``."""
    return sorted(template_placeholders(template) - set(allowed))


def render(template, values):
    """Render ``template``; placeholders without a value become empty."""
    values = {name: "" if value is None else value for name, value in values.items()}
    return string.Formatter().vformat(template or "", (), _Missing(values))


class _Missing(dict):
    def __missing__(self, key):
        return ""


def hour_to_time(hour):
    """10.5 -> time(10, 30)."""
    minutes = round(hour * 60)
    return time(minutes // 60 % 24, minutes % 60)


def in_quiet_hours(local_dt, start, end):
    """True when the local datetime falls in the quiet window [start, end).

    ``start``/``end`` are hours as floats (21.0, 9.0); the window may span
    midnight. An empty window (start == end) is never quiet.
    """
    now = local_dt.time()
    start_t, end_t = hour_to_time(start), hour_to_time(end)
    if start_t == end_t:
        return False
    if start_t < end_t:
        return start_t <= now < end_t
    return now >= start_t or now < end_t


def quiet_hours_end(local_dt, start, end):
    """Local naive datetime at which the quiet window containing ``local_dt`` ends."""
    end_t = hour_to_time(end)
    candidate = datetime.combine(local_dt.date(), end_t)
    if candidate <= local_dt.replace(tzinfo=None):
        candidate += timedelta(days=1)
    return candidate


def holdout_bucket(partner_id, automation, period_key):
    """Deterministic bucket 0..9999 of a member for an automation and period.

    SQL twin: ``('x' || substr(md5(<same text>), 1, 8))::bit(32)::bigint % 10000``
    with the high bit cleared, see ``holdout_sql``.
    """
    text = f"{partner_id}:{automation}:{period_key or ''}"
    value = int(hashlib.md5(text.encode()).hexdigest()[:8], 16)  # noqa: S324
    return (value & 0x7FFFFFFF) % 10000


def is_holdout(partner_id, automation, period_key, percent):
    """True when the member belongs to the holdout share (``percent`` of 100)."""
    return holdout_bucket(partner_id, automation, period_key) < round(
        (percent or 0) * 100
    )


def birthday_on(birthday, day):
    """True when a member born on ``birthday`` is greeted on ``day``.

    Members born on 29 February are greeted on 28 February in other years.
    """
    if not birthday:
        return False
    if (birthday.month, birthday.day) == (day.month, day.day):
        return True
    return (
        (birthday.month, birthday.day) == (2, 29)
        and (day.month, day.day) == (2, 28)
        and not calendar.isleap(day.year)
    )


def birthday_target(today, days_before):
    """The birthday greeted today when greeting ``days_before`` days early."""
    return today + timedelta(days=days_before or 0)
