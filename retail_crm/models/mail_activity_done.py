# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Keep the due date and the assignee on the "done" messages.

        ``super()`` posts one message per activity, in the order of
        ``_classify_by_model()`` (per model, then per activity), and deletes
        the activities: read them before, write them after, in one UPDATE.
        """
        done = [
            (activity.user_id.id or None, activity.date_deadline)
            for data in self._classify_by_model().values()
            for activity in data["activities"]
        ]
        messages, next_activities = super()._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if done and len(messages) == len(done):
            rows = SQL(", ").join(
                SQL("(%s, %s::int, %s::date)", message.id, user_id, deadline)
                for message, (user_id, deadline) in zip(messages, done, strict=True)
            )
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mail_message m
                       SET retail_activity_user_id = v.user_id,
                           retail_activity_deadline = v.deadline
                      FROM (VALUES %s) AS v(id, user_id, deadline)
                     WHERE m.id = v.id
                    """,
                    rows,
                )
            )
            messages.invalidate_recordset(
                ["retail_activity_user_id", "retail_activity_deadline"]
            )
        return messages, next_activities
