# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    @api.model
    def _load_pos_data_fields(self, config_id):
        # the till shows the chain points (and the tier multiplier on them)
        return super()._load_pos_data_fields(config_id) + ["retail_chain_program"]

    @api.model
    def _retail_pos_enable_chain_programs(self):
        """Offer the chain points and stored-value programs in every POS.

        pos_loyalty loads the programs that are ``pos_ok`` and restricted to
        no POS (or to the POS itself, ``pos_config_ids``). Run at install
        (data/loyalty_program_data.xml). Returns the programs.
        """
        # sudo: company configuration, run at install.
        Program = self.sudo().with_context(active_test=False)
        programs = Program.search(
            [
                "|",
                ("retail_chain_program", "=", True),
                ("program_type", "=", "ewallet"),
            ]
        )
        programs.write({"pos_ok": True})
        return programs
