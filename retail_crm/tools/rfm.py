# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM scoring: the groups derived from the recency, frequency and monetary
quintile scores (1 = lowest fifth, 5 = highest fifth of the company's buyers;
a recency of 5 means the most recent purchases).

:func:`rfm_group` is the rule; ``res.partner._retail_refresh_rfm`` applies the
same rule in SQL (``RFM_GROUP_SQL``): keep both in step, a test compares them
on every one of the 125 score combinations.
"""

# (value, label) of res.partner.retail_rfm_group, best first.
RFM_GROUPS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential Loyalists"),
    ("new", "New Customers"),
    ("at_risk", "At Risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]


def rfm_group(recency, frequency, monetary):
    """Return the RFM group of scores 1-5, or ``False`` without scores.

    Rules, first match wins:

    - champions: bought recently (R >= 4), often (F >= 4) and much (M >= 4)
    - loyal: buys often (F >= 4) and not long ago (R >= 3)
    - new: bought recently (R >= 4) for the first time(s) (F = 1)
    - potential: bought recently (R >= 3), not often yet
    - at_risk: used to buy often (F >= 3) but not for a long time (R <= 2)
    - hibernating: little and not for a while (R = 2)
    - lost: little and longest ago (R = 1)
    """
    if not (recency and frequency and monetary):
        return False
    if recency >= 4 and frequency >= 4 and monetary >= 4:
        return "champions"
    if recency >= 3 and frequency >= 4:
        return "loyal"
    if recency >= 4 and frequency == 1:
        return "new"
    if recency >= 3:
        return "potential"
    if frequency >= 3:
        return "at_risk"
    if recency == 2:
        return "hibernating"
    return "lost"


# The same rule over the columns r, f, m (SQL CASE, no parameters).
RFM_GROUP_SQL = """
    CASE
        WHEN r IS NULL OR f IS NULL OR m IS NULL THEN NULL
        WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champions'
        WHEN r >= 3 AND f >= 4 THEN 'loyal'
        WHEN r >= 4 AND f = 1 THEN 'new'
        WHEN r >= 3 THEN 'potential'
        WHEN f >= 3 THEN 'at_risk'
        WHEN r = 2 THEN 'hibernating'
        ELSE 'lost'
    END
"""

# Share of the company's buyers (by total spent) flagged "high value".
HIGH_VALUE_SHARE = 0.2
