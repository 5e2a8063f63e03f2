# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member creation: defaults, errors, consent history, phone search."""

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import FULL_WIDTH, RetailCrmCommon


@tagged("post_install", "-at_install")
class TestMember(RetailCrmCommon):
    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    def test_create_defaults_associate(self):
        Partner = self.Partner.with_user(self.a1)
        member = Partner.create(
            {"name": "New Member", "mobile": "139 1111 2222", "is_retail_member": True}
        )
        self.assertTrue(member.is_retail_member)
        self.assertRegex(member.retail_member_code, r"^M\d{9}$")
        self.assertEqual(member.retail_join_date, fields.Date.context_today(member))
        self.assertEqual(member.retail_channel, "store")
        self.assertEqual(member.retail_store_id, self.s1)
        self.assertEqual(member.user_id, self.a1)
        self.assertEqual(member.company_id, self.company)
        self.assertEqual(member.retail_mobile, "+8613911112222")
        self.assertEqual(member.mobile, "139 1111 2222")
        self.assertFalse(member.retail_marketing_consent)
        self.assertFalse(member.retail_consent_log_ids)

        # the code comes from the sequence and differs for every member
        second = Partner.with_context(default_is_retail_member=True).create(
            {"name": "Second New Member", "mobile": "139 1111 2223"}
        )
        self.assertTrue(second.is_retail_member)
        self.assertRegex(second.retail_member_code, r"^M\d{9}$")
        self.assertNotEqual(second.retail_member_code, member.retail_member_code)
        codes = self.Partner.search(
            [("company_id", "=", self.company.id), ("is_retail_member", "=", True)]
        ).mapped("retail_member_code")
        self.assertEqual(len(codes), len(set(codes)))

    def test_create_defaults_other_roles(self):
        by_manager = self.Partner.with_user(self.m1).create(
            {"name": "Member By Manager", "is_retail_member": True}
        )
        self.assertEqual(by_manager.retail_store_id, self.s1)
        self.assertEqual(by_manager.user_id, self.m1)

        # HQ works in no store: it chooses the store, and assigns nobody
        by_hq = self.Partner.with_user(self.hq).create(
            {
                "name": "Member By HQ",
                "is_retail_member": True,
                "retail_store_id": self.s2.id,
            }
        )
        self.assertEqual(by_hq.retail_store_id, self.s2)
        self.assertFalse(by_hq.user_id)
        self.assertRegex(by_hq.retail_member_code, r"^M\d{9}$")

        # store and channel from the context (e.g. the store's member list)
        from_context = (
            self.Partner.with_user(self.a1)
            .with_context(
                default_is_retail_member=True,
                default_retail_store_id=self.s1.id,
                retail_channel="wecom",
            )
            .create({"name": "Member From WeCom"})
        )
        self.assertEqual(from_context.retail_store_id, self.s1)
        self.assertEqual(from_context.retail_channel, "wecom")

        # a plain contact gets none of the member defaults
        contact = self.Partner.with_user(self.a1).create({"name": "Plain Contact"})
        self.assertFalse(contact.is_retail_member)
        self.assertFalse(contact.retail_member_code)
        self.assertFalse(contact.retail_store_id)
        self.assertFalse(contact.retail_join_date)

    def test_code_skips_used_codes(self):
        """The sequence value already used by hand is skipped."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "retail.member.code")], limit=1
        )
        taken = sequence.get_next_char(sequence.number_next_actual)
        self._new_member(
            "Code Taker", "13900000100", self.s1, self.a1, retail_member_code=taken
        )
        member = self.Partner.with_user(self.a1).create(
            {"name": "After Code Taker", "is_retail_member": True}
        )
        self.assertRegex(member.retail_member_code, r"^M\d{9}$")
        self.assertNotEqual(member.retail_member_code, taken)

    # ------------------------------------------------------------------
    # Duplicate mobiles
    # ------------------------------------------------------------------
    def test_duplicate_mobile_visible(self):
        """The existing member is named when the user may see it."""
        count = self._member_count()
        for mobile in ("13812345678", "+86 138-1234-5678", "0086 138 1234 5678"):
            with self.subTest(mobile=mobile):
                with self.assertRaises(ValidationError) as catcher:
                    self.Partner.with_user(self.a1).create(
                        {"name": "Dup", "mobile": mobile, "is_retail_member": True}
                    )
                message = str(catcher.exception)
                self.assertIn(self.member_a1b.name, message)
                self.assertIn(self.member_a1b.retail_member_code, message)
                self.assertIn(self.s1.display_name, message)
                self.assertEqual(self._member_count(), count)

    def test_duplicate_mobile_other_store(self):
        """A member of a store the user cannot see is not named."""
        count = self._member_count()
        with self.assertRaises(ValidationError) as catcher:
            self.Partner.with_user(self.a1).create(
                {"name": "Dup", "mobile": "139 0000 0003", "is_retail_member": True}
            )
        message = str(catcher.exception)
        self.assertIn("exists in another store", message)
        self.assertNotIn(self.member_s2.name, message)
        self.assertNotIn(self.member_s2.retail_member_code, message)
        self.assertNotIn(self.s2.name, message)
        self.assertEqual(self._member_count(), count)

        # HQ sees every store: the member is named
        with self.assertRaises(ValidationError) as catcher:
            self.Partner.with_user(self.hq).create(
                {
                    "name": "Dup",
                    "mobile": "139 0000 0003",
                    "is_retail_member": True,
                    "retail_store_id": self.s1.id,
                }
            )
        self.assertIn(self.member_s2.name, str(catcher.exception))
        self.assertEqual(self._member_count(), count)

    def test_duplicate_mobile_in_batch(self):
        count = self._member_count()
        with self.assertRaises(ValidationError):
            self.Partner.with_user(self.a1).create(
                [
                    {
                        "name": "Twin 1",
                        "mobile": "13955550000",
                        "is_retail_member": True,
                    },
                    {
                        "name": "Twin 2",
                        "mobile": "139 5555 0000",
                        "is_retail_member": True,
                    },
                ]
            )
        self.assertEqual(self._member_count(), count)

    def test_archived_member_mobile_reused(self):
        self.member_a1b.action_archive()
        member = self.Partner.with_user(self.a1).create(
            {"name": "Reuser", "mobile": "138-1234-5678", "is_retail_member": True}
        )
        self.assertEqual(member.retail_mobile, self.member_a1b.retail_mobile)
        # ... but the archived member cannot come back while the mobile is used
        with self.assertRaises(ValidationError):
            self.member_a1b.action_unarchive()
            self.member_a1b.flush_recordset()
        self.assertFalse(self.member_a1b.active)

    def test_same_mobile_other_company(self):
        member = self._new_member(
            "Other Company Twin", "138 1234 5678", self.s_other_company, None
        )
        self.assertEqual(member.company_id, self.company_other)
        self.assertEqual(member.retail_mobile, self.member_a1b.retail_mobile)

    def test_non_member_mobile_not_unique(self):
        """Only members are kept unique: contacts may share a mobile."""
        contact = self.Partner.with_user(self.a1).create(
            {"name": "Contact Twin", "mobile": "138 1234 5678"}
        )
        self.assertFalse(contact.is_retail_member)
        self.assertEqual(contact.retail_mobile, self.member_a1b.retail_mobile)

    def test_edit_into_duplicate(self):
        member = self.member_a1.with_user(self.a1)
        with self.assertRaises(ValidationError) as catcher:
            member.write({"mobile": "138 1234 5678"})
            member.flush_recordset()
        self.assertIn(self.member_a1b.name, str(catcher.exception))
        with self.assertRaises(ValidationError) as catcher:
            member.write({"mobile": "139 0000 0003"})
            member.flush_recordset()
        self.assertIn("exists in another store", str(catcher.exception))
        self.assertNotIn(self.member_s2.name, str(catcher.exception))
        member.invalidate_recordset()
        self.assertEqual(member.mobile, "13900000001")
        self.assertEqual(member.retail_mobile, "+8613900000001")
        # the user's view decides, even when a flush by sudo code runs the check
        with self.assertRaises(ValidationError) as catcher:
            member.write({"mobile": "139 0000 0003"})
            member.sudo().env.flush_all()
        self.assertIn("exists in another store", str(catcher.exception))
        self.assertNotIn(self.member_s2.name, str(catcher.exception))
        # a free number is fine
        member.write({"mobile": "139 0000 0077"})
        member.flush_recordset()
        self.assertEqual(member.retail_mobile, "+8613900000077")

    def test_non_member_becoming_duplicate_member(self):
        contact = self.Partner.create(
            {"name": "Contact Twin", "mobile": "138 1234 5678", "company_id": False}
        )
        with self.assertRaises(ValidationError):
            contact.write(
                {
                    "is_retail_member": True,
                    "company_id": self.company.id,
                    "retail_store_id": self.s1.id,
                }
            )
            contact.flush_recordset()
        self.assertFalse(contact.is_retail_member)

    # ------------------------------------------------------------------
    # Invalid mobiles, codes, stores
    # ------------------------------------------------------------------
    def test_invalid_mobile(self):
        count = self._member_count()
        table = [
            ("12345", "is not a valid phone number"),
            ("abc", "is not a valid phone number"),
            ("010-12345678", "is not a mobile number"),
            ("400-810-8888", "is not a mobile number"),
        ]
        for mobile, text in table:
            with self.subTest(mobile=mobile):
                with self.assertRaises(ValidationError) as catcher:
                    self.Partner.with_user(self.a1).create(
                        {"name": "Bad", "mobile": mobile, "is_retail_member": True}
                    )
                self.assertIn(text, str(catcher.exception))
                self.assertIn(mobile, str(catcher.exception))
                self.assertEqual(self._member_count(), count)
                with self.assertRaises(ValidationError) as catcher:
                    self.member_a1.with_user(self.a1).write({"mobile": mobile})
                self.assertIn(text, str(catcher.exception))
                self.member_a1.invalidate_recordset()
                self.assertEqual(self.member_a1.mobile, "13900000001")
        # contacts that are not members may keep any phone
        contact = self.Partner.with_user(self.a1).create(
            {"name": "Landline Contact", "mobile": "010-12345678"}
        )
        self.assertFalse(contact.retail_mobile)

    def test_member_code_collision(self):
        count = self._member_count()
        code = self.member_a1b.retail_member_code
        # the Python constraint refuses it with a translated message naming
        # the code; the deferred SQL constraint only backs it up at commit
        with self.assertRaises(ValidationError) as caught:
            self.Partner.create(
                {
                    "name": "Code Clash",
                    "is_retail_member": True,
                    "company_id": self.company.id,
                    "retail_store_id": self.s1.id,
                    "retail_member_code": code,
                }
            )
        self.assertEqual(self._member_count(), count)
        self.assertIn(code, str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.member_a1.with_user(self.hq).write({"retail_member_code": code})
        self.assertIn(code, str(caught.exception))
        self.member_a1.invalidate_recordset()
        self.assertNotEqual(self.member_a1.retail_member_code, code)
        # the same code in another company is fine
        other = self._new_member(
            "Code Twin",
            "13900000010",
            self.s_other_company,
            None,
            retail_member_code=code,
        )
        self.assertEqual(other.retail_member_code, code)

    def test_associate_without_store(self):
        count = self._member_count()
        with self.assertRaises(UserError) as catcher:
            self.Partner.with_user(self.associate_nostore).create(
                {"name": "Homeless", "mobile": "13900000011", "is_retail_member": True}
            )
        self.assertIn("not assigned to any store", str(catcher.exception))
        self.assertEqual(self._member_count(), count)

    def test_member_needs_store_and_company(self):
        count = self._member_count()
        with self.assertRaises(ValidationError):
            self.member_a1.write({"retail_store_id": False})
        with self.assertRaises(ValidationError):
            self.member_a1.write({"company_id": False})
        self.assertEqual(self._member_count(), count)

    # ------------------------------------------------------------------
    # Consent history
    # ------------------------------------------------------------------
    def test_consent_log(self):
        Log = self.env["retail.consent.log"]
        member = self.Partner.with_user(self.a1).create(
            {
                "name": "Consenting",
                "mobile": "13900000012",
                "is_retail_member": True,
                "retail_marketing_consent": True,
            }
        )
        logs = Log.search([("partner_id", "=", member.id)])
        self.assertEqual(len(logs), 1)
        self.assertTrue(logs.consent)
        self.assertEqual(logs.channel, "store")
        self.assertEqual(logs.user_id, self.a1)
        self.assertTrue(member.retail_consent_date)
        self.assertEqual(member.retail_consent_channel, "store")

        # writing the same value logs nothing
        member.with_user(self.a1).write({"retail_marketing_consent": True})
        self.assertEqual(Log.search_count([("partner_id", "=", member.id)]), 1)

        member.with_user(self.a1).with_context(
            retail_consent_channel="wecom", retail_consent_note="Asked by phone"
        ).write({"retail_marketing_consent": False})
        logs = Log.search([("partner_id", "=", member.id)], order="id")
        self.assertEqual(len(logs), 2)
        self.assertFalse(logs[1].consent)
        self.assertEqual(logs[1].channel, "wecom")
        self.assertEqual(logs[1].note, "Asked by phone")
        self.assertEqual(member.retail_consent_channel, "wecom")
        self.assertEqual(member.retail_consent_log_ids, logs)

        # a member without consent logs nothing at creation
        silent = self.Partner.with_user(self.a1).create(
            {"name": "Silent", "mobile": "13900000013", "is_retail_member": True}
        )
        self.assertFalse(Log.search([("partner_id", "=", silent.id)]))

        # the history cannot be rewritten
        for user in (self.a1, self.m1):
            with self.subTest(user=user.login):
                log = logs[0].with_user(user)
                self.assertTrue(log.read(["consent"]))
                with self.assertRaises(AccessError):
                    log.write({"consent": False})
                with self.assertRaises(AccessError):
                    log.unlink()
                with self.assertRaises(AccessError):
                    Log.with_user(user).create(
                        {"partner_id": member.id, "consent": True}
                    )
                with self.assertRaises(AccessError):
                    member.with_user(user).write(
                        {"retail_consent_date": fields.Datetime.now()}
                    )
        # the associates of another store do not see it
        with self.assertRaises(AccessError):
            logs[0].with_user(self.a2).read(["consent"])
        self.assertEqual(len(Log.search([("partner_id", "=", member.id)])), 2)

    # ------------------------------------------------------------------
    # Search by phone and code
    # ------------------------------------------------------------------
    def test_phone_search(self):
        Partner = self.Partner.with_user(self.a1)
        for value in (
            "13812345678",
            "138 1234 5678",
            "+86 138-1234-5678",
            "0086 13812345678",
            "13812345678".translate(FULL_WIDTH),
            "1234 5678",
        ):
            with self.subTest(value=value):
                found = Partner.search([("retail_phone_search", "=", value)])
                self.assertIn(self.member_a1b, found)
                found = Partner.search([("retail_phone_search", "ilike", value)])
                self.assertIn(self.member_a1b, found)
        self.assertFalse(Partner.search([("retail_phone_search", "=", "12")]))
        with self.assertRaises(UserError):
            Partner.search([("retail_phone_search", "!=", "13812345678")])
        # members of other stores are not found
        self.assertFalse(Partner.search([("retail_phone_search", "=", "13900000003")]))
        self.assertEqual(
            self.Partner.with_user(self.hq).search(
                [("retail_phone_search", "=", "139-0000-0003")]
            ),
            self.member_s2,
        )
        self.assertEqual(self.member_a1b.retail_phone_search, "+8613812345678")

    def test_name_search(self):
        Partner = self.Partner.with_user(self.a1)
        for value in (
            "138 1234 5678",
            "+86 13812345678",
            self.member_a1b.retail_member_code,
            self.member_a1b.retail_member_code.lower(),
            "Bob Member",
        ):
            with self.subTest(value=value):
                ids = [pid for pid, __ in Partner.name_search(value)]
                self.assertIn(self.member_a1b.id, ids)
                self.assertNotIn(self.member_a1.id, ids)
        # the member of S2 is not found by an associate of S1
        for value in ("139 0000 0003", self.member_s2.retail_member_code):
            with self.subTest(value=value):
                self.assertFalse(Partner.name_search(value))
                ids = [
                    pid
                    for pid, __ in self.Partner.with_user(self.hq).name_search(value)
                ]
                self.assertIn(self.member_s2.id, ids)
