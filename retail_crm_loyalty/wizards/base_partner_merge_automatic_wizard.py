# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member merge: the survivor keeps ONE chain points card.

Odoo's loyalty merges the cards of merged partners by writing the summed
balance on one card and zero on the others: no history line, and the earned
lots (FIFO expiry) would stay on the archived cards. For the chain program
the card of the surviving member is kept (else the first merged one); the
points and lots (earning and expiry dates unchanged) of the others move
onto it with a ``loyalty.history`` line on both sides, and the emptied
cards are archived, before Odoo's merge, which then finds nothing left to
join for that program.
"""

from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        Card = self.env["loyalty.card"].sudo()
        chain = [("program_id.retail_chain_program", "=", True)]
        cards = Card.search([("partner_id", "in", src_partners.ids), *chain])
        for program in cards.program_id:
            merged = cards.filtered(lambda c, p=program: c.program_id == p).sorted("id")
            target = Card.search(
                [("partner_id", "=", dst_partner.id), ("program_id", "=", program.id)],
                order="id",
                limit=1,
            )
            target = target or merged[:1]
            (merged - target)._retail_merge_into(target)
        return super()._merge_loyalty_cards(src_partners, dst_partner)
