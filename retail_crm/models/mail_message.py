# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    # Odoo posts a message when an activity is marked done (subtype
    # mail.mt_activities, with its activity type) and then deletes the
    # activity: its due date and its assignee would be lost. Both are kept on
    # the message, so that the follow-up analysis can tell the follow-ups done
    # on time from the late ones, per associate.
    retail_activity_deadline = fields.Date(
        string="Activity Due Date",
        readonly=True,
        help="Due date of the activity this message marked as done.",
    )
    retail_activity_user_id = fields.Many2one(
        "res.users",
        string="Activity Assigned to",
        readonly=True,
        help="User the activity this message marked as done was assigned to.",
    )
