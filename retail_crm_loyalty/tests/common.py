# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures of the loyalty tests.

RetailMessagingCommon: retail_crm's fixture with consenting, reachable
members for the messaging and automation tests. RetailLoyaltyCommon:
retail_crm's tiers fixture (company, stores, users, members, tiers
Basic/Silver/Gold/Diamond, product at 100) and the chain points program of the
test company (1 point per currency unit)."""

from odoo import Command

from odoo.addons.retail_crm.tests.common import RetailCrmCommon
from odoo.addons.retail_crm.tests.test_tiers import RetailTierCommon

# Local times of the test company (Asia/Shanghai, UTC+8) as UTC.
DAY_1030 = "2026-03-10 02:30:00"  # 10:30 local: outside quiet hours
EVENING_2200 = "2026-03-10 14:00:00"  # 22:00 local: quiet hours
NEXT_0930 = "2026-03-11 01:30:00"  # 09:30 local next day: quiet hours over


class RetailMessagingCommon(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Touch = cls.env["retail.touch"]
        cls.company.write(
            {
                "retail_marketing_cap": 2,
                "retail_quiet_start": 21.0,
                "retail_quiet_end": 9.0,
            }
        )
        members = cls.member_a1 | cls.member_a1_2 | cls.member_a1b | cls.member_s2
        members.write({"retail_marketing_consent": True})
        cls.member_a1.email = "alice@example.com"
        # no e-mail, no mobile: cannot be reached
        cls.member_silent = cls._new_member(
            "Silent Member", False, cls.s1, cls.a1, retail_marketing_consent=True
        )
        cls.coupon_program = cls.env["loyalty.program"].create(
            {
                "name": "Test Next-order Coupon",
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": cls.company.id,
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "required_points": 1,
                        }
                    )
                ],
            }
        )

    def _send(
        self, partners, automation="campaign", kind="marketing", now=DAY_1030, **kw
    ):
        kw.setdefault("channels", ["email", "sms"])
        kw.setdefault("subject", "Hello {name}")
        kw.setdefault("body_template", "Dear {name}, see you at {store}.")
        return self.Touch.with_context(retail_now=now)._retail_send(
            partners, automation, kind, **kw
        )

    def _sms_count(self, partner):
        return self.env["sms.sms"].search_count([("partner_id", "=", partner.id)])


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
