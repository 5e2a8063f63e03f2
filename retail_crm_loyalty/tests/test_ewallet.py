# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRetailStoredValue(RetailLoyaltyCommon):
    """Stored value (储值) is Odoo's eWallet program: top up by buying the
    top-up product, spend as a payment-like discount on later orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topup = cls.env["product.product"].create(
            {
                "name": "Stored value top-up",
                "type": "service",
                "list_price": 1.0,
                "taxes_id": [Command.clear()],
            }
        )
        Program = cls.env["loyalty.program"]
        cls.ewallet = Program.with_context(default_program_type="ewallet").create(
            {"name": "Stored Value", "company_id": cls.company.id}
        )
        # the top-up product (Odoo's default is its eWallet product)
        cls.ewallet.trigger_product_ids = cls.topup

    def _wallet(self, member):
        return self.Card.search(
            [("partner_id", "=", member.id), ("program_id", "=", self.ewallet.id)]
        )

    def test_topup_and_spend(self):
        member = self.member_a1
        topup = self.SaleOrder.create(
            {
                "partner_id": member.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.topup.id,
                            "product_uom_qty": 1,
                            "price_unit": 500.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        topup.action_confirm()
        wallet = self._wallet(member)
        self.assertEqual(wallet.points, 500.0)
        # spend 120 from the wallet on an order of 120
        order = self._sale(member, 120.0, confirm=False)
        order._update_programs_and_rewards()
        rewards = order._get_claimable_rewards()
        self.assertIn(wallet, rewards)
        order._apply_program_reward(rewards[wallet], wallet)
        self.assertAlmostEqual(order.amount_total, 0.0)
        order.action_confirm()
        self.assertAlmostEqual(wallet.points, 380.0)
        self.assertAlmostEqual(wallet.points, self._balance_from_history(wallet))
        # the wallet is not a points card: no lots, no tier bonus
        self.assertFalse(wallet.retail_lot_ids)

    def test_counter_topup(self):
        """Top-up at the counter without an order: Odoo's balance wizard."""
        wallet = self.Card.create(
            {"program_id": self.ewallet.id, "partner_id": self.member_s2.id}
        )
        wizard = self.env["loyalty.card.update.balance"].create(
            {"card_id": wallet.id, "new_balance": 300.0, "description": "Top-up"}
        )
        wizard.action_update_card_point()
        self.assertEqual(wallet.points, 300.0)
        self.assertAlmostEqual(wallet.points, self._balance_from_history(wallet))
