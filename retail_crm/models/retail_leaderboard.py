# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class RetailLeaderboard(models.Model):
    """Ranking of the users of each challenge period, one row per user.

    A database view over the goals, ranked like gamification ranks for its
    top-3 rewards: first the users who reached every goal, then by the sum of
    the completeness of their goals (over 100 % counts).
    """

    _name = "retail.leaderboard"
    _description = "Challenge Leaderboard"
    _auto = False
    _order = "end_date desc, challenge_id, rank, user_id"
    _rec_name = "user_id"

    challenge_id = fields.Many2one("gamification.challenge", readonly=True)
    store_id = fields.Many2one("retail.store", readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    start_date = fields.Date(readonly=True)
    end_date = fields.Date(readonly=True)
    goal_count = fields.Integer(string="Goals", readonly=True)
    reached_count = fields.Integer(string="Goals Reached", readonly=True)
    all_reached = fields.Boolean(string="All Goals Reached", readonly=True)
    score = fields.Float(
        readonly=True,
        digits=(16, 1),
        aggregator="max",
        help="Sum of the completeness (%) of the user's goals.",
    )
    rank = fields.Integer(readonly=True, aggregator="min")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    WITH per_user AS (
                        SELECT min(g.id) AS id,
                               g.challenge_id,
                               c.retail_store_id AS store_id,
                               g.user_id,
                               u.company_id,
                               g.start_date,
                               g.end_date,
                               count(*) AS goal_count,
                               count(*) FILTER (WHERE g.state = 'reached')
                                   AS reached_count,
                               sum(CASE
                                   WHEN d.condition = 'higher' THEN
                                       CASE WHEN g.target_goal <> 0
                                            THEN 100.0 * g.current / g.target_goal
                                            ELSE 0 END
                                   WHEN g.state = 'reached' THEN 100.0
                                   ELSE 0 END) AS score
                          FROM gamification_goal g
                          JOIN gamification_challenge c ON c.id = g.challenge_id
                          JOIN gamification_goal_definition d
                            ON d.id = g.definition_id
                          JOIN res_users u ON u.id = g.user_id
                         WHERE g.state <> 'canceled'
                         GROUP BY g.challenge_id, c.retail_store_id, g.user_id,
                                  u.company_id, g.start_date, g.end_date
                    )
                    SELECT p.*,
                           p.reached_count = p.goal_count AS all_reached,
                           rank() OVER (
                               PARTITION BY p.challenge_id, p.start_date, p.end_date
                               ORDER BY (p.reached_count = p.goal_count) DESC,
                                        p.score DESC
                           ) AS rank
                      FROM per_user p
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
