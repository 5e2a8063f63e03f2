# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    # Set on the message logged when a follow-up (activity) on a member is
    # marked done: "done on time" is then counted from the messages, the
    # activity itself being deleted.
    retail_followup_deadline = fields.Date(
        string="Follow-up Due Date", readonly=True, copy=False
    )
    retail_followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Done By",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
