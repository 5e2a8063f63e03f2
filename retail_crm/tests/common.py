# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixture of the retail_crm tests.

Everything lives in a company of its own, so the demo data (stores, users,
members, orders of the main company) can neither be seen by the test users
nor clash with the test members' mobiles and codes::

    company
    ├── S1 (manager M1; staff M1, A1, A1b)
    │   ├── member_a1, member_a1_2   assigned to A1
    │   └── member_a1b               assigned to A1b (mobile 138 1234 5678)
    └── S2 (manager M2; staff M2, A2)
        └── member_s2                assigned to A2
    hq             HQ, no store
    associate_nostore   associate working in no store
    internal_user  internal user without any retail group
    non_member     a company partner that is not a member
"""

from contextlib import contextmanager

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# Associates and managers get "Access to export feature", as every internal
# user created from Odoo's default user template: exporting members must then
# still be refused by retail_crm itself. HQ gets it from its group.
ASSOCIATE = "retail_crm.group_retail_associate,base.group_allow_export"
MANAGER = "retail_crm.group_retail_store_manager,base.group_allow_export"
HQ = "retail_crm.group_retail_hq"

# Full-width digits and plus sign, as typed with a Chinese input method.
FULL_WIDTH = str.maketrans(
    "0123456789+", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0b"
)


def write_raw_stats(env, partner_ids, **values):
    """Store purchase statistics directly in ``retail_member_stats``.

    Test fixture standing for the SQL refresh: ``values`` are columns of
    the table (``order_count=3, last_purchase_date=...``); the others are
    left as they are (or empty for a new row). With no values, the rows are
    deleted: the members have never bought.
    """
    env.flush_all()
    ids = list(partner_ids)
    if not values:
        env.cr.execute(
            "DELETE FROM retail_member_stats WHERE partner_id = ANY(%s)", [ids]
        )
    else:
        columns = [SQL.identifier(col) for col in values]
        env.cr.execute(
            SQL(
                "INSERT INTO retail_member_stats AS s (partner_id, %s)"
                " SELECT pid, %s FROM unnest(%s::int[]) AS pid"
                " ON CONFLICT (partner_id) DO UPDATE SET %s",
                SQL(", ").join(columns),
                SQL(", ").join(SQL("%s", value) for value in values.values()),
                ids,
                SQL(", ").join(SQL("%s = EXCLUDED.%s", col, col) for col in columns),
            )
        )
    env["res.partner"].browse(ids).invalidate_recordset()


@contextmanager
def committed_buyers(registry):
    """Members and confirmed orders committed in a transaction of their
    own (workers with cursors of their own read committed data only),
    deleted afterwards. Yields ``(env, members, orders)``, ``env`` being
    on that transaction's cursor."""
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            dict(DISABLED_MAIL_CONTEXT, retail_stats_no_hooks=True),
        )
        # the test's company is not committed: the main company is
        company = env.ref("base.main_company")
        product = env["product.product"].create(
            {"name": "Parallel Refresh Product", "type": "service"}
        )
        store = env["retail.store"].create(
            {
                "name": "Parallel Refresh Store",
                "code": "PARALLEL-REFRESH",
                "company_id": company.id,
                "manager_id": env.ref("base.user_admin").id,
            }
        )
        members = env["res.partner"].create(
            [
                {
                    "name": f"Parallel Refresh {i}",
                    "mobile": f"1369999{i:04d}",
                    "is_retail_member": True,
                    "company_id": company.id,
                    "retail_store_id": store.id,
                }
                for i in range(5)
            ]
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": member.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": 10.5 * (i + 1) + j,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
                for i, member in enumerate(members[:4])
                for j in range(i + 1)
            ]
        )
        orders.action_confirm()
        cr.commit()  # pylint: disable=invalid-commit
        try:
            yield env, members, orders
        finally:
            cr.rollback()
            env.invalidate_all()
            orders.with_context(disable_cancel_warning=True).action_cancel()
            orders.unlink()
            members.unlink()
            store.unlink()
            product.unlink()
            cr.commit()  # pylint: disable=invalid-commit


class RetailCrmCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.Partner = cls.env["res.partner"]
        cls.company = cls.env["res.company"].create(
            {
                "name": "Retail CRM Test Company",
                "currency_id": cls.env.company.currency_id.id,
                "retail_phone_region": "CN",
                "retail_timezone": "Asia/Shanghai",
                "retail_stats_window_months": 12,
            }
        )
        cls.company_other = cls.env["res.company"].create(
            {
                "name": "Retail CRM Test Company 2",
                "currency_id": cls.env.company.currency_id.id,
                "retail_phone_region": "CN",
            }
        )
        cls.a1 = cls._new_user("rc_a1", ASSOCIATE, "Associate A1")
        cls.a1b = cls._new_user("rc_a1b", ASSOCIATE, "Associate A1b")
        cls.m1 = cls._new_user("rc_m1", MANAGER, "Manager M1")
        cls.a2 = cls._new_user("rc_a2", ASSOCIATE, "Associate A2")
        cls.m2 = cls._new_user("rc_m2", MANAGER, "Manager M2")
        cls.hq = cls._new_user("rc_hq", HQ, "HQ User")
        cls.associate_nostore = cls._new_user(
            "rc_a0", ASSOCIATE, "Associate Without Store"
        )
        cls.internal_user = cls._new_user(
            "rc_internal", "base.group_user", "Internal User"
        )
        Store = cls.env["retail.store"]
        cls.s1 = Store.create(
            {
                "name": "Test Store 1",
                "code": "RCT1",
                "company_id": cls.company.id,
                "manager_id": cls.m1.id,
                "staff_user_ids": [Command.set((cls.a1 | cls.a1b).ids)],
            }
        )
        cls.s2 = Store.create(
            {
                "name": "Test Store 2",
                "code": "RCT2",
                "company_id": cls.company.id,
                "manager_id": cls.m2.id,
                "staff_user_ids": [Command.set(cls.a2.ids)],
            }
        )
        cls.s_other_company = Store.create(
            {
                "name": "Store of Company 2",
                "code": "RCT3",
                "company_id": cls.company_other.id,
            }
        )
        (cls.a1 | cls.a1b | cls.m1).write({"retail_default_store_id": cls.s1.id})
        (cls.a2 | cls.m2).write({"retail_default_store_id": cls.s2.id})

        cls.member_a1 = cls._new_member(
            "Alice Member S1 A1", "13900000001", cls.s1, cls.a1
        )
        cls.member_a1_2 = cls._new_member(
            "Amy Member S1 A1", "13900000002", cls.s1, cls.a1
        )
        cls.member_a1b = cls._new_member(
            "Bob Member S1 A1b", "138 1234 5678", cls.s1, cls.a1b
        )
        cls.member_s2 = cls._new_member(
            "Carol Member S2", "13900000003", cls.s2, cls.a2
        )
        cls.non_member = cls.Partner.create(
            {
                "name": "Acme Trading Non-Member",
                "is_company": True,
                "company_id": cls.company.id,
                "mobile": "13900000009",
                "email": "acme@example.com",
            }
        )

    @classmethod
    def _new_user(cls, login, group, name):
        return new_test_user(
            cls.env,
            login=login,
            groups=group,
            name=name,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            context=DISABLED_MAIL_CONTEXT,
        )

    @classmethod
    def _new_member(cls, name, mobile, store, user, **vals):
        """A member created as superuser (no defaults from a user)."""
        return cls.Partner.create(
            dict(
                {
                    "name": name,
                    "mobile": mobile,
                    "is_retail_member": True,
                    "company_id": store.company_id.id,
                    "retail_store_id": store.id,
                    "user_id": user.id if user else False,
                },
                **vals,
            )
        )

    def _member_count(self):
        """Number of members (archived included) in the test companies."""
        return self.Partner.with_context(active_test=False).search_count(
            [
                ("is_retail_member", "=", True),
                ("company_id", "in", (self.company | self.company_other).ids),
            ]
        )
