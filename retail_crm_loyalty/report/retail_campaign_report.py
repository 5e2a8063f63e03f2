# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Campaign ROI: one row per touch, read by pivot and graph views.

Counts are summed; rates are 0/100 measures averaged by the pivot
(``aggregator="avg"``), NULL outside their base, so that they stay exact at
any grouping: e.g. the redemption rate is the average, over the touches
with a coupon, of 100 when the coupon was used on a confirmed order.

The uplift of a contacted member's row is its conversion (0/100) minus the
conversion rate of the holdout group of the same automation (or campaign),
store and month; averaged over a group it is the contacted minus the
holdout conversion rate (exact per automation or campaign, store and month).
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.messaging import AUTOMATIONS, CHANNELS, MESSAGE_KINDS


class RetailCampaignReport(models.Model):
    _name = "retail.campaign.report"
    _description = "Campaign ROI"
    _auto = False
    _rec_name = "automation"
    _order = "date desc, id desc"

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    store_id = fields.Many2one("retail.store", readonly=True)
    automation = fields.Selection(
        AUTOMATIONS, string="Automation / Campaign", readonly=True
    )
    campaign_id = fields.Many2one("retail.campaign", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    kind = fields.Selection(MESSAGE_KINDS, readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
            ("holdout", "Holdout"),
        ],
        readonly=True,
    )
    targeted_count = fields.Integer(
        string="Members Targeted",
        readonly=True,
        help="Eligible members selected, holdout included.",
    )
    holdout_count = fields.Integer(string="Holdout Members", readonly=True)
    sent_count = fields.Integer(string="Messages Sent", readonly=True)
    coupon_count = fields.Integer(string="Coupons Issued", readonly=True)
    redeemed_count = fields.Integer(string="Coupons Redeemed", readonly=True)
    coupon_revenue = fields.Monetary(
        string="Revenue with Coupons",
        readonly=True,
        help="Total of the confirmed orders on which the coupon was used.",
    )
    converted_count = fields.Integer(
        string="Converted Members",
        readonly=True,
        help="Members who purchased within 30 days after the touch.",
    )
    redemption_rate = fields.Float(
        string="Redemption Rate (%)", aggregator="avg", readonly=True
    )
    conversion_rate = fields.Float(
        string="Conversion Contacted (%)", aggregator="avg", readonly=True
    )
    holdout_conversion_rate = fields.Float(
        string="Conversion Holdout (%)", aggregator="avg", readonly=True
    )
    uplift = fields.Float(
        string="Uplift (points)",
        aggregator="avg",
        readonly=True,
        help="Conversion of the contacted members minus the conversion of "
        "the holdout group (percentage points).",
    )

    def _query(self):
        return SQL(
            """
            WITH coupon_use AS (
                SELECT l.coupon_id,
                       sum(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                           AS revenue
                  FROM sale_order_line l
                  JOIN sale_order so ON so.id = l.order_id
                 WHERE l.coupon_id IS NOT NULL AND so.state = 'sale'
                 GROUP BY l.coupon_id
            ),
            base AS (
                SELECT t.id, t.date::date AS date, t.partner_id, t.company_id,
                       t.store_id, t.automation, t.campaign_id, t.channel,
                       t.kind, t.state,
                       t.coupon_id, cu.coupon_id IS NOT NULL AS redeemed,
                       COALESCE(cu.revenue, 0) AS revenue,
                       t.converted_date IS NOT NULL AS converted
                  FROM retail_touch t
             LEFT JOIN coupon_use cu ON cu.coupon_id = t.coupon_id
            )
            SELECT b.id, b.date, b.partner_id, b.company_id, c.currency_id,
                   b.store_id, b.automation, b.campaign_id, b.channel,
                   b.kind, b.state,
                   1 AS targeted_count,
                   CASE WHEN b.state = 'holdout' THEN 1 ELSE 0 END AS holdout_count,
                   CASE WHEN b.state = 'sent' THEN 1 ELSE 0 END AS sent_count,
                   CASE WHEN b.coupon_id IS NOT NULL THEN 1 ELSE 0 END
                       AS coupon_count,
                   CASE WHEN b.redeemed THEN 1 ELSE 0 END AS redeemed_count,
                   b.revenue AS coupon_revenue,
                   CASE WHEN b.converted THEN 1 ELSE 0 END AS converted_count,
                   CASE WHEN b.coupon_id IS NOT NULL
                        THEN CASE WHEN b.redeemed THEN 100.0 ELSE 0.0 END
                   END AS redemption_rate,
                   CASE WHEN b.state = 'sent'
                        THEN CASE WHEN b.converted THEN 100.0 ELSE 0.0 END
                   END AS conversion_rate,
                   CASE WHEN b.state = 'holdout'
                        THEN CASE WHEN b.converted THEN 100.0 ELSE 0.0 END
                   END AS holdout_conversion_rate,
                   CASE WHEN b.state = 'sent'
                        THEN CASE WHEN b.converted THEN 100.0 ELSE 0.0 END
                             - COALESCE(avg(CASE WHEN b.state = 'holdout'
                                   THEN CASE WHEN b.converted THEN 100.0
                                             ELSE 0.0 END END)
                                   OVER (PARTITION BY b.automation, b.campaign_id,
                                         b.store_id,
                                         date_trunc('month', b.date)), 0)
                   END AS uplift
              FROM base b
              JOIN res_company c ON c.id = b.company_id
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
