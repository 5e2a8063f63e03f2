# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member analytics: one row per active member, read by pivot and graph views.

Counts are integer measures (summed), rates are 0/100 measures averaged by
the pivot (``aggregator="avg"``), NULL where the member is outside the rate's
base: e.g. the repurchase rate of a store is the average, over its members
who bought in the statistics window, of 100 when they bought twice or more.
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..tools.channels import RETAIL_CHANNELS
from ..tools.lifecycle import STAGES

# Purchase in the last ACTIVE_DAYS days: active member.
ACTIVE_DAYS = 90
# Last purchase more than CHURN_DAYS days ago: churned member.
CHURN_DAYS = 365


class RetailMemberReport(models.Model):
    _name = "retail.member.report"
    _description = "Member Analytics"
    _auto = False
    _rec_name = "partner_id"
    _order = "total_spent desc, id"

    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    store_id = fields.Many2one("retail.store", readonly=True)
    user_id = fields.Many2one("res.users", string="Associate", readonly=True)
    channel = fields.Selection(RETAIL_CHANNELS, readonly=True)
    tier_id = fields.Many2one("retail.member.tier", readonly=True)
    stage = fields.Selection(STAGES, string="Lifecycle Stage", readonly=True)
    join_date = fields.Date(readonly=True)
    last_purchase_date = fields.Date(readonly=True)
    # flags, to filter and group by
    new_this_month = fields.Boolean(string="Joined This Month", readonly=True)
    is_active_buyer = fields.Boolean(
        string="Active", readonly=True, help=f"Bought in the last {ACTIVE_DAYS} days."
    )
    is_buyer = fields.Boolean(string="Bought Once or More", readonly=True)
    is_repurchaser = fields.Boolean(
        string="Repurchaser",
        readonly=True,
        help="Two orders or more in the statistics window.",
    )
    is_churned = fields.Boolean(
        string="Churned",
        readonly=True,
        help=f"Last purchase more than {CHURN_DAYS} days ago.",
    )
    has_mobile = fields.Boolean(readonly=True)
    has_birthday = fields.Boolean(readonly=True)
    has_consent = fields.Boolean(string="Has Marketing Consent", readonly=True)
    has_tags = fields.Boolean(
        readonly=True, help="Has tags other than those kept by segments."
    )
    # counts (summed)
    member_count = fields.Integer(string="Members", readonly=True)
    new_count = fields.Integer(string="New Members (This Month)", readonly=True)
    active_count = fields.Integer(string="Active Members", readonly=True)
    buyer_count = fields.Integer(string="Buyers", readonly=True)
    repurchaser_count = fields.Integer(string="Repurchasers", readonly=True)
    churned_count = fields.Integer(string="Churned Members", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    total_spent = fields.Monetary(readonly=True)
    # averages
    clv = fields.Monetary(
        string="Average CLV",
        aggregator="avg",
        readonly=True,
        help="Average total spent per member.",
    )
    active_rate = fields.Float(
        string="Active Rate (%)", aggregator="avg", readonly=True
    )
    repurchase_rate = fields.Float(
        string="Repurchase Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Members with 2 orders or more in the statistics window, per "
        "100 members with one order or more in it.",
    )
    churn_rate = fields.Float(
        string="Churn Rate (%)",
        aggregator="avg",
        readonly=True,
        help=f"Members whose last purchase is more than {CHURN_DAYS} days "
        "old, per 100 members who ever bought.",
    )
    mobile_rate = fields.Float(
        string="With Mobile (%)", aggregator="avg", readonly=True
    )
    birthday_rate = fields.Float(
        string="With Birthday (%)", aggregator="avg", readonly=True
    )
    consent_rate = fields.Float(
        string="With Consent (%)", aggregator="avg", readonly=True
    )
    tags_rate = fields.Float(string="With Tags (%)", aggregator="avg", readonly=True)
    completeness = fields.Float(
        string="Data Completeness (%)",
        aggregator="avg",
        readonly=True,
        help="Average of the shares of members with mobile, birthday, "
        "consent and tags.",
    )

    # ------------------------------------------------------------------
    # SQL of the view: extension points
    # ------------------------------------------------------------------
    @api.model
    def _select_fields(self):
        """Columns of the view, ``{field name: SQL expression}``.

        Extension point: add a column by extending this method and declaring
        the field, e.g. ::

            retail_tier_id = fields.Many2one("retail.tier", readonly=True)

            def _select_fields(self):
                res = super()._select_fields()
                res["retail_tier_id"] = SQL("p.retail_tier_id")
                return res

        Aliases available: ``p`` (res_partner), ``c`` (res_company), ``d``
        (``d.today``: today in the company's retail time zone), and what
        :meth:`_from` adds.
        """
        flags = self._flag_sql()

        def pct(condition):
            return SQL("CASE WHEN %s THEN 100.0 ELSE 0.0 END", condition)

        def count(condition):
            return SQL("CASE WHEN %s THEN 1 ELSE 0 END", condition)

        return {
            "id": SQL("p.id"),
            "partner_id": SQL("p.id"),
            "company_id": SQL("p.company_id"),
            "currency_id": SQL("c.currency_id"),
            "store_id": SQL("p.retail_store_id"),
            "user_id": SQL("p.user_id"),
            "channel": SQL("p.retail_channel"),
            "tier_id": SQL("p.retail_tier_id"),
            "stage": SQL("p.retail_stage"),
            "join_date": SQL("p.retail_join_date"),
            "last_purchase_date": SQL("st.last_purchase_date"),
            **{name: SQL("COALESCE(%s, FALSE)", cond) for name, cond in flags.items()},
            "member_count": SQL("1"),
            "new_count": count(flags["new_this_month"]),
            "active_count": count(flags["is_active_buyer"]),
            "buyer_count": count(flags["is_buyer"]),
            "repurchaser_count": count(flags["is_repurchaser"]),
            "churned_count": count(flags["is_churned"]),
            "order_count": SQL("COALESCE(st.order_count, 0)"),
            "total_spent": SQL("COALESCE(st.total_spent, 0)"),
            "clv": SQL("COALESCE(st.total_spent, 0)"),
            "active_rate": pct(flags["is_active_buyer"]),
            "repurchase_rate": SQL(
                "CASE WHEN st.window_order_count >= 1 THEN %s END",
                pct(flags["is_repurchaser"]),
            ),
            "churn_rate": SQL(
                "CASE WHEN st.order_count > 0 THEN %s END",
                pct(flags["is_churned"]),
            ),
            "mobile_rate": pct(flags["has_mobile"]),
            "birthday_rate": pct(flags["has_birthday"]),
            "consent_rate": pct(flags["has_consent"]),
            "tags_rate": pct(flags["has_tags"]),
            "completeness": SQL(
                "(%s + %s + %s + %s) / 4",
                pct(flags["has_mobile"]),
                pct(flags["has_birthday"]),
                pct(flags["has_consent"]),
                pct(flags["has_tags"]),
            ),
        }

    @api.model
    def _flag_sql(self):
        """Boolean conditions of the flags (may be NULL: COALESCE-d)."""
        return {
            "new_this_month": SQL(
                "p.retail_join_date >= date_trunc('month', d.today)::date"
            ),
            "is_active_buyer": SQL("st.last_purchase_date > d.today - %s", ACTIVE_DAYS),
            "is_buyer": SQL("st.order_count > 0"),
            "is_repurchaser": SQL("st.window_order_count >= 2"),
            "is_churned": SQL("st.last_purchase_date < d.today - %s", CHURN_DAYS),
            "has_mobile": SQL("COALESCE(p.mobile, '') != ''"),
            "has_birthday": SQL("p.retail_birthday IS NOT NULL"),
            "has_consent": SQL("p.retail_marketing_consent"),
            # tags given by people: the tags kept by auto-tag segments do
            # not count
            "has_tags": SQL(
                "EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel rel"
                " WHERE rel.partner_id = p.id AND NOT EXISTS ("
                "SELECT 1 FROM retail_segment s"
                " WHERE s.tag_id = rel.category_id AND s.auto_tag))"
            ),
        }

    @api.model
    def _from(self):
        """FROM clause (extension point: add joins)."""
        return SQL(
            """
            res_partner p
            JOIN res_company c ON c.id = p.company_id
            LEFT JOIN retail_member_stats st ON st.partner_id = p.id
            CROSS JOIN LATERAL (
                SELECT (now() AT TIME ZONE COALESCE(c.retail_timezone,
                                                    'Asia/Shanghai'))::date
                       AS today
            ) d
            """
        )

    @api.model
    def _where(self):
        """WHERE clause (extension point): active members."""
        return SQL("p.is_retail_member AND p.active")

    @api.model
    def _query(self):
        columns = SQL(", ").join(
            SQL("%s AS %s", expr, SQL.identifier(name))
            for name, expr in self._select_fields().items()
        )
        return SQL("SELECT %s FROM %s WHERE %s", columns, self._from(), self._where())

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
