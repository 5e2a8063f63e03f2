# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Follow-ups done (on time, late) next to the open ones, per associate.

One row per follow-up on a member:

* open follow-ups: the rows of the follow-up overview
  (``retail.followup.report``: overdue, today, upcoming), dated by their due
  date;
* done follow-ups: the messages Odoo posts when an activity is marked done
  (subtype ``mail.mt_activities``, with the activity type), dated by the day
  they were done in the time zone of the associate (as the overview: UTC
  when the associate has none). The due date and the
  assignee are those kept on the message when it was posted (see
  ``mail.activity._action_done``); for messages posted before, the assignee
  is the author and the timing is unknown.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

STATES = [
    ("overdue", "Overdue"),
    ("today", "Today"),
    ("planned", "Upcoming"),
    ("done_on_time", "Done on Time"),
    ("done_late", "Done Late"),
    ("done", "Done (Due Date Unknown)"),
]


class RetailFollowupAnalysis(models.Model):
    _name = "retail.followup.analysis"
    _description = "Follow-up Analysis"
    _auto = False
    _order = "date desc, id"
    _rec_name = "partner_id"

    user_id = fields.Many2one("res.users", string="Associate", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    store_id = fields.Many2one("retail.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    date = fields.Date(
        readonly=True,
        help="Day the follow-up was done, else its due date.",
    )
    date_deadline = fields.Date(string="Due Date", readonly=True)
    date_done = fields.Date(string="Done Date", readonly=True)
    state = fields.Selection(STATES, readonly=True)
    is_done = fields.Boolean(string="Marked Done", readonly=True)
    # counts (summed)
    followup_count = fields.Integer(string="Follow-ups", readonly=True)
    open_count = fields.Integer(string="Open", readonly=True)
    overdue_count = fields.Integer(string="Overdue", readonly=True)
    done_count = fields.Integer(string="Done", readonly=True)
    done_on_time_count = fields.Integer(string="Done on Time", readonly=True)
    done_late_count = fields.Integer(string="Done Late", readonly=True)
    # averages (NULL outside their base)
    on_time_rate = fields.Float(
        string="On-Time Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Follow-ups done by their due date, per 100 follow-ups done "
        "whose due date is known.",
    )
    days_late = fields.Float(
        string="Days Late (Average)",
        aggregator="avg",
        readonly=True,
        help="Days between the due date and the day a follow-up was done "
        "(0 when done on time), over the follow-ups done whose due date is "
        "known.",
    )

    def _query(self):
        def count(states):
            return SQL("CASE WHEN state IN %s THEN 1 ELSE 0 END", tuple(states))

        # the rows of the follow-up overview, from its query (not its view:
        # an update of the overview drops its view and what depends on it)
        open_rows = SQL(
            """
            SELECT r.activity_id * 2 AS id, r.user_id, r.partner_id,
                   r.store_id, r.company_id, r.activity_type_id,
                   r.date_deadline AS date, r.date_deadline,
                   NULL::date AS date_done, r.state
              FROM (%s) r
            """,
            self.env["retail.followup.report"]._query(),
        )
        done_rows = SQL(
            """
            SELECT msg.id * 2 + 1 AS id,
                   u.id AS user_id,
                   m.id AS partner_id,
                   m.retail_store_id AS store_id,
                   m.company_id AS company_id,
                   msg.mail_activity_type_id AS activity_type_id,
                   done.day AS date,
                   msg.retail_activity_deadline AS date_deadline,
                   done.day AS date_done,
                   CASE
                       WHEN msg.retail_activity_deadline IS NULL THEN 'done'
                       WHEN done.day <= msg.retail_activity_deadline
                           THEN 'done_on_time'
                       ELSE 'done_late'
                   END AS state
              FROM mail_message msg
              JOIN res_partner m
                ON msg.model = 'res.partner' AND m.id = msg.res_id
              LEFT JOIN LATERAL (
                    SELECT au.id FROM res_users au
                     WHERE au.partner_id = msg.author_id
                     ORDER BY au.id LIMIT 1
                   ) author ON msg.retail_activity_user_id IS NULL
              LEFT JOIN res_users u
                ON u.id = COALESCE(msg.retail_activity_user_id, author.id)
              LEFT JOIN res_partner up ON up.id = u.partner_id
             CROSS JOIN LATERAL (
                   SELECT (msg.date AT TIME ZONE 'UTC' AT TIME ZONE
                           COALESCE(NULLIF(up.tz, ''), 'UTC'))::date AS day
                   ) done
             WHERE msg.mail_activity_type_id IS NOT NULL
               AND msg.subtype_id = (
                       SELECT res_id FROM ir_model_data
                        WHERE module = 'mail' AND name = 'mt_activities'
                          AND model = 'mail.message.subtype')
               AND m.is_retail_member
            """
        )
        return SQL(
            """
            SELECT f.*,
                   %(done)s = 1 AS is_done,
                   1 AS followup_count,
                   %(open)s AS open_count,
                   %(overdue)s AS overdue_count,
                   %(done)s AS done_count,
                   %(on_time)s AS done_on_time_count,
                   %(late)s AS done_late_count,
                   CASE WHEN state IN ('done_on_time', 'done_late')
                        THEN %(on_time)s * 100.0 END AS on_time_rate,
                   CASE WHEN state IN ('done_on_time', 'done_late')
                        THEN GREATEST(date_done - date_deadline, 0) END
                       AS days_late
              FROM (%(open_rows)s UNION ALL %(done_rows)s) f
            """,
            open=count(["overdue", "today", "planned"]),
            overdue=count(["overdue"]),
            done=count(["done_on_time", "done_late", "done"]),
            on_time=count(["done_on_time"]),
            late=count(["done_late"]),
            open_rows=open_rows,
            done_rows=done_rows,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def action_open_member(self):
        self.ensure_one()
        # the same member form as the follow-up overview
        overview = self.env["retail.followup.report"].new(
            {"partner_id": self.partner_id.id}
        )
        return overview.action_open_member()
