# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class GamificationChallenge(models.Model):
    _inherit = "gamification.challenge"

    retail_store_id = fields.Many2one(
        "retail.store",
        string="Store",
        index=True,
        ondelete="cascade",
        help="Store whose associates compete; empty for a chain-wide challenge.",
    )
