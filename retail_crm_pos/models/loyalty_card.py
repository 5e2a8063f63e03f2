# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.model
    def _load_pos_data_domain(self, data):
        """Cards of the members loaded by the session only.

        pos_loyalty loads every card of the POS programs: with the chain
        points program every member has a card (and many a stored-value
        card), a million cards per session. The cards of the loyalty
        and eWallet programs are loaded for the preloaded members only; the till fetches
        the card of any other member when the member is selected
        (pos_loyalty's ``fetchLoyaltyCard``).
        """
        domain = super()._load_pos_data_domain(data)
        partner_ids = [p["id"] for p in data.get("res.partner", {}).get("data", [])]
        return domain + [
            "|",
            ("partner_id", "in", partner_ids),
            ("program_id.program_type", "not in", ("loyalty", "ewallet")),
        ]
