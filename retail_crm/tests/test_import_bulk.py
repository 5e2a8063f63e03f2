# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Set-based (SQL) creation of imported members: same result as create()."""

import re
import time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models import res_partner
from ..tools.phone import mask_phone
from ..wizards.retail_member_import import CREATE_CONTEXT, _ImportContext
from .test_import import HEADER, MemberImportCommon, counts, make_xlsx, row

# Fields that differ between two members by construction.
OWN_FIELDS = {
    "id",
    "create_date",
    "write_date",
    "mobile",
    "retail_mobile",
    "phone_sanitized",
    "retail_member_code",
    "commercial_partner_id",
    "email",
    "email_normalized",
    # their own stage history lines (one each, same content)
    "retail_stage_history_ids",
    "retail_stage_date",
}


@tagged("post_install", "-at_install")
class TestMemberImportBulk(MemberImportCommon):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "Bulk VIP"})

    def _orm_member(self, user, **vals):
        """A member created through res.partner.create, as the import would."""
        Partner = self.env(user=user)["res.partner"].with_context(**CREATE_CONTEXT)
        return Partner.create(
            dict(
                {
                    "is_retail_member": True,
                    "company_id": self.company.id,
                    "retail_store_id": self.store.id,
                    "user_id": False,
                    "retail_channel": "import",
                },
                **vals,
            )
        )

    def test_imported_member_equals_orm_member(self):
        """Every stored field of an imported member is what create() gives."""
        for user in (self.hq, self.manager):
            with self.subTest(user=user.login):
                suffix = str(user.id % 100).zfill(2)
                # the SQL path is taken (it logs when it falls back to create)
                with self.assertNoLogs(res_partner._logger, "DEBUG"):
                    wizard = self._import(
                        [
                            HEADER,
                            row(
                                name=" 李 娜 ",
                                mobile=f"+86 138-0013-81{suffix}",
                                birthday="1990-05-06",
                                gender="女",
                                associate="Wang Fang",
                                tags="Bulk VIP",
                                email=f"LiNa{suffix}@Example.com",
                                unionid=f"UBULK{suffix}",
                            ),
                        ],
                        user=user,
                    )
                self.assertEqual(self._counts(wizard), counts(new=1))
                imported = self._member(f"+86138001381{suffix}")
                orm = self._orm_member(
                    user,
                    name="李 娜",
                    mobile=f"+86139001381{suffix}",
                    retail_birthday="1990-05-06",
                    retail_gender="female",
                    user_id=self.associate.id,
                    category_id=[Command.set(self.tag_vip.ids)],
                    email=f"lina{suffix}@example.com",
                    retail_wechat_unionid=f"UBULK{suffix}",
                )
                # flushed by the user: write_uid of the ORM member is the
                # user who flushes its post-create computations
                orm.flush_recordset()
                self.env.invalidate_all()
                stored = [
                    fname
                    for fname, field in self.Partner._fields.items()
                    if field.store and fname not in OWN_FIELDS
                ]
                # read in one environment: company-dependent fields read the
                # default of the current company
                self.assertEqual(
                    imported.read(stored)[0] | {"id": 0},
                    self.Partner.browse(orm.id).read(stored)[0] | {"id": 0},
                )
                self.assertEqual(imported.display_name, orm.display_name)
                self.assertEqual(imported.complete_name, "李 娜")
                for member, mobile in (
                    (imported, f"+86138001381{suffix}"),
                    (orm, f"+86139001381{suffix}"),
                ):
                    self.assertEqual(member.mobile, mobile)
                    self.assertEqual(member.retail_mobile, mobile)
                    self.assertEqual(member.phone_sanitized, mobile)
                    self.assertEqual(member.commercial_partner_id, member)
                    self.assertEqual(
                        member.email_normalized, f"lina{suffix}@example.com"
                    )
                    self.assertEqual(member.create_uid, user)
                    self.assertEqual(member.write_uid, user)
                    self.assertFalse(member.message_ids)
                    self.assertFalse(member.message_follower_ids)
                self.assertTrue(imported.create_date)
                # same code format: prefix and padding of the sequence
                pattern = re.sub(r"\d", r"\\d", orm.retail_member_code)
                self.assertRegex(imported.retail_member_code, f"^{pattern}$")
                self.assertNotEqual(imported.retail_member_code, orm.retail_member_code)

    def test_bulk_create_consent_log(self):
        """Consenting members get their consent history, as with create()."""
        Partner = self.env(user=self.hq)["res.partner"].with_context(
            retail_channel="import"
        )
        vals = {
            "name": "Consent",
            "is_retail_member": True,
            "company_id": self.company.id,
            "retail_store_id": self.store.id,
            "user_id": False,
            "retail_marketing_consent": True,
        }
        bulk = Partner._retail_bulk_create_members(
            [dict(vals, mobile="13800138111"), dict(vals, mobile="13800138112")]
        )
        orm = Partner.create(dict(vals, mobile="13800138113"))
        self.assertEqual(len(bulk), 2)
        for member in bulk | orm:
            self.assertTrue(member.retail_member_code)
            self.assertEqual(member.retail_consent_channel, "import")
            self.assertTrue(member.retail_consent_date)
            self.assertEqual(
                member.retail_consent_log_ids.mapped(
                    lambda log: (log.consent, log.channel, log.user_id)
                ),
                [(True, "import", self.hq)],
            )

    def test_imported_members_searchable_and_masked(self):
        wizard = self._import(
            [
                HEADER,
                row(name="赵敏", mobile="138 0013 8121", associate="rci_a1"),
                row(name="周芷若", mobile="13800138122"),
            ],
            user=self.manager,
        )
        self.assertEqual(wizard.count_new, 2)
        zhao, zhou = self._member("+8613800138121"), self._member("+8613800138122")
        Partner = self.env(user=self.associate)["res.partner"]
        self.assertEqual(
            Partner.search([("retail_phone_search", "=", "13800138121")]), zhao
        )
        self.assertEqual(Partner.name_search("赵敏")[0][0], zhao.id)
        self.assertEqual(Partner.name_search("138 0013 8122")[0][0], zhou.id)
        self.assertEqual(Partner.name_search(zhou.retail_member_code)[0][0], zhou.id)
        # the associate sees the mobile of their own member only
        own, other = Partner.browse((zhao | zhou).ids).read(
            ["mobile", "phone_sanitized"]
        )
        self.assertEqual(own["mobile"], "+8613800138121")
        self.assertEqual(other["mobile"], mask_phone("+8613800138122"))
        self.assertEqual(other["phone_sanitized"], mask_phone("+8613800138122"))
        # store-scoped: the manager of another store does not see them
        self.assertFalse(
            self.env(user=self.manager2)["res.partner"].search(
                [("id", "in", (zhao | zhou).ids)]
            )
        )

    def test_bulk_create_refuses_duplicates(self):
        Partner = self.env(user=self.hq)["res.partner"].with_context(**CREATE_CONTEXT)
        vals = {
            "name": "Dup",
            "company_id": self.company.id,
            "retail_store_id": self.store.id,
            "user_id": False,
        }
        before = self.Partner.search_count([("name", "=", "Dup")])
        cases = [
            (
                "mobile of a member",
                [dict(vals, mobile="139 0000 0001")],
                "already exists",
            ),
            (
                "mobile twice",
                [dict(vals, mobile="13800138131"), dict(vals, mobile="+8613800138131")],
                "already exists",
            ),
            (
                "code of a member",
                [dict(vals, mobile="13800138132", retail_member_code="EX0001")],
                "EX0001",
            ),
            (
                "invalid mobile",
                [dict(vals, mobile="021 6888 8888", retail_member_code="NEW1")],
                "not a mobile number",
            ),
        ]
        for label, vals_list, words in cases:
            with self.subTest(label), self.assertRaises(ValidationError) as cm:
                Partner._retail_bulk_create_members(vals_list)
            self.assertIn(words, str(cm.exception))
        self.assertEqual(self.Partner.search_count([("name", "=", "Dup")]), before)
        # an associate of another store is refused too
        with self.assertRaises(ValidationError) as cm:
            Partner._retail_bulk_create_members(
                [
                    dict(
                        vals,
                        mobile="13800138133",
                        retail_store_id=self.store2.id,
                        user_id=self.associate.id,
                    )
                ]
            )
        self.assertIn("does not work in", str(cm.exception))
        self.assertEqual(self.Partner.search_count([("name", "=", "Dup")]), before)

    def test_bulk_create_rights(self):
        """Store managers create members in their stores only; associates
        of the store too (as with create()), other users not at all."""
        vals = {
            "name": "Rights",
            "company_id": self.company.id,
            "retail_store_id": self.store2.id,
            "user_id": False,
            "mobile": "13800138141",
        }
        for user in (self.manager, self.associate):
            Partner = self.env(user=user)["res.partner"].with_context(**CREATE_CONTEXT)
            with self.subTest(user=user.login), self.assertRaises(AccessError) as cm:
                Partner._retail_bulk_create_members([vals])
            self.assertIn("Xuhui Store", str(cm.exception))
        self.assertFalse(self._member("+8613800138141"))
        member = (
            self.env(user=self.manager2)["res.partner"]
            .with_context(**CREATE_CONTEXT)
            ._retail_bulk_create_members([vals])
        )
        self.assertEqual(member.retail_store_id, self.store2)
        self.assertEqual(member.create_uid, self.manager2)

    def test_bulk_create_falls_back_to_create(self):
        """Values SQL does not handle (here a parent) go through create()."""
        company = self.Partner.create({"name": "Bulk Co", "is_company": True})
        member = (
            self.env(user=self.hq)["res.partner"]
            .with_context(**CREATE_CONTEXT)
            ._retail_bulk_create_members(
                [
                    {
                        "name": "Employee",
                        "mobile": "13800138151",
                        "parent_id": company.id,
                        "company_id": self.company.id,
                        "retail_store_id": self.store.id,
                        "user_id": False,
                    }
                ]
            )
        )
        self.assertEqual(member.commercial_partner_id, company)
        self.assertEqual(member.complete_name, "Bulk Co, Employee")
        self.assertEqual(member.retail_mobile, "+8613800138151")

    def test_planner_statistics_during_an_import(self):
        """An import that has doubled res_partner ANALYZEs its member columns
        (in its own transaction); when another transaction holds the table's
        ANALYZE lock, the import goes on at once without it and tries again
        at its next batch."""
        wizard = self._wizard(make_xlsx([HEADER, row(name="甲", mobile="13700137001")]))
        table = wizard._read_table()
        ctx = _ImportContext(wizard, wizard._mapping(table.headers), table, False, None)
        ctx.refresh_planner_statistics(0)
        start = ctx.known_rows
        self.assertGreater(start, 0)
        # fewer new rows than the table had: nothing to do
        ctx.refresh_planner_statistics(1)
        self.assertEqual((ctx.known_rows, ctx.created_since_analyze), (start, 1))
        # another transaction analyzes res_partner (lock held until it ends)
        with self.registry.cursor() as other:
            other.execute("ANALYZE res_partner (id)")
            began = time.monotonic()
            ctx.refresh_planner_statistics(start)
            self.assertLess(time.monotonic() - began, 5)
            self.assertEqual(ctx.known_rows, start)
            self.assertEqual(ctx.created_since_analyze, start + 1)
            other.rollback()
        # the next batch analyzes
        ctx.refresh_planner_statistics(0)
        self.assertEqual(
            (ctx.known_rows, ctx.created_since_analyze), (2 * start + 1, 0)
        )
        self.env.cr.execute("SHOW lock_timeout")
        self.assertEqual(self.env.cr.fetchone()[0], ctx.lock_timeout)
