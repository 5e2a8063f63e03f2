# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    # The session loads the cards of its programs (gift cards...) by program:
    # without an index, every card of the chain is scanned (one per member).
    program_id = fields.Many2one(index=True)

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
        programs = self.env["loyalty.program"].browse(
            [p["id"] for p in data.get("loyalty.program", {}).get("data", [])]
        )
        member_programs = programs.filtered(
            lambda p: p.program_type in ("loyalty", "ewallet")
        )
        # Two id lists rather than a join on the program type: PostgreSQL
        # then reads the member cards through the partner index instead of
        # scanning every card of the chain (215 ms at 1M members).
        return domain + [
            "|",
            "&",
            ("program_id", "in", member_programs.ids),
            ("partner_id", "in", partner_ids),
            ("program_id", "in", (programs - member_programs).ids),
        ]
