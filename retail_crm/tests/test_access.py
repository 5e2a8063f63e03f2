# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what on members and other partners."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools.phone import mask_phone
from .common import RetailCrmCommon

OPERATIONS = (
    "read",
    "write",
    "create",
    "unlink",
    "export",
    "read_group",
    "name_search",
)
ALL = dict.fromkeys(OPERATIONS, True)
NONE = dict.fromkeys(OPERATIONS, False)
# Members of the user's own store: everything but deleting and exporting.
OWN_STORE = dict(ALL, unlink=False, export=False)
# Partners that are not members are not restricted by the retail rules. Only
# Odoo's own ACL applies to deleting them: associates and store managers have
# no unlink access on res.partner (sales / retail ACLs are 1,1,1,0), HQ has it
# through base.group_partner_manager.
NON_MEMBER = dict(ALL, unlink=False)

# (role, target) -> operation -> allowed
EXPECTED = {
    ("associate", "member_own_store"): OWN_STORE,
    ("associate", "member_other_store"): NONE,
    ("associate", "non_member"): NON_MEMBER,
    ("manager", "member_own_store"): OWN_STORE,
    ("manager", "member_other_store"): NONE,
    ("manager", "non_member"): NON_MEMBER,
    ("hq", "member_own_store"): ALL,
    ("hq", "member_other_store"): ALL,
    ("hq", "non_member"): ALL,
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {"associate": cls.a1, "manager": cls.m1, "hq": cls.hq}
        # "own store" is S1 (store of A1 and M1); HQ works in no store.
        cls.targets = {
            "member_own_store": cls.member_a1b,
            "member_other_store": cls.member_s2,
            "non_member": cls.non_member,
        }
        cls.target_stores = {"member_own_store": cls.s1, "member_other_store": cls.s2}
        cls.mobile_seq = 0

    def _next_mobile(self):
        type(self).mobile_seq += 1
        return f"1370000{type(self).mobile_seq:04d}"

    def _new_target(self, kind, name):
        """A fresh partner of the kind ``kind`` (for destructive operations)."""
        if kind == "non_member":
            return self.Partner.create(
                {"name": name, "is_company": True, "company_id": self.company.id}
            )
        store = self.target_stores[kind]
        return self._new_member(name, self._next_mobile(), store, None)

    def test_matrix_is_complete(self):
        for (role, kind), expected in EXPECTED.items():
            self.assertIn(role, self.users)
            self.assertIn(kind, self.targets)
            self.assertEqual(set(expected), set(OPERATIONS))
        self.assertEqual(len(EXPECTED), len(self.users) * len(self.targets))

    def test_access_matrix(self):
        for (role, kind), expected in EXPECTED.items():
            for operation in OPERATIONS:
                allowed = expected[operation]
                with self.subTest(role=role, target=kind, operation=operation):
                    check = getattr(self, f"_check_{operation}")
                    check(self.users[role], kind, allowed)

    # ------------------------------------------------------------------
    # One method per operation: asserts the allowed or denied outcome
    # ------------------------------------------------------------------
    def _check_read(self, user, kind, allowed):
        target = self.targets[kind]
        Partner = self.Partner.with_user(user)
        found = Partner.search([("id", "=", target.id)])
        if allowed:
            self.assertEqual(found, target)
            values = target.with_user(user).read(["name", "email"])
            self.assertEqual(values[0]["name"], target.name)
        else:
            self.assertFalse(found)
            with self.assertRaises(AccessError):
                target.with_user(user).read(["name", "email"])

    def _check_write(self, user, kind, allowed):
        target = self.targets[kind]
        email = f"{user.login}.{kind}@example.com"
        if allowed:
            target.with_user(user).write({"email": email})
            target.invalidate_recordset()
            self.assertEqual(target.email, email)
        else:
            with self.assertRaises(AccessError):
                target.with_user(user).write({"email": email})
            target.invalidate_recordset()
            self.assertNotEqual(target.email, email)

    def _check_create(self, user, kind, allowed):
        vals = {"name": f"Created by {user.login} ({kind})"}
        if kind == "non_member":
            vals.update(is_company=True)
        else:
            vals.update(
                is_retail_member=True,
                mobile=self._next_mobile(),
                retail_store_id=self.target_stores[kind].id,
            )
        Partner = self.Partner.with_user(user)
        if allowed:
            partner = Partner.create(vals)
            self.assertEqual(partner.name, vals["name"])
            self.assertEqual(partner.is_retail_member, kind != "non_member")
        else:
            with self.assertRaises(AccessError):
                Partner.create(vals)
        self.assertEqual(
            bool(self.Partner.search_count([("name", "=", vals["name"])])), allowed
        )

    def _check_unlink(self, user, kind, allowed):
        target = self._new_target(kind, f"To delete by {user.login} ({kind})")
        if allowed:
            target.with_user(user).unlink()
            self.assertFalse(target.exists())
        else:
            with self.assertRaises(AccessError):
                target.with_user(user).unlink()
            self.assertTrue(target.exists())

    def _check_export(self, user, kind, allowed):
        target = self.targets[kind]
        Log = self.env["retail.export.log"]
        logs_before = Log.search([])
        if allowed:
            result = target.with_user(user).export_data(["name", "email"])
            self.assertEqual(result["datas"][0][0], target.name)
            new_logs = Log.search([]) - logs_before
            if kind == "non_member":
                self.assertFalse(new_logs, "only exports of members are logged")
            else:
                self.assertEqual(len(new_logs), 1)
                self.assertEqual(new_logs.user_id, user)
                self.assertEqual(new_logs.model, "res.partner")
                self.assertEqual(new_logs.record_count, 1)
                self.assertEqual(new_logs.member_count, 1)
                self.assertEqual(new_logs.field_names, "name, email")
        else:
            with self.assertRaises(AccessError):
                target.with_user(user).export_data(["name", "email"])
            self.assertEqual(Log.search([]), logs_before)

    def _check_read_group(self, user, kind, allowed):
        target = self.targets[kind]
        groups = self.Partner.with_user(user).read_group(
            [("id", "=", target.id)], ["retail_store_id"], ["retail_store_id"]
        )
        count = sum(group["retail_store_id_count"] for group in groups)
        self.assertEqual(count, 1 if allowed else 0)
        if allowed:
            store = groups[0]["retail_store_id"]
            self.assertEqual(store and store[0], target.retail_store_id.id or False)

    def _check_name_search(self, user, kind, allowed):
        target = self.targets[kind]
        ids = [pid for pid, __ in self.Partner.with_user(user).name_search(target.name)]
        self.assertEqual(target.id in ids, allowed)


@tagged("post_install", "-at_install")
class TestAccessRules(RetailCrmCommon):
    # ------------------------------------------------------------------
    # Field rights of the roles
    # ------------------------------------------------------------------
    def test_associate_cannot_reassign(self):
        member = self.member_a1.with_user(self.a1)
        forbidden = [
            {"retail_store_id": self.s2.id},
            {"retail_store_id": self.s1.id},
            {"user_id": self.a1b.id},
            {"user_id": False},
            {"is_retail_member": False},
            {"active": False},
            {"retail_member_code": "X1"},
            {"retail_join_date": "2020-01-01"},
            {"retail_channel": "import"},
            {"company_id": self.company_other.id},
            {"retail_consent_channel": "wecom"},
            {"retail_total_spent": 1.0},
        ]
        for vals in forbidden:
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    member.write(vals)
        self.member_a1.invalidate_recordset()
        self.assertEqual(self.member_a1.retail_store_id, self.s1)
        self.assertEqual(self.member_a1.user_id, self.a1)
        self.assertTrue(self.member_a1.is_retail_member)
        self.assertTrue(self.member_a1.active)
        # contact fields are fine
        member.write(
            {
                "email": "alice@example.com",
                "street": "1 Nanjing Road",
                "retail_birthday": "1990-05-01",
                "retail_gender": "female",
                "retail_marketing_consent": True,
            }
        )
        self.assertEqual(self.member_a1.email, "alice@example.com")

    def test_manager_reassign(self):
        member = self.member_a1.with_user(self.m1)
        member.write({"user_id": self.a1b.id})
        self.assertEqual(self.member_a1.user_id, self.a1b)
        member.write({"user_id": self.m1.id})
        self.assertEqual(self.member_a1.user_id, self.m1)
        member.write({"user_id": False})
        self.assertFalse(self.member_a1.user_id)
        member.write({"retail_store_id": self.s1.id, "user_id": self.a1.id})
        self.assertEqual(self.member_a1.user_id, self.a1)
        member.write({"active": False})
        self.assertFalse(self.member_a1.active)
        member.write({"active": True})

        # not staff of the member's store
        for user in (self.a2, self.m2, self.hq, self.internal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(ValidationError):
                    member.write({"user_id": user.id})
        # a store the manager does not work in, with or without an associate
        for vals in (
            {"retail_store_id": self.s2.id},
            {"retail_store_id": self.s2.id, "user_id": self.a2.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    member.write(vals)
        # HQ fields stay out of reach
        for vals in (
            {"is_retail_member": False},
            {"retail_member_code": "X1"},
            {"company_id": self.company_other.id},
            {"retail_window_spent": 1.0},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    member.write(vals)
        self.member_a1.invalidate_recordset()
        self.assertEqual(self.member_a1.retail_store_id, self.s1)
        self.assertEqual(self.member_a1.user_id, self.a1)
        self.assertTrue(self.member_a1.is_retail_member)
        # members of another store are out of reach
        with self.assertRaises(AccessError):
            self.member_s2.with_user(self.m1).write({"user_id": self.m1.id})

    def test_manager_moves_between_own_stores(self):
        """A manager working in two stores moves members between them."""
        self.s2.staff_user_ids = [(4, self.m1.id)]
        member = self.member_a1.with_user(self.m1)
        with self.assertRaises(ValidationError):
            # A1 does not work in S2
            member.write({"retail_store_id": self.s2.id, "user_id": self.a1.id})
        with self.assertRaises(ValidationError):
            # moving the member alone would leave it with A1, who is not in S2
            member.write({"retail_store_id": self.s2.id})
        with self.assertRaises(ValidationError):
            # the rule holds for HQ too: customers stay with the store
            self.member_a1.with_user(self.hq).write({"retail_store_id": self.s2.id})
        self.assertEqual(self.member_a1.retail_store_id, self.s1)
        self.assertEqual(self.member_a1.user_id, self.a1)
        member.write({"retail_store_id": self.s2.id, "user_id": self.a2.id})
        self.assertEqual(self.member_a1.retail_store_id, self.s2)
        self.assertEqual(self.member_a1.user_id, self.a2)

    def test_make_contact_a_member(self):
        """Only HQ turns a contact into a member (an HQ field of members)."""
        contact = self.Partner.create(
            {"name": "Walk-in Contact", "mobile": "137 0000 9999"}
        )
        for user in (self.a1, self.m1):
            for vals in (
                {"is_retail_member": True},
                {"is_retail_member": True, "retail_store_id": self.s1.id},
                {"is_retail_member": True, "retail_store_id": self.s2.id},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        contact.with_user(user).write(vals)
                    contact.invalidate_recordset()
                    self.assertFalse(contact.is_retail_member)
        contact.with_user(self.hq).write(
            {"is_retail_member": True, "retail_store_id": self.s2.id}
        )
        self.assertTrue(contact.is_retail_member)
        self.assertEqual(contact.retail_store_id, self.s2)
        self.assertEqual(contact.company_id, self.company)
        self.assertRegex(contact.retail_member_code, r"^M\d{9}$")
        self.assertEqual(contact.retail_channel, "store")
        self.assertTrue(contact.retail_join_date)
        self.assertEqual(contact.retail_mobile, "+8613700009999")
        self.assertFalse(contact.user_id)

    def test_hq_reassigns(self):
        member = self.member_a1.with_user(self.hq)
        member.write({"retail_store_id": self.s2.id, "user_id": self.a2.id})
        self.assertEqual(self.member_a1.retail_store_id, self.s2)
        member.write({"retail_member_code": "HQ-CODE-1", "retail_channel": "import"})
        self.assertEqual(self.member_a1.retail_member_code, "HQ-CODE-1")
        member.write({"active": False})
        self.assertFalse(self.member_a1.active)

    def test_stats_fields_read_only_for_everyone(self):
        for user in (self.a1, self.m1, self.hq):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.member_a1.with_user(user).write({"retail_order_count": 3})
                with self.assertRaises(AccessError):
                    self.non_member.with_user(user).write({"retail_total_spent": 3})

    # ------------------------------------------------------------------
    # Visibility
    # ------------------------------------------------------------------
    def test_internal_user_without_retail_role(self):
        Partner = self.Partner.with_user(self.internal_user)
        members = self.member_a1 | self.member_a1_2 | self.member_a1b | self.member_s2
        self.assertFalse(Partner.search([("is_retail_member", "=", True)]))
        self.assertFalse(Partner.search([("id", "in", members.ids)]))
        self.assertFalse(Partner.name_search("Member S"))
        self.assertFalse(Partner.search([("retail_phone_search", "=", "13812345678")]))
        with self.assertRaises(AccessError):
            self.member_a1.with_user(self.internal_user).read(["name"])
        self.assertEqual(
            Partner.search([("id", "=", self.non_member.id)]), self.non_member
        )
        self.assertEqual(
            self.non_member.with_user(self.internal_user).read(["name"])[0]["name"],
            self.non_member.name,
        )
        self.assertIn(
            self.non_member.id,
            [pid for pid, __ in Partner.name_search("Acme Trading")],
        )
        self.assertFalse(self.internal_user._retail_role())

    def test_roles(self):
        self.assertEqual(self.a1._retail_role(), "associate")
        self.assertEqual(self.m1._retail_role(), "manager")
        self.assertEqual(self.hq._retail_role(), "hq")
        self.assertEqual(self.env.ref("base.user_root")._retail_role(), "hq")

    def test_store_visibility(self):
        Partner = self.Partner.with_user(self.a1)
        members = Partner.search(
            [("is_retail_member", "=", True), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(members, self.member_a1 | self.member_a1_2 | self.member_a1b)
        members = self.Partner.with_user(self.a2).search(
            [("is_retail_member", "=", True), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(members, self.member_s2)
        members = self.Partner.with_user(self.hq).search(
            [("is_retail_member", "=", True), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            members,
            self.member_a1 | self.member_a1_2 | self.member_a1b | self.member_s2,
        )
        self.assertEqual(self.s1.with_user(self.hq).member_count, 3)
        # the rules follow the staff lists at once (they are cached per user)
        self.s2.staff_user_ids = [(4, self.a1.id)]
        self.assertIn(self.member_s2, Partner.search([("is_retail_member", "=", True)]))
        self.a1.write({"retail_store_ids": [(3, self.s2.id)]})
        self.assertNotIn(
            self.member_s2, Partner.search([("is_retail_member", "=", True)])
        )
        store = self.env["retail.store"].create(
            {
                "name": "New Store",
                "code": "RCT9",
                "company_id": self.company.id,
                "staff_user_ids": [(4, self.a1.id)],
            }
        )
        member = Partner.create(
            {
                "name": "First Member of New Store",
                "is_retail_member": True,
                "retail_store_id": store.id,
            }
        )
        self.assertEqual(Partner.search([("retail_store_id", "=", store.id)]), member)

    # ------------------------------------------------------------------
    # Masked phones
    # ------------------------------------------------------------------
    def test_phone_masking(self):
        self.member_a1b.phone = "+86 138 1234 5678"
        masked = "138****5678"
        fnames = [
            "mobile",
            "phone",
            "retail_mobile",
            "phone_sanitized",
            "retail_phone_search",
        ]
        spec = dict.fromkeys(fnames, {})
        cases = [
            # (user, member, masked)
            (self.a1, self.member_a1b, True),
            (self.a1, self.member_a1, False),
            (self.a1b, self.member_a1b, False),
            (self.a1b, self.member_a1, True),
            (self.m1, self.member_a1b, False),
            (self.hq, self.member_a1b, False),
            (self.hq, self.member_s2, False),
        ]
        for user, member, is_masked in cases:
            with self.subTest(user=user.login, member=member.name):
                record = member.with_user(user)
                Partner = self.Partner.with_user(user)
                results = {
                    "read": record.read(fnames)[0],
                    "search_read": Partner.search_read(
                        [("id", "=", member.id)], fnames
                    )[0],
                    "web_read": record.web_read(spec)[0],
                }
                for method, values in results.items():
                    for fname in fnames:
                        real = member[fname]
                        expected = mask_phone(real) if is_masked else real
                        self.assertEqual(values[fname], expected, f"{method} {fname}")
                    if is_masked and member == self.member_a1b:
                        self.assertEqual(values["mobile"], masked)
                        self.assertEqual(values["phone"], masked)
                    elif is_masked:
                        self.assertEqual(values["mobile"], "139****0001")
                    else:
                        self.assertEqual(values["mobile"], member.mobile)
                # the ORM value stays the real one
                self.assertEqual(record.mobile, member.mobile)
                self.assertNotIn("*", record.mobile)
        # a non-member's phone is never masked
        values = self.non_member.with_user(self.a1).read(["mobile"])[0]
        self.assertEqual(values["mobile"], "13900000009")

    def test_associate_cannot_group_by_phone(self):
        """Grouping by phone would unmask other associates' numbers."""
        Partner = self.Partner.with_user(self.a1)
        for spec in ("mobile", "phone", "retail_mobile", "phone_sanitized"):
            with self.subTest(groupby=spec):
                with self.assertRaises(AccessError):
                    Partner.read_group([], ["name"], [spec])
                with self.assertRaises(AccessError):
                    Partner._read_group([], aggregates=[f"{spec}:array_agg"])
        # other groupings stay available to associates
        groups = Partner._read_group(
            [("is_retail_member", "=", True)], ["retail_store_id"], ["__count"]
        )
        self.assertEqual({store for store, __ in groups}, {self.s1})
        # managers and HQ may group by phone
        for user in (self.m1, self.hq):
            with self.subTest(user=user.login):
                self.Partner.with_user(user)._read_group([], ["mobile"], ["__count"])
