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

    def get_limited_partners_loading(self):
        """With a store: the store's members who bought most recently.

        Odoo's own query sorts every partner of the company by its number of
        POS orders; at a million members that is a full scan per session.
        Here only the store's members are read (index on the home store),
        with their last purchase from ``retail_member_stats``, and at most
        the partner load limit of them is returned.
        """
        if not self.retail_store_id:
            return super().get_limited_partners_loading()
        self.env["res.partner"].flush_model()
        self.env["retail.member.stats"].flush_model()
        return self.env.execute_query(
            SQL(
                """
                SELECT p.id FROM res_partner p
                  LEFT JOIN retail_member_stats s ON s.partner_id = p.id
                 WHERE p.retail_store_id = %s AND p.is_retail_member AND p.active
                 ORDER BY s.last_purchase_date DESC NULLS LAST, p.id DESC
                 LIMIT %s
                """,
                self.retail_store_id.id,
                self._get_limited_partner_count(),
            )
        )
