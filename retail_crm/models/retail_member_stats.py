# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailMemberStats(models.Model):
    """Purchase statistics of a member, one narrow row per member who bought.

    Written only by ``res.partner._retail_update_stats_sql`` (set-based SQL)
    and read through the statistics fields of ``res.partner``. They live here
    rather than on ``res_partner`` because a full refresh rewrites every
    row: a ``res_partner`` row is wide and carries more than 30 indexes, so
    rewriting it costs about ten times as much as rewriting this row (see
    benchmarks/README.md). A member without a row has no purchase: zero
    orders, no dates, nothing spent.
    """

    _name = "retail.member.stats"
    _description = "Member Purchase Statistics"
    _log_access = False
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, ondelete="cascade"
    )
    first_purchase_date = fields.Date()
    last_purchase_date = fields.Date()
    order_count = fields.Integer()
    total_spent = fields.Float(digits=(16, 2))
    avg_ticket = fields.Float(digits=(16, 2))
    window_order_count = fields.Integer()
    window_spent = fields.Float(digits=(16, 2))

    _sql_constraints = [
        (
            "partner_uniq",
            "UNIQUE (partner_id)",
            "A member has one row of purchase statistics.",
        ),
    ]

    def init(self):
        # Half-full pages: a refresh rewrites most rows, and with room on
        # their page the new versions are HOT updates (no index entries to
        # add, less WAL): the full refresh of 1,000,000 members takes 9 s
        # instead of 14 (benchmarks/README.md). Applies to the pages written
        # from now on (all of them after a VACUUM FULL).
        self.env.cr.execute("ALTER TABLE retail_member_stats SET (fillfactor = 50)")
