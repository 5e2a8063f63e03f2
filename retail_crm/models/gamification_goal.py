# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models


class GamificationGoal(models.Model):
    _inherit = "gamification.goal"

    def update_goal(self):
        """Compute the goals of retail measures set-based: one query per
        definition and period for all the users of the challenges, instead of
        gamification's evaluation of the python code goal by goal."""
        retail = self.filtered(lambda g: g.definition_id.retail_kind)
        if retail:
            retail._retail_update_goals()
        return super(GamificationGoal, self - retail).update_goal()

    def _retail_update_goals(self):
        groups = defaultdict(lambda: self.browse())
        for goal in self:
            groups[(goal.definition_id, goal.start_date, goal.end_date)] |= goal
        for (definition, start, end), goals in groups.items():
            values = definition._retail_values(goals.user_id.ids, start, end)
            for goal in goals:
                to_write = goal._get_write_values(values.get(goal.user_id.id, 0))
                if to_write:
                    goal.write(to_write[goal])
        return True

    def _retail_goal_value(self):
        """Value of this one goal (python code of the retail definitions)."""
        self.ensure_one()
        values = self.definition_id._retail_values(
            self.user_id.ids, self.start_date, self.end_date
        )
        return values.get(self.user_id.id, 0)

    @api.model
    def retail_my_progress(self):
        """Progress of the current user in the running Digital Pioneer
        challenges, for the banner of "My Follow-ups"."""
        today = fields.Date.context_today(self)
        goals = self.search(
            [
                ("user_id", "=", self.env.uid),
                ("challenge_id.state", "=", "inprogress"),
                ("state", "in", ("inprogress", "reached")),
                "|",
                ("end_date", "=", False),
                ("end_date", ">=", today),
            ],
            order="challenge_id, id",
        )
        self.flush_model()  # the leaderboard is an SQL view over the goals
        ranks = {
            row.challenge_id.id: row.rank
            for row in self.env["retail.leaderboard"].search(
                [
                    ("user_id", "=", self.env.uid),
                    ("challenge_id", "in", goals.challenge_id.ids),
                    "|",
                    ("end_date", "=", False),
                    ("end_date", ">=", today),
                ]
            )
        }
        return [
            {
                "challenge": challenge.name,
                "rank": ranks.get(challenge.id, 0),
                "participants": len(challenge.user_ids),
                "goals": [
                    {
                        "name": goal.definition_id.name,
                        "current": goal.current,
                        "target": goal.target_goal,
                        "suffix": goal.definition_suffix or "",
                        "completeness": min(goal.completeness, 100.0),
                        "reached": goal.state == "reached",
                    }
                    for goal in goals.filtered(
                        lambda g, c=challenge: g.challenge_id == c
                    )
                ],
            }
            for challenge in goals.challenge_id
        ]
