# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
"""RFM scores, high-value flag and birthday month of members.

The scores are written set-based by :meth:`_retail_refresh_rfm` only (one SQL
statement over the stored purchase statistics), nightly by the segment cron.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, sql

from ..tools.planner import local_settings
from ..tools.rfm import HIGH_VALUE_SHARE, RFM_GROUP_SQL, RFM_GROUPS

_logger = logging.getLogger(__name__)

# Written only by _retail_refresh_rfm (SQL). Deliberately not indexed: an
# UPDATE that changes no indexed column can be a HOT update, which spares the
# ~36 indexes of res_partner and its deferred unique checks; the nightly pass
# rewrites the scores of every member whose quintile moved.
RFM_FIELDS = (
    "retail_rfm_recency",
    "retail_rfm_frequency",
    "retail_rfm_monetary",
    "retail_rfm_group",
    "retail_high_value",
)
RFM_WORK_MEM = "256MB"


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_rfm_recency = fields.Integer(
        string="RFM Recency",
        readonly=True,
        copy=False,
        help="Quintile (1-5) of the last purchase date among the buyers of "
        "the company: 5 = the most recent fifth.",
    )
    retail_rfm_frequency = fields.Integer(
        string="RFM Frequency",
        readonly=True,
        copy=False,
        help="Quintile (1-5) of the number of orders: 5 = the most orders.",
    )
    retail_rfm_monetary = fields.Integer(
        string="RFM Monetary",
        readonly=True,
        copy=False,
        help="Quintile (1-5) of the total spent: 5 = the highest spenders.",
    )
    retail_rfm_group = fields.Selection(
        RFM_GROUPS,
        string="RFM Group",
        readonly=True,
        copy=False,
        help="Derived nightly from the RFM scores. Empty for members who "
        "have not bought yet.",
    )
    retail_high_value = fields.Boolean(
        string="High Value",
        readonly=True,
        copy=False,
        help="Among the top 20 % of the company's buyers by total spent.",
    )
    retail_birthday_month = fields.Integer(
        string="Birthday Month",
        compute="_compute_retail_birthday_month",
        store=True,
        index=True,
        help="Month (1-12) of the birthday, to find birthdays of a month.",
    )

    def _auto_init(self):
        # A new stored computed column would be computed by the ORM for every
        # partner at the upgrade; fill it with one UPDATE instead.
        cr = self.env.cr
        if not sql.column_exists(cr, "res_partner", "retail_birthday_month"):
            sql.create_column(cr, "res_partner", "retail_birthday_month", "int4")
            if sql.column_exists(cr, "res_partner", "retail_birthday"):
                cr.execute(
                    "UPDATE res_partner"
                    "   SET retail_birthday_month = EXTRACT(MONTH FROM retail_birthday)"
                    " WHERE retail_birthday IS NOT NULL"
                )
        return super()._auto_init()

    @api.depends("retail_birthday")
    def _compute_retail_birthday_month(self):
        for partner in self:
            birthday = partner.retail_birthday
            partner.retail_birthday_month = birthday.month if birthday else 0

    @api.model
    def _retail_bulk_precompute(self, vals_list):
        for vals in vals_list:
            if "retail_birthday_month" not in vals:
                birthday = fields.Date.to_date(vals.get("retail_birthday"))
                vals["retail_birthday_month"] = birthday.month if birthday else 0
        return super()._retail_bulk_precompute(vals_list)

    @api.model
    def _retail_derived_fields(self):
        return super()._retail_derived_fields() | set(RFM_FIELDS)

    def _retail_check_write_rights(self, vals):
        if set(vals) & set(RFM_FIELDS):
            raise AccessError(
                self.env._(
                    "RFM scores are computed from the purchase statistics "
                    "and cannot be edited."
                )
            )
        return super()._retail_check_write_rights(vals)

    @api.model
    def _retail_refresh_rfm(self, company_ids=None):
        """Score every active member set-based; return the ids that changed.

        Among the active members of each company who bought at least once,
        NTILE(5) over the last purchase date, the number of orders and the
        total spent (ties broken by id) give the recency, frequency and
        monetary scores; the group follows :func:`..tools.rfm.rfm_group`
        (mirrored by ``RFM_GROUP_SQL``); the high-value flag marks the buyers
        whose PERCENT_RANK by total spent, descending, is under 20 % (fewer
        than 20 % of the others spent more; ties are all in). Members without
        purchases (and archived members) get no score. Only rows that change
        are written: a second run writes nothing.
        """
        self.env.flush_all()
        company_filter = (
            SQL("AND p.company_id = ANY(%s)", list(company_ids))
            if company_ids is not None
            else SQL()
        )
        cr = self.env.cr
        # The four window functions sort every buyer: with the default
        # work_mem (4 MB) each sort spills to disk at 1M members (~90 MB a
        # sort in memory). Raised for these statements only, then restored;
        # no JIT either (compiling the plan took seconds, for nothing).
        with local_settings(cr, work_mem=RFM_WORK_MEM, jit="off"):
            cr.execute(
                SQL(
                    """
                    -- res_partner is read once: the members with their scores
                    -- and statistics, then ranked and compared; the rows whose
                    -- scores change are kept apart, then updated by primary key
                    -- (joined to all the members, res_partner would be read
                    -- again and a million rows sorted to update a few).
                    CREATE TEMPORARY TABLE retail_rfm_changed AS
                    WITH members AS MATERIALIZED (
                        SELECT p.id, p.company_id, p.active,
                               st.order_count, st.last_purchase_date, st.total_spent,
                               p.retail_rfm_recency AS old_r,
                               p.retail_rfm_frequency AS old_f,
                               p.retail_rfm_monetary AS old_m,
                               p.retail_rfm_group AS old_grp,
                               COALESCE(p.retail_high_value, FALSE) AS old_high
                          FROM res_partner p
                          LEFT JOIN retail_member_stats st ON st.partner_id = p.id
                         WHERE p.is_retail_member
                           %(company_filter)s
                    ),
                    buyers AS (
                        SELECT id,
                               NTILE(5) OVER (PARTITION BY company_id
                                   ORDER BY last_purchase_date, id) AS r,
                               NTILE(5) OVER (PARTITION BY company_id
                                   ORDER BY order_count, id) AS f,
                               -- sorted as float8: the same order as numeric
                               -- (amounts in cents, far from float8's 15
                               -- digits) for a fraction of the comparison cost
                               NTILE(5) OVER (PARTITION BY company_id
                                   ORDER BY total_spent::float8, id) AS m,
                               PERCENT_RANK() OVER (PARTITION BY company_id
                                   ORDER BY total_spent::float8 DESC) AS spent_rank
                          FROM (SELECT id, company_id, last_purchase_date,
                                       order_count, total_spent
                                  FROM members
                                 WHERE active AND order_count > 0) buying
                    ),
                    scored AS (
                        SELECT mb.id, b.r, b.f, b.m,
                               %(group_case)s AS grp,
                               COALESCE(b.spent_rank < %(share)s, FALSE) AS high_value,
                               mb.old_r, mb.old_f, mb.old_m, mb.old_grp, mb.old_high
                          FROM members mb
                          LEFT JOIN buyers b ON b.id = mb.id
                    )
                    SELECT s.id, s.r, s.f, s.m, s.grp, s.high_value FROM scored s
                     WHERE (s.old_r, s.old_f, s.old_m, s.old_grp, s.old_high)
                           IS DISTINCT FROM (s.r, s.f, s.m, s.grp, s.high_value)
                    """,
                    company_filter=company_filter,
                    group_case=SQL(RFM_GROUP_SQL),  # constant, no user input
                    share=HIGH_VALUE_SHARE,
                )
            )
            cr.execute(
                """
                UPDATE res_partner p
                   SET retail_rfm_recency = c.r,
                       retail_rfm_frequency = c.f,
                       retail_rfm_monetary = c.m,
                       retail_rfm_group = c.grp,
                       retail_high_value = c.high_value
                  FROM retail_rfm_changed c
                 WHERE p.id = c.id
             RETURNING p.id
                """
            )
            updated = [row[0] for row in cr.fetchall()]
            cr.execute("DROP TABLE retail_rfm_changed")
        self.invalidate_model(list(RFM_FIELDS))
        _logger.info("RFM scores: %s members changed", len(updated))
        return updated
