# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixture of the retail_crm_pos tests, on Odoo's POS test setup.

In the POS test company (chart of accounts, POS config "Shop", cashier
``pos_user`` who has no retail role)::

    store1 (the Shop's store)   member1   Lin Yi, 138 0013 8000, Basic
                                member1b  Lin Er, 138 0013 8001
    store2                      member2   Wang San, 139 0013 9000
    tiers: Basic (no threshold), Gold (spend >= 100, pricelist "Gold Members":
    10 % off)
"""

import uuid

from odoo import Command, fields
from odoo.tests.common import new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


class RetailPosCommon(TestPointOfSaleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        # the test user sets up the chain: HQ
        cls.env.user.groups_id += cls.env.ref("retail_crm.group_retail_hq")
        cls.Partner = cls.env["res.partner"]
        cls.config = cls.main_pos_config
        cls.company = cls.config.company_id
        cls.company.write(
            {"retail_phone_region": "CN", "retail_timezone": "Asia/Shanghai"}
        )
        # store managers get the follow-ups of the members' first purchase
        cls.manager1, cls.manager2 = (
            new_test_user(
                cls.env,
                login=login,
                groups="retail_crm.group_retail_store_manager",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                context=DISABLED_MAIL_CONTEXT,
            )
            for login in ("rc_pos_m1", "rc_pos_m2")
        )
        Store = cls.env["retail.store"]
        cls.store1 = Store.create(
            {
                "name": "POS Store One",
                "code": "RPS1",
                "company_id": cls.company.id,
                "manager_id": cls.manager1.id,
            }
        )
        cls.store2 = Store.create(
            {
                "name": "POS Store Two",
                "code": "RPS2",
                "company_id": cls.company.id,
                "manager_id": cls.manager2.id,
            }
        )
        cls.pl_gold = cls.env["product.pricelist"].create(
            {
                "name": "Gold Members",
                "company_id": cls.company.id,
                "currency_id": cls.config.currency_id.id,
                "item_ids": [
                    Command.create(
                        {
                            "compute_price": "percentage",
                            "percent_price": 10,
                            "applied_on": "3_global",
                        }
                    )
                ],
            }
        )
        cls.program = cls.env["retail.tier.program"].create(
            {"name": "POS Tiers", "company_id": cls.company.id}
        )
        Tier = cls.env["retail.member.tier"]
        cls.basic, cls.gold = Tier.create(
            [
                {
                    "name": "Basic",
                    "sequence": 1,
                    "color": 4,
                    "program_id": cls.program.id,
                },
                {
                    "name": "Gold",
                    "sequence": 2,
                    "color": 3,
                    "min_spent": 100.0,
                    "program_id": cls.program.id,
                    "pricelist_id": cls.pl_gold.id,
                },
            ]
        )
        cls.config.write(
            {
                "retail_store_id": cls.store1.id,
                "use_pricelist": True,
                "available_pricelist_ids": [Command.link(cls.pl_gold.id)],
            }
        )
        cls.member1 = cls._new_member("Lin Yi", "138 0013 8000", cls.store1)
        cls.member1b = cls._new_member("Lin Er", "138 0013 8001", cls.store1)
        cls.member2 = cls._new_member("Wang San", "139 0013 9000", cls.store2)
        # a first purchase gives the members their first tier
        (cls.member1 | cls.member1b | cls.member2)._retail_tier_upgrade()
        cls.cashier = cls.pos_user
        cls.tea = cls.env["product.product"].create(
            {
                "name": "Retail Tea",
                "available_in_pos": True,
                "list_price": 60.0,
                "taxes_id": [Command.clear()],
            }
        )

    @classmethod
    def _new_member(cls, name, mobile, store, **vals):
        return cls.Partner.create(
            dict(
                {
                    "name": name,
                    "mobile": mobile,
                    "is_retail_member": True,
                    "company_id": cls.company.id,
                    "retail_store_id": store.id,
                },
                **vals,
            )
        )

    def _open_session(self):
        self.config.with_user(self.cashier).open_ui()
        return self.config.current_session_id

    def _ui_order(self, session, partner=False, qty=1, order_uuid=None, **extra):
        """Order data as the till sends it: ``qty`` teas paid in cash."""
        price = 60.0
        total = price * qty
        cash = self.config.payment_method_ids.filtered("is_cash_count")[:1]
        order_uuid = order_uuid or str(uuid.uuid4())
        return dict(
            {
                "amount_paid": total,
                "amount_return": 0,
                "amount_tax": 0,
                "amount_total": total,
                "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                "fiscal_position_id": False,
                "pricelist_id": self.config.pricelist_id.id,
                "name": f"Order {order_uuid}",
                "last_order_preparation_change": "{}",
                "lines": [
                    Command.create(
                        {
                            "product_id": self.tea.id,
                            "price_unit": price,
                            "qty": qty,
                            "price_subtotal": total,
                            "price_subtotal_incl": total,
                            "tax_ids": [],
                        }
                    )
                ],
                "partner_id": partner.id if partner else False,
                "session_id": session.id,
                "sequence_number": 2,
                "payment_ids": [
                    Command.create(
                        {
                            "amount": total,
                            "name": fields.Datetime.now(),
                            "payment_method_id": cash.id,
                        }
                    )
                ],
                "uuid": order_uuid,
                "user_id": self.cashier.id,
                "to_invoice": False,
            },
            **extra,
        )

    def _sync(self, *orders):
        return (
            self.env["pos.order"]
            .with_user(self.cashier)
            .with_context(**DISABLED_MAIL_CONTEXT)
            .sync_from_ui(list(orders))
        )
