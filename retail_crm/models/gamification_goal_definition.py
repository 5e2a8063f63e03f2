# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

RETAIL_GOAL_KINDS = [
    ("followups_on_time", "Follow-ups Done on Time"),
    ("profile_completeness", "Profile Completeness of My Members (%)"),
    ("win_backs", "Win-backs"),
]
# Stages a member is won back from, and stages that mean "bought again".
WIN_BACK_FROM = ("at_risk", "lapsed")
WIN_BACK_TO = ("first_purchase", "active", "loyal")
# The python code of a retail definition: the set-based computation of one goal
# (gamification.goal.update_goal computes all goals of a definition at once).
RETAIL_COMPUTE_CODE = "result = object._retail_goal_value()"


class GamificationGoalDefinition(models.Model):
    _inherit = "gamification.goal.definition"

    retail_kind = fields.Selection(
        RETAIL_GOAL_KINDS,
        string="Retail Measure",
        help="Computed by Retail CRM for all the users of a challenge in one "
        "query (computation mode: Python code).",
    )

    @api.constrains("retail_kind", "computation_mode", "compute_code")
    def _check_retail_kind(self):
        for definition in self.filtered("retail_kind"):
            if definition.computation_mode != "python" or (
                (definition.compute_code or "").strip() != RETAIL_COMPUTE_CODE
            ):
                raise ValidationError(
                    self.env._(
                        "The goal definition %(name)s is a retail measure: its "
                        "computation mode must be Python code and its code "
                        "exactly: %(code)s",
                        name=definition.name,
                        code=RETAIL_COMPUTE_CODE,
                    )
                )

    def _retail_values(self, user_ids, start_date, end_date):
        """``{user id: value}`` of this retail measure for ``user_ids`` over
        [``start_date``, ``end_date``] (dates, inclusive, or False: unbounded),
        in one query. Users without any fact are absent (value 0)."""
        self.ensure_one()
        if not self.retail_kind:
            raise UserError(
                self.env._(
                    "The goal definition %(name)s is not a retail measure.",
                    name=self.name,
                )
            )
        self.env.flush_all()
        query = getattr(self, f"_retail_query_{self.retail_kind}")(
            list(user_ids),
            start_date or None,
            end_date and (end_date + timedelta(days=1)) or None,
        )
        self.env.cr.execute(query)
        return dict(self.env.cr.fetchall())

    def _retail_query_followups_on_time(self, user_ids, start, end):
        # follow-ups on members marked done on or before their due date: the
        # messages logged when done keep the due date and the assignee
        return SQL(
            """
            SELECT msg.retail_activity_user_id, count(*)
              FROM mail_message msg
              JOIN res_partner m
                ON msg.model = 'res.partner' AND m.id = msg.res_id
             WHERE m.is_retail_member
               AND msg.retail_activity_user_id = ANY(%(users)s)
               AND msg.date::date <= msg.retail_activity_deadline
               AND (%(start)s::date IS NULL OR msg.date >= %(start)s::date)
               AND (%(end)s::date IS NULL OR msg.date < %(end)s::date)
             GROUP BY msg.retail_activity_user_id
            """,
            users=user_ids,
            start=start,
            end=end,
        )

    def _retail_query_profile_completeness(self, user_ids, start, end):
        # a state, not a count over the period: mean of 25 points per filled
        # item (mobile, birthday, marketing consent, at least one tag)
        return SQL(
            """
            SELECT m.user_id,
                   avg(
                       (CASE WHEN COALESCE(m.mobile, '') <> '' THEN 25 ELSE 0 END)
                     + (CASE WHEN m.retail_birthday IS NOT NULL THEN 25 ELSE 0 END)
                     + (CASE WHEN m.retail_marketing_consent THEN 25 ELSE 0 END)
                     + (CASE WHEN EXISTS (
                            SELECT 1 FROM res_partner_res_partner_category_rel t
                             WHERE t.partner_id = m.id) THEN 25 ELSE 0 END)
                   )::float
              FROM res_partner m
             WHERE m.is_retail_member
               AND m.active
               AND m.user_id = ANY(%(users)s)
             GROUP BY m.user_id
            """,
            users=user_ids,
        )

    def _retail_query_win_backs(self, user_ids, start, end):
        # members of the user who left "at risk"/"lapsed" by buying again
        return SQL(
            """
            SELECT m.user_id, count(DISTINCT h.partner_id)
              FROM retail_member_stage_history h
              JOIN res_partner m ON m.id = h.partner_id
             WHERE m.is_retail_member
               AND h.from_stage IN %(from_stages)s
               AND h.to_stage IN %(to_stages)s
               AND m.user_id = ANY(%(users)s)
               AND (%(start)s::date IS NULL OR h.date >= %(start)s::date)
               AND (%(end)s::date IS NULL OR h.date < %(end)s::date)
             GROUP BY m.user_id
            """,
            from_stages=WIN_BACK_FROM,
            to_stages=WIN_BACK_TO,
            users=user_ids,
            start=start,
            end=end,
        )
