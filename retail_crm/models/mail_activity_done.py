# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Keep the due date and the assignee of the follow-ups on members on
        the message logged when they are done (goal "follow-ups done on
        time")."""
        # the messages come in the order of _classify_by_model()
        ordered = [
            (activity.res_model, activity.date_deadline, activity.user_id.id)
            for data in self._classify_by_model().values()
            for activity in data["activities"]
        ]
        messages, next_activities = super()._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if len(messages) == len(ordered):
            groups = defaultdict(list)
            for message, (model, deadline, user_id) in zip(
                messages, ordered, strict=True
            ):
                if model == "res.partner" and user_id:
                    groups[(deadline, user_id)].append(message.id)
            for (deadline, user_id), ids in groups.items():
                # sudo: messages are written by their author's rights only;
                # these technical fields are set by the system
                messages.browse(ids).sudo().write(
                    {
                        "retail_followup_deadline": deadline,
                        "retail_followup_user_id": user_id,
                    }
                )
        return messages, next_activities
