# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from odoo.addons.retail_crm_loyalty.tools.loyalty_rules import referral_code

from .common import RetailPosCommon


@tagged("post_install", "-at_install")
class TestRetailPosServer(RetailPosCommon):
    def _search(self, query, user=None):
        Partner = self.Partner.with_user(user or self.cashier)
        return Partner.retail_pos_search(query, self.config.id)

    def _register(self, **vals):
        return self.Partner.with_user(self.cashier).retail_pos_register(
            vals, self.config.id
        )

    def _members(self):
        return self.Partner.with_context(active_test=False).search_count(
            [("is_retail_member", "=", True), ("company_id", "=", self.company.id)]
        )

    # ------------------------------------------------------------------
    # Session load
    # ------------------------------------------------------------------
    def test_preload_store_members_by_last_purchase(self):
        self.env["ir.config_parameter"].set_param(
            "point_of_sale.limited_customer_count", 2
        )
        extra = self._new_member("Lin San", "138 0013 8002", self.store1)
        Stats = self.env["retail.member.stats"].sudo()
        Stats.create(
            [
                {"partner_id": self.member1.id, "last_purchase_date": "2026-01-10"},
                {"partner_id": extra.id, "last_purchase_date": "2026-03-10"},
            ]
        )
        self.env.flush_all()
        self.Partner.invalidate_model()
        session = self._open_session()
        data = session.with_user(self.cashier).load_data(
            ["pos.config", "pos.order", "res.partner"]
        )
        partners = {vals["id"]: vals for vals in data["res.partner"]["data"]}
        # the store's two most recent buyers, not the member of store 2
        self.assertIn(extra.id, partners)
        self.assertIn(self.member1.id, partners)
        self.assertNotIn(self.member1b.id, partners)
        self.assertNotIn(self.member2.id, partners)
        vals = partners[self.member1.id]
        self.assertEqual(vals["retail_member_code"], self.member1.retail_member_code)
        self.assertEqual(vals["retail_pos_tier_name"], "Basic")
        self.assertEqual(vals["retail_pos_tier_color"], 4)
        self.assertEqual(vals["retail_pos_store_ref"], self.store1.id)
        self.assertEqual(str(vals["retail_last_purchase_date"]), "2026-01-10")
        self.assertIn("retail_store_id", data["pos.config"]["data"][0])

    def test_preload_without_store_is_odoo_default(self):
        self.config.retail_store_id = False
        ids = [row[0] for row in self.config.get_limited_partners_loading()]
        self.assertTrue(ids)

    # ------------------------------------------------------------------
    # Lookup
    # ------------------------------------------------------------------
    def test_search_by_phone_in_any_format(self):
        for query in ("138 0013 8000", "+86 13800138000", "0086 138-0013-8000"):
            result = self._search(query)
            self.assertEqual([r["id"] for r in result], self.member1.ids, query)
        # a member of another store is found on the server
        result = self._search("+86 139 0013 9000")
        self.assertEqual([r["id"] for r in result], self.member2.ids)
        self.assertEqual(result[0]["retail_pos_store_name"], "[RPS2] POS Store Two")

    def test_search_by_code_barcode_name(self):
        code = self.member2.retail_member_code
        self.assertEqual(
            [r["id"] for r in self._search(code.lower())], self.member2.ids
        )
        self.member1.barcode = "0420000000017"
        self.assertEqual(
            [r["id"] for r in self._search("0420000000017")], self.member1.ids
        )
        self.assertEqual(
            {r["id"] for r in self._search("Lin")},
            {self.member1.id, self.member1b.id},
        )
        # a partial phone number, an unknown code: nothing, no scan of phones
        self.assertEqual(self._search("0013"), [])
        self.assertEqual(self._search("M999999999"), [])
        # percent signs are not patterns
        self.assertEqual(self._search("%in"), [])

    def test_search_only_members_of_the_company(self):
        other = self.env["res.company"].create({"name": "Other Retail Co"})
        store = self.env["retail.store"].create(
            {"name": "Far Store", "code": "FAR", "company_id": other.id}
        )
        self.Partner.create(
            {
                "name": "Lin Far",
                "mobile": "137 0013 7000",
                "is_retail_member": True,
                "company_id": other.id,
                "retail_store_id": store.id,
            }
        )
        self.assertEqual(self._search("13700137000"), [])
        names = {r["name"] for r in self._search("Lin")}
        self.assertEqual(names, {"Lin Yi", "Lin Er"})

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_cashier_reads_members_only_through_the_pos(self):
        Partner = self.Partner.with_user(self.cashier)
        # Odoo's own ways: no member visible
        self.assertFalse(Partner.search([("id", "=", self.member1.id)]))
        with self.assertRaises(AccessError):
            Partner.browse(self.member1.id).read(["name", "mobile"])
        self.assertFalse(Partner.search_read([("name", "=", "Lin Yi")], ["name"]))
        # the POS method returns the POS fields only
        result = self._search("13800138000")
        self.assertEqual(
            set(result[0]), set(self.Partner._load_pos_data_fields(self.config.id))
        )
        self.assertNotIn("retail_total_spent", result[0])

    def test_non_pos_user_cannot_use_the_pos_methods(self):
        clerk = new_test_user(
            self.env,
            login="rc_pos_clerk",
            groups="base.group_user",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError) as cm:
            self._search("13800138000", user=clerk)
        self.assertIn("Point of Sale users", str(cm.exception))
        with self.assertRaises(AccessError):
            self.Partner.with_user(clerk).retail_pos_register(
                {"name": "X", "mobile": "13600136000"}, self.config.id
            )
        with self.assertRaises(AccessError):
            self.Partner.with_user(clerk).retail_pos_read(
                self.member1.ids, self.config.id
            )

    # ------------------------------------------------------------------
    # Registration
    # ------------------------------------------------------------------
    def test_register_with_consent_is_idempotent(self):
        before = self._members()
        result = self._register(
            uuid="reg-1",
            name="Zhao Liu",
            mobile="+86 136 0013 6000",
            birthday="1990-05-04",
            consent=True,
        )
        self.assertEqual(result["status"], "created")
        member = self.Partner.browse(result["partner"]["id"])
        self.assertEqual(member.retail_mobile, "+8613600136000")
        self.assertEqual(member.retail_store_id, self.store1)
        self.assertEqual(member.retail_channel, "pos")
        self.assertTrue(member.retail_marketing_consent)
        self.assertEqual(member.retail_consent_channel, "pos")
        self.assertEqual(member.retail_consent_log_ids.channel, "pos")
        self.assertEqual(str(member.retail_birthday), "1990-05-04")
        self.assertTrue(result["partner"]["retail_member_code"])
        # sent again (retry, offline sync): the same member, nothing created
        again = self._register(
            uuid="reg-1", name="Zhao Liu", mobile="13600136000", consent=True
        )
        self.assertEqual(again["partner"]["id"], member.id)
        self.assertEqual(self._members(), before + 1)

    def test_register_without_consent(self):
        result = self._register(uuid="reg-2", name="Qian Qi", mobile="13600136001")
        member = self.Partner.browse(result["partner"]["id"])
        self.assertFalse(member.retail_marketing_consent)
        self.assertFalse(member.retail_consent_log_ids)

    def test_register_existing_mobile_offers_the_member(self):
        before = self._members()
        result = self._register(uuid="reg-3", name="Somebody", mobile="+8613900139000")
        self.assertEqual(result["status"], "existing")
        self.assertEqual(result["partner"]["id"], self.member2.id)
        self.assertEqual(self._members(), before)

    def test_register_referral(self):
        code = self.member1.retail_referral_code
        result = self._register(
            uuid="reg-4",
            name="Sun Ba",
            mobile="13600136002",
            referral_code=" " + code.lower() + " ",
        )
        member = self.Partner.browse(result["partner"]["id"])
        # retail_crm_loyalty's referral: pending until the first order
        self.assertEqual(member.retail_referred_by_id, self.member1)
        self.assertEqual(member.retail_referral_code_used, code)
        referral = self.env["retail.referral"].search([("referee_id", "=", member.id)])
        self.assertEqual(referral.state, "pending")

    def test_register_referral_guards(self):
        """A refused referral code: its clear message, no member created; the
        same registration sent again with a good code creates one member."""
        before = self._members()
        referrals = self.env["retail.referral"].search_count([])
        cases = [
            ("M999999999", "is not a valid referral code"),
            (self._unknown_referral_code(), "No member has the referral code"),
        ]
        for code, message in cases:
            with self.assertRaises(UserError) as cm:
                self._register(
                    uuid="reg-ref",
                    name="Zhou",
                    mobile="13600136010",
                    referral_code=code,
                )
            self.assertIn(message, str(cm.exception))
        self.assertEqual(self._members(), before)
        self.assertEqual(self.env["retail.referral"].search_count([]), referrals)
        code = self.member2.retail_referral_code
        first = self._register(
            uuid="reg-ref", name="Zhou", mobile="13600136010", referral_code=code
        )
        again = self._register(
            uuid="reg-ref", name="Zhou", mobile="13600136010", referral_code=code
        )
        self.assertEqual(first["partner"]["id"], again["partner"]["id"])
        self.assertEqual(self._members(), before + 1)
        member = self.Partner.browse(first["partner"]["id"])
        self.assertEqual(member.retail_referred_by_id, self.member2)

    def _unknown_referral_code(self):
        last = self.Partner.with_context(active_test=False).search(
            [], order="id desc", limit=1
        )
        return referral_code(last.id + 1000)

    def test_offline_registration_with_bad_referral_keeps_the_member(self):
        session = self._open_session()
        registration = json.dumps(
            {
                "uuid": "offline-ref",
                "name": "Wu Shi",
                "mobile": "136 0013 6011",
                "referral_code": self._unknown_referral_code(),
            }
        )
        order = self._ui_order(session, retail_pos_registration=registration)
        with mute_logger("odoo.addons.retail_crm_pos.models.res_partner"):
            self._sync(order)
        pos_order = self.env["pos.order"].search([("uuid", "=", order["uuid"])])
        self.assertEqual(pos_order.partner_id.name, "Wu Shi")
        self.assertFalse(pos_order.partner_id.retail_referred_by_id)

    def test_register_bad_input_writes_nothing(self):
        before = self._members()
        cases = [
            ({"name": "A", "mobile": "12345"}, "not a valid phone number"),
            ({"name": "A", "mobile": "010 6552 9988"}, "not a mobile number"),
            ({"name": "A", "mobile": ""}, "mobile number is required"),
            ({"name": " ", "mobile": "13600136003"}, "name of the new member"),
            (
                {"name": "A", "mobile": "13600136003", "referral_code": "M999999999"},
                "M999999999 is not a valid referral code",
            ),
            (
                {"name": "A", "mobile": "13600136003", "birthday": "2999-01-01"},
                "cannot be in the future",
            ),
            (
                {"name": "A", "mobile": "13600136003", "birthday": "1990-13-45"},
                "not a valid birthday",
            ),
        ]
        for vals, message in cases:
            with self.assertRaises(UserError) as cm:
                self._register(uuid="bad", **vals)
            self.assertIn(message, str(cm.exception))
        self.assertEqual(self._members(), before)

    def test_register_needs_a_store(self):
        self.config.retail_store_id = False
        with self.assertRaises(ValidationError) as cm:
            self._register(uuid="reg-5", name="Li", mobile="13600136004")
        self.assertIn("belongs to no retail store", str(cm.exception))

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------
    def test_full_refresh_by_range_counts_pos_orders(self):
        """The full refresh by id range reads every purchase source (POS and
        sales): the same figures as the refresh by member ids."""
        session = self._open_session()
        self._sync(self._ui_order(session, self.member1, qty=2))
        self._sync(self._ui_order(session, self.member1, qty=1))
        Partner = self.env["res.partner"]
        members = self.member1 | self.member2
        expected = {m: (m.retail_order_count, m.retail_total_spent) for m in members}
        self.assertEqual(expected[self.member1], (2, 180.0))
        self.env.cr.execute(
            "UPDATE retail_member_stats SET order_count = -1, total_spent = 0"
            " WHERE partner_id = ANY(%s)",
            [members.ids],
        )
        members.invalidate_recordset()
        Partner._retail_refresh_all_purchase_stats(batch_size=100000, scan_min=1)
        for member in members:
            self.assertEqual(
                (member.retail_order_count, member.retail_total_spent),
                expected[member],
            )

    def test_order_feeds_statistics_and_tier_once(self):
        session = self._open_session()
        order = self._ui_order(session, self.member1, qty=2)
        result = self._sync(copy.deepcopy(order))
        self.member1.invalidate_recordset()
        self.assertEqual(self.member1.retail_order_count, 1)
        self.assertEqual(self.member1.retail_total_spent, 120.0)
        self.assertEqual(self.member1.retail_tier_id, self.gold)
        self.assertEqual(
            self.member1.with_company(self.company).property_product_pricelist,
            self.pl_gold,
        )
        # the till gets the member back with the new tier
        partners = {p["id"]: p for p in result["res.partner"]}
        self.assertEqual(partners[self.member1.id]["retail_pos_tier_name"], "Gold")
        self.assertEqual(
            partners[self.member1.id]["property_product_pricelist"], self.pl_gold.id
        )
        history = self.member1.retail_tier_history_ids
        # the same order sent again (same uuid): nothing changes twice
        self._sync(copy.deepcopy(order))
        self.member1.invalidate_recordset()
        self.assertEqual(self.member1.retail_order_count, 1)
        self.assertEqual(self.member1.retail_total_spent, 120.0)
        self.assertEqual(self.member1.retail_tier_history_ids, history)
        self.assertEqual(
            self.env["pos.order"].search_count([("uuid", "=", order["uuid"])]), 1
        )

    def test_session_close_keeps_statistics(self):
        session = self._open_session()
        self._sync(self._ui_order(session, self.member2))
        # the cashier closes the session from the till
        session = session.with_user(self.cashier)
        session.post_closing_cash_details(60.0)
        session.close_session_from_ui()
        self.assertEqual(session.state, "closed")
        self.member2.invalidate_recordset()
        self.assertEqual(self.member2.retail_order_count, 1)
        self.assertEqual(self.member2.retail_total_spent, 60.0)

    def test_offline_registration_synced_with_its_order(self):
        before = self._members()
        session = self._open_session()
        registration = json.dumps(
            {
                "uuid": "offline-1",
                "name": "Zhou Jiu",
                "mobile": "136 0013 6005",
                "consent": True,
            }
        )
        order = self._ui_order(session, retail_pos_registration=registration)
        result = self._sync(copy.deepcopy(order))
        pos_order = self.env["pos.order"].search([("uuid", "=", order["uuid"])])
        member = pos_order.partner_id
        self.assertEqual(member.name, "Zhou Jiu")
        self.assertEqual(member.retail_consent_channel, "pos")
        self.assertEqual(member.retail_order_count, 1)
        self.assertIn(member.id, [p["id"] for p in result["res.partner"]])
        # the order sent again: no second member
        self._sync(copy.deepcopy(order))
        # another offline order of the same registration key: same member
        order2 = self._ui_order(session, retail_pos_registration=registration)
        self._sync(order2)
        self.assertEqual(self._members(), before + 1)
        self.assertEqual(member.retail_order_count, 2)

    def test_offline_registration_of_an_existing_mobile(self):
        before = self._members()
        session = self._open_session()
        registration = json.dumps(
            {"uuid": "offline-2", "name": "Lin Again", "mobile": "+86 138 0013 8000"}
        )
        self._sync(self._ui_order(session, retail_pos_registration=registration))
        self.assertEqual(self._members(), before)
        self.member1.invalidate_recordset()
        self.assertEqual(self.member1.retail_order_count, 1)

    def test_offline_registration_with_bad_mobile_keeps_the_sale(self):
        before = self._members()
        session = self._open_session()
        registration = json.dumps({"uuid": "offline-3", "name": "X", "mobile": "1"})
        order = self._ui_order(session, retail_pos_registration=registration)
        with mute_logger("odoo.addons.retail_crm_pos.models.pos_order"):
            self._sync(order)
        pos_order = self.env["pos.order"].search([("uuid", "=", order["uuid"])])
        self.assertEqual(pos_order.state, "paid")
        self.assertFalse(pos_order.partner_id)
        self.assertEqual(self._members(), before)
