# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class PosConfig(models.Model):
    _inherit = "pos.config"

    retail_store_id = fields.Many2one(
        "retail.store",
        check_company=True,
        index=True,
        help="Store this point of sale belongs to: the session preloads the "
        "store's most recent buyers, members registered at this till get it "
        "as home store. Other members of the chain are found on the server.",
    )
    retail_missing_pricelist_ids = fields.Many2many(
        "product.pricelist",
        compute="_compute_retail_missing_pricelist_ids",
        string="Tier Pricelists Not Available",
        help="Pricelists of member tiers that this point of sale does not "
        "offer: members of these tiers are priced with the default pricelist.",
    )

    @api.depends("use_pricelist", "available_pricelist_ids", "company_id")
    def _compute_retail_missing_pricelist_ids(self):
        for config in self:
            # sudo: tier configuration, read to warn the POS manager only.
            tiers = (
                self.env["retail.member.tier"]
                .sudo()
                .search([("company_id", "=", config.company_id.id)])
            )
            missing = tiers.pricelist_id - config.available_pricelist_ids
            config.retail_missing_pricelist_ids = (
                missing if config.use_pricelist else (tiers.pricelist_id)
            )

    def init(self):
        res = super().init()
        # Store preload: the most recent buyers first, read in this order
        # (retail.member.stats belongs to retail_crm; the POS needs it).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS retail_member_stats_retail_pos_recent_idx
                ON retail_member_stats (last_purchase_date DESC, partner_id DESC)
             WHERE last_purchase_date IS NOT NULL
            """
        )
        return res

    def get_limited_partners_loading(self):
        """With a store: the store's members who bought most recently.

        Odoo's own query sorts every partner of the company by its number of
        POS orders; at a million members that is a full scan per session.
        Here the buyers are read from the most recent purchase backwards
        (retail_member_stats_retail_pos_recent_idx) until the partner load
        limit of the store's members is reached; a store with fewer buyers
        is completed with its other members, most recent first. The order is
        that of a sort of the store's members by last purchase (nulls last),
        then id, both descending, without reading every member of the store.
        """
        if not self.retail_store_id:
            return super().get_limited_partners_loading()
        self.env["res.partner"].flush_model(
            ["retail_store_id", "is_retail_member", "active"]
        )
        self.env["retail.member.stats"].flush_model(
            ["partner_id", "last_purchase_date"]
        )
        limit = self._get_limited_partner_count()
        store_id = self.retail_store_id.id
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.partner_id FROM retail_member_stats s
                  JOIN res_partner p ON p.id = s.partner_id
                 WHERE s.last_purchase_date IS NOT NULL
                   AND p.retail_store_id = %s AND p.is_retail_member AND p.active
                 ORDER BY s.last_purchase_date DESC, s.partner_id DESC
                 LIMIT %s
                """,
                store_id,
                limit,
            )
        )
        if len(rows) < limit:
            rows += self.env.execute_query(
                SQL(
                    """
                    SELECT p.id FROM res_partner p
                     WHERE p.retail_store_id = %s AND p.is_retail_member
                       AND p.active
                       AND NOT EXISTS (
                           SELECT FROM retail_member_stats s
                            WHERE s.partner_id = p.id
                              AND s.last_purchase_date IS NOT NULL)
                     ORDER BY p.id DESC
                     LIMIT %s
                    """,
                    store_id,
                    limit - len(rows),
                )
            )
        return rows
