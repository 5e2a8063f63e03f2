# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixture of the loyalty tests: retail_crm's tiers fixture (company,
stores, users, members, tiers Basic/Silver/Gold/Diamond, product at 100) and
the chain points program of the test company (1 point per currency unit)."""

from odoo import Command

from odoo.addons.retail_crm.tests.test_tiers import RetailTierCommon


class RetailLoyaltyCommon(RetailTierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Card = cls.env["loyalty.card"]
        cls.History = cls.env["loyalty.history"]
        cls.Lot = cls.env["retail.loyalty.lot"]
        cls.chain = cls.env["loyalty.program"]._retail_chain_program(cls.company)
        cls.chain.write({"retail_expiry_policy": "months", "retail_expiry_months": 12})
        cls.silver.points_multiplier = 1.2
        cls.gold.points_multiplier = 1.5
        cls.diamond.points_multiplier = 2.0

    def _card(self, member):
        return self.Card.search(
            [("partner_id", "=", member.id), ("program_id", "=", self.chain.id)]
        )

    def _sale(self, partner, amount, confirm=True):
        order = self.SaleOrder.create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _give(self, card, points, day):
        """Points earned by ``card`` on ``day`` (a history line, as Odoo's
        programs write them)."""
        card = card.with_context(retail_today=day)
        return card._retail_give_points(points, f"Earned on {day}", False)

    def _balance_from_history(self, card):
        lines = self.History.search([("card_id", "=", card.id)])
        return sum(lines.mapped("issued")) - sum(lines.mapped("used"))
