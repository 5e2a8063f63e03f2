# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class RetailFollowupReport(models.Model):
    """Open follow-ups (activities) on members, one row per activity.

    A database view, so that the follow-ups can be grouped by state (overdue,
    today, planned: computed on mail.activity, thus not groupable there) and
    scoped to the stores of the user by plain record rules.
    """

    _name = "retail.followup.report"
    _description = "Follow-up Overview"
    _auto = False
    _order = "date_deadline, id"
    _rec_name = "summary"

    activity_id = fields.Many2one("mail.activity", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    store_id = fields.Many2one("retail.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    summary = fields.Char(readonly=True)
    date_deadline = fields.Date(string="Due Date", readonly=True)
    state = fields.Selection(
        [("overdue", "Overdue"), ("today", "Today"), ("planned", "Upcoming")],
        readonly=True,
        help="Relative to today in the time zone of the assigned user.",
    )
    activity_count = fields.Integer(string="Follow-ups", readonly=True)

    def _query(self):
        """SELECT of the view (also read by retail.followup.analysis)."""
        return SQL(
            """
                    SELECT a.id AS id,
                           a.id AS activity_id,
                           a.user_id AS user_id,
                           m.id AS partner_id,
                           m.retail_store_id AS store_id,
                           m.company_id AS company_id,
                           a.activity_type_id AS activity_type_id,
                           a.summary AS summary,
                           a.date_deadline AS date_deadline,
                           CASE
                               WHEN a.date_deadline < today.day THEN 'overdue'
                               WHEN a.date_deadline = today.day THEN 'today'
                               ELSE 'planned'
                           END AS state,
                           1 AS activity_count
                      FROM mail_activity a
                      JOIN res_partner m
                        ON a.res_model = 'res.partner' AND m.id = a.res_id
                      LEFT JOIN res_users u ON u.id = a.user_id
                      LEFT JOIN res_partner up ON up.id = u.partner_id
                     CROSS JOIN LATERAL (
                           SELECT (now() AT TIME ZONE
                                   COALESCE(NULLIF(up.tz, ''), 'UTC'))::date AS day
                           ) today
                     WHERE a.active AND m.is_retail_member
            """
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
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(self.env.ref("retail_crm.view_retail_member_form").id, "form")],
        }
