# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Find duplicates and merge them through Odoo's partner merge."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_import import MemberImportCommon


@tagged("post_install", "-at_install")
class TestMemberDuplicates(MemberImportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def member(name, mobile=False, **vals):
            return cls.Partner.create(
                dict(
                    {
                        "name": name,
                        "mobile": mobile,
                        "is_retail_member": True,
                        "company_id": cls.company.id,
                        "retail_store_id": cls.store.id,
                        "user_id": False,
                    },
                    **vals,
                )
            )

        # Same WeChat UnionID: the one who bought is proposed as master.
        cls.u1 = member("Zhang Wei", "13700000001", retail_wechat_unionid="UX")
        cls.u2 = member(
            "张伟",
            "13700000002",
            retail_wechat_unionid="UX",
            email="zw@example.com",
            retail_birthday=date(1990, 1, 2),
        )
        # Same name and birthday, four of them (merged in chunks of three).
        cls.nb = [
            member(
                "Li Na",
                f"1370000001{i}" if i else False,
                retail_birthday=date(1985, 5, 5),
            )
            for i in range(4)
        ]
        # An archived member with the mobile of an active one.
        cls.active_m = member("Active", "13700000020")
        cls.archived_m = member("Old", "13700000099", retail_member_code="OLD1")
        cls.archived_m.active = False
        cls.archived_m.mobile = "13700000020"
        cls.product = cls.env["product.product"].create(
            {"name": "Retail Test Product", "list_price": 100.0}
        )

    def _order(self, partner):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ],
            }
        )
        order.with_company(self.company).action_confirm()
        return order

    def _wizard(self, **vals):
        return (
            self.env["retail.member.duplicate"]
            .with_user(self.hq)
            .create(dict({"company_id": self.company.id}, **vals))
        )

    def _group(self, wizard, criterion):
        return wizard.group_ids.filtered(lambda g: g.criterion == criterion)

    def test_find_groups(self):
        wizard = self._wizard()
        wizard.action_search()
        unionid = self._group(wizard, "unionid")
        self.assertEqual(unionid.member_ids, self.u1 | self.u2)
        self.assertEqual(unionid.key, "UX")
        name_birthday = self._group(wizard, "name_birthday")
        self.assertEqual(len(name_birthday.member_ids), 4)
        self.assertEqual(name_birthday.key, "Li Na / 1985-05-05")
        # Archived members only with the option.
        self.assertFalse(self._group(wizard, "mobile"))
        wizard.include_archived = True
        wizard.action_search()
        self.assertEqual(
            self._group(wizard, "mobile").member_ids, self.active_m | self.archived_m
        )

    def test_master_proposal(self):
        wizard = self._wizard(by_name_birthday=False)
        wizard.action_search()
        # Without purchases, the most complete member is proposed.
        self.assertEqual(self._group(wizard, "unionid").master_id, self.u2)
        self._order(self.u1)
        self.assertTrue(self.u1.retail_last_purchase_date)
        wizard.action_search()
        self.assertEqual(self._group(wizard, "unionid").master_id, self.u1)

    def test_merge_moves_orders_and_logs(self):
        order = self._order(self.u2)
        self.u2.message_post(body="Likes green tea")
        activity = self.u2.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call back", user_id=self.hq.id
        )
        wizard = self._wizard(by_name_birthday=False)
        wizard.action_search()
        group = self._group(wizard, "unionid")
        group.master_id = self.u1
        group.action_merge()
        self.assertEqual(group.state, "merged")
        self.assertFalse(self.u2.exists())
        master = self.u1
        self.assertEqual(order.partner_id, master)
        self.assertEqual(activity.res_id, master.id)
        self.assertEqual(master.retail_order_count, 1)
        self.assertEqual(master.retail_mobile, "+8613700000001")
        self.assertEqual(master.email, "zw@example.com")
        self.assertEqual(master.retail_birthday, date(1990, 1, 2))
        bodies = master.message_ids.mapped("body")
        self.assertTrue(any("Likes green tea" in b for b in bodies))
        self.assertTrue(
            any("Duplicate members merged" in b and "张伟" in b for b in bodies)
        )

    def test_merge_all_in_chunks(self):
        wizard = self._wizard(by_unionid=False)
        wizard.action_search()
        group = self._group(wizard, "name_birthday")
        master = group.master_id
        wizard.action_merge_all()
        self.assertEqual(wizard.merged_count, 3)
        self.assertEqual([m.exists() for m in self.nb].count(master), 1)
        self.assertEqual(sum(1 for m in self.nb if m.exists()), 1)
        # The master keeps a mobile: its own, or a merged member's.
        self.assertTrue(master.retail_mobile)
        wizard.action_search()
        self.assertFalse(self._group(wizard, "name_birthday"))

    def test_master_without_mobile_takes_one(self):
        wizard = self._wizard(by_unionid=False)
        wizard.action_search()
        group = self._group(wizard, "name_birthday")
        nomobile = self.nb[0]
        group.master_id = nomobile
        group.action_merge()
        self.assertTrue(nomobile.retail_mobile)
        self.assertEqual(
            self.Partner.search_count([("retail_mobile", "=", nomobile.retail_mobile)]),
            1,
        )

    def test_rights(self):
        with self.assertRaises(AccessError):
            self.env["retail.member.duplicate"].with_user(self.manager).create({})
        wizard = self._wizard()
        wizard.action_search()
        with self.assertRaises(AccessError):
            wizard.group_ids[:1].with_user(self.manager).action_merge()
