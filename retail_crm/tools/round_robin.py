# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Spread items over assignees in turn (no database)."""


def round_robin(items, assignees, loads=None):
    """Return ``{item: assignee}``, giving each item in turn to an assignee.

    Items are dealt in their given order. The first item goes to the
    assignee with the lowest current load (``loads``: ``{assignee: count}``,
    ties broken by the order of ``assignees``), the next one to the
    following assignee, and so on cyclically, so the spread is even (counts
    differ by one at most) and deterministic. Without assignees, nothing is
    assigned (an empty dict).
    """
    assignees = list(dict.fromkeys(assignees))
    if not assignees:
        return {}
    loads = loads or {}
    start = min(range(len(assignees)), key=lambda i: (loads.get(assignees[i], 0), i))
    size = len(assignees)
    return {item: assignees[(start + index) % size] for index, item in enumerate(items)}
