# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Segments: domain validation, auto-tag sync, nightly refresh, access."""

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import RetailCrmCommon

REL = "res_partner_res_partner_category_rel"


@tagged("post_install", "-at_install")
class TestSegment(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Segment = cls.env["retail.segment"]
        cls.segment = cls.Segment.with_user(cls.hq).create(
            {
                "name": "Test Segment S1",
                "company_id": cls.company.id,
                "domain": repr([("retail_store_id", "=", cls.s1.id)]),
                "auto_tag": True,
            }
        )

    def _tagged(self, segment):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM %s WHERE category_id = %s",
                SQL.identifier(REL),
                segment.tag_id.id,
            )
        )
        return self.Partner.browse(sorted(r[0] for r in self.env.cr.fetchall()))

    def _rel_rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT category_id, partner_id FROM %s", SQL.identifier(REL))
        )
        return sorted(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Auto-tag
    # ------------------------------------------------------------------
    def test_tag_created_from_segment(self):
        tag = self.segment.tag_id
        self.assertTrue(tag)
        self.assertEqual(tag.name, "Test Segment S1")
        self.assertEqual(
            tag.parent_id, self.env.ref("retail_crm.partner_category_segment")
        )

    def test_auto_tag_sync(self):
        s1_members = self.member_a1 | self.member_a1_2 | self.member_a1b
        # a stray manual tag outside the segment is taken away
        self.member_s2.category_id = [Command.link(self.segment.tag_id.id)]
        result = self.segment._retail_sync_tag()
        self.assertEqual(result[self.segment.id], (3, 3, 1))
        self.assertEqual(self._tagged(self.segment), s1_members.sorted("id"))
        # the ORM sees it (cache invalidated)
        self.assertIn(self.segment.tag_id, self.member_a1.category_id)
        self.assertNotIn(self.segment.tag_id, self.member_s2.category_id)
        self.assertEqual(self.segment.last_refresh_count, 3)

        # idempotent: nothing changes the second time
        before = self._rel_rows()
        result = self.segment._retail_sync_tag()
        self.assertEqual(result[self.segment.id], (3, 0, 0))
        self.assertEqual(self._rel_rows(), before)

        # the data changes: a member moves to S2, another is archived
        self.member_a1b.write({"retail_store_id": self.s2.id, "user_id": False})
        self.member_a1_2.active = False
        result = self.segment._retail_sync_tag()
        self.assertEqual(result[self.segment.id], (1, 0, 2))
        self.assertEqual(self._tagged(self.segment), self.member_a1)

        # the domain changes
        self.segment.with_user(self.hq).domain = repr(
            [("retail_store_id", "=", self.s2.id)]
        )
        self.segment._retail_sync_tag()
        self.assertEqual(
            self._tagged(self.segment), (self.member_a1b | self.member_s2).sorted("id")
        )
        # other tags of the members are left alone
        other = self.env["res.partner.category"].create({"name": "Other Tag"})
        self.member_a1.category_id = [Command.link(other.id)]
        self.segment._retail_sync_tag()
        self.assertIn(other, self.member_a1.category_id)

    def test_empty_segment_clears_its_tag(self):
        self.segment._retail_sync_tag()
        self.segment.domain = "[('id', 'in', [])]"
        result = self.segment._retail_sync_tag()
        self.assertEqual(result[self.segment.id], (0, 0, 3))
        self.assertFalse(self._tagged(self.segment))

    def test_refresh_button_and_access(self):
        self.segment.with_user(self.hq).action_refresh_tag()
        self.assertEqual(len(self._tagged(self.segment)), 3)
        for user in (self.a1, self.m1):
            with self.assertRaises(AccessError):
                self.segment.with_user(user).action_refresh_tag()

    def test_one_auto_tag_per_tag(self):
        with self.assertRaises(ValidationError) as cm:
            self.Segment.create(
                {
                    "name": "Same Tag",
                    "domain": "[]",
                    "auto_tag": True,
                    "tag_id": self.segment.tag_id.id,
                }
            )
        self.assertIn("already kept by another segment", str(cm.exception))

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_domain_validation(self):
        bad = {
            "syntax error": "[('name', '=', ",
            "unknown field": "[('no_such_field', '=', 1)]",
            "wrong operator": "[('name', 'resembles', 'x')]",
            "not a list": "{'name': 'x'}",
            "bad arity": "[('name', '=')]",
            "bad value": "[('retail_join_date', '>=', 'not a date')]",
            "unknown name": "[('retail_join_date', '>=', yesterday())]",
        }
        count = self.Segment.with_context(active_test=False).search_count([])
        for label, domain in bad.items():
            with self.subTest(label):
                with self.assertRaises(ValidationError) as cm:
                    self.Segment.with_user(self.hq).create(
                        {"name": f"Bad {label}", "domain": domain}
                    )
                self.assertIn("is not valid", str(cm.exception))
                self.assertIn(f"Bad {label}", str(cm.exception))
                with self.assertRaises(ValidationError):
                    self.segment.with_user(self.hq).domain = domain
        self.assertEqual(
            self.Segment.with_context(active_test=False).search_count([]), count
        )
        self.segment.invalidate_recordset()
        self.assertEqual(
            self.segment.domain, repr([("retail_store_id", "=", self.s1.id)])
        )

    def test_dynamic_domain_is_valid(self):
        segment = self.Segment.create(
            {
                "name": "Joined recently",
                "company_id": self.company.id,
                "domain": "[('retail_join_date', '>=', (context_today() - "
                "relativedelta(days=30)).strftime('%Y-%m-%d')), "
                "('create_uid', '!=', uid), "
                "('create_date', '<', datetime.datetime.now())]",
            }
        )
        # the fixture's members were created by the superuser (uid), today
        self.assertEqual(segment.member_count, 0)
        segment.domain = segment.domain.replace("!=", "=")
        segment.invalidate_recordset(["member_count"])
        self.assertEqual(segment.member_count, 4)

    @mute_logger("odoo.addons.retail_crm.models.retail_segment")
    def test_nightly_refresh_goes_on_after_a_failure(self):
        broken = self.Segment.create(
            {
                "name": "Broken later",
                "company_id": self.company.id,
                "domain": "[('name', 'ilike', 'Member')]",
                "auto_tag": True,
            }
        )
        # e.g. a field removed by an upgrade after the segment was saved
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE retail_segment SET domain = %s WHERE id = %s",
                "[('gone_field', '=', 1)]",
                broken.id,
            )
        )
        broken.invalidate_recordset()
        failed = self.Segment._retail_refresh_segments()
        self.assertEqual(failed, broken)
        self.assertEqual(len(self._tagged(self.segment)), 3)
        self.assertFalse(self._tagged(broken))
        self.assertFalse(broken.last_refresh_date)
        # the other (ready-made) segments were refreshed as well
        self.assertTrue(self.env.ref("retail_crm.segment_high_value").last_refresh_date)

    # ------------------------------------------------------------------
    # Ready-made segments
    # ------------------------------------------------------------------
    def _members_of(self, xmlid):
        segment = self.env.ref(xmlid)
        return self.Partner.search(
            segment._retail_member_domain() + [("company_id", "=", self.company.id)]
        )

    def test_birthday_this_month(self):
        segment = self.env.ref("retail_crm.segment_birthday_this_month")
        today = segment._retail_today()
        self.member_a1.retail_birthday = date(1985, today.month, 1)
        self.member_a1_2.retail_birthday = date(1985, today.month, 1) + relativedelta(
            months=1
        )
        self.member_a1b.retail_birthday = date(2001, today.month, 1) + relativedelta(
            day=31
        )
        self.assertEqual(
            self._members_of("retail_crm.segment_birthday_this_month"),
            (self.member_a1 | self.member_a1b),
        )

    def test_new_this_month(self):
        segment = self.env.ref("retail_crm.segment_new_this_month")
        first = segment._retail_today() + relativedelta(day=1)
        self.member_a1.retail_join_date = first
        self.member_a1_2.retail_join_date = first - relativedelta(days=1)
        self.member_a1b.retail_join_date = first + relativedelta(months=1)
        self.member_s2.retail_join_date = first + relativedelta(day=31)
        self.assertEqual(
            self._members_of("retail_crm.segment_new_this_month"),
            (self.member_a1 | self.member_s2),
        )

    def test_ready_made_segments_are_valid(self):
        segments = self.env.ref("retail_crm.segment_champions") | self.env.ref(
            "retail_crm.segment_high_value"
        )
        segments._check_domain()
        self.assertTrue(all(segments.mapped("auto_tag")))

    def test_open_members(self):
        action = self.segment.with_user(self.a1).action_open_members()
        self.assertEqual(action["res_model"], "res.partner")
        members = self.Partner.with_user(self.a1).search(action["domain"])
        self.assertEqual(members, (self.member_a1 | self.member_a1_2 | self.member_a1b))

    # ------------------------------------------------------------------
    # Access per role
    # ------------------------------------------------------------------
    def test_access_per_role(self):
        everyone = self.Segment.create(
            {"name": "All members", "company_id": self.company.id, "domain": "[]"}
        )
        s2_only = self.Segment.create(
            {
                "name": "S2 only",
                "company_id": self.company.id,
                "domain": "[]",
                "store_ids": [Command.set(self.s2.ids)],
            }
        )
        counts = {"hq": 4, "m1": 3, "a1": 3, "a2": 1, "m2": 1}
        for name, count in counts.items():
            user = getattr(self, name)
            with self.subTest(user=name):
                seg = everyone.with_user(user)
                self.assertEqual(seg.member_count, count)
                visible = self.Segment.with_user(user).search(
                    [("id", "in", (everyone | s2_only).ids)]
                )
                expected = (
                    everyone | s2_only if name in ("hq", "a2", "m2") else everyone
                )
                self.assertEqual(visible, expected)
                if name == "hq":
                    continue
                with self.assertRaises(AccessError):
                    seg.write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    self.Segment.with_user(user).create(
                        {"name": "Mine", "domain": "[]"}
                    )
                with self.assertRaises(AccessError):
                    seg.unlink()
        self.assertEqual(everyone.name, "All members")
        everyone.with_user(self.hq).write({"name": "Renamed by HQ"})
        self.assertEqual(everyone.name, "Renamed by HQ")
        with self.assertRaises(AccessError):
            s2_only.with_user(self.a1).read(["name"])
