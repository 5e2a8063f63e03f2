# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member tiers: evaluation, upgrades, reviews, overrides, pricelists, rights."""

import random
from datetime import timedelta
from decimal import Decimal
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..tools import tiers as tier_rules
from .common import RetailCrmCommon, write_raw_stats

REVIEW_LOGGER = "odoo.addons.retail_crm.models.res_partner_stage"


class RetailTierCommon(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {
                "name": "Tier Test Product",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        Pricelist = cls.env["product.pricelist"]
        cls.pl_silver, cls.pl_gold, cls.pl_diamond = Pricelist.create(
            [
                {
                    "name": f"Tier test {pct}%",
                    "company_id": cls.company.id,
                    "currency_id": cls.company.currency_id.id,
                    "item_ids": [
                        Command.create(
                            {
                                "compute_price": "percentage",
                                "percent_price": pct,
                                "applied_on": "3_global",
                            }
                        )
                    ],
                }
                for pct in (3, 5, 8)
            ]
        )
        cls.program = cls.env["retail.tier.program"].create(
            {
                "name": "Test Tiers",
                "company_id": cls.company.id,
                "review_period": "quarterly",
                "grace_days": 30,
                "max_steps": 1,
            }
        )
        Tier = cls.env["retail.member.tier"]
        cls.basic, cls.silver, cls.gold, cls.diamond = Tier.create(
            [
                {"name": "Basic", "sequence": 1, "program_id": cls.program.id},
                {
                    "name": "Silver",
                    "sequence": 2,
                    "program_id": cls.program.id,
                    "min_spent": 1000.0,
                    "pricelist_id": cls.pl_silver.id,
                },
                {
                    "name": "Gold",
                    "sequence": 3,
                    "program_id": cls.program.id,
                    "min_spent": 3000.0,
                    "min_orders": 3,
                    "pricelist_id": cls.pl_gold.id,
                },
                {
                    "name": "Diamond",
                    "sequence": 4,
                    "program_id": cls.program.id,
                    "min_spent": 8000.0,
                    "min_orders": 6,
                    "pricelist_id": cls.pl_diamond.id,
                },
            ]
        )
        cls.tiers = cls.basic | cls.silver | cls.gold | cls.diamond
        cls.SaleOrder = cls.env["sale.order"].with_company(cls.company)
        cls.today = cls.Partner._retail_today(cls.company)

    # ------------------------------------------------------------------
    def _set_stats(self, members, spent, orders, last=None, first=None):
        """Store window statistics directly (as the SQL refresh would)."""
        last = last or (self.today if orders else None)
        write_raw_stats(
            self.env,
            members.ids,
            window_spent=spent,
            window_order_count=orders,
            order_count=orders,
            total_spent=spent,
            last_purchase_date=last,
            first_purchase_date=first or last,
        )

    def _review(self, days=0, program=None):
        program = program or self.program
        day = self.today + timedelta(days=days)
        return program.with_context(retail_today=day)._retail_run_review(batch_size=3)

    def _history(self, member):
        return self.env["retail.member.tier.history"].search(
            [("partner_id", "=", member.id)], order="id"
        )

    def _cancel(self, order):
        if order.locked:
            order.action_unlock()
        order.with_context(disable_cancel_warning=True).action_cancel()

    def _order(self, partner, amount, date=None):
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
        order.action_confirm()
        if date:
            order.write({"date_order": date})
        return order


@tagged("post_install", "-at_install")
class TestTiers(RetailTierCommon):
    def test_threshold_boundaries(self):
        cases = [
            ("0", 0, self.basic),
            ("999.99", 10, self.basic),  # one cent under
            ("1000.00", 0, self.silver),  # exactly at the threshold
            ("2999.99", 9, self.silver),
            ("3000.00", 2, self.silver),  # spend reached, orders not
            ("3000.00", 3, self.gold),
            ("7999.99", 6, self.gold),
            ("8000.00", 6, self.diamond),
        ]
        members = self.Partner
        for i, (spent, orders, __) in enumerate(cases):
            member = self._new_member(f"Boundary {i}", f"1370000{i:04d}", self.s1, None)
            self._set_stats(member, Decimal(spent), orders)
            members |= member
        self._review()
        for member, (spent, orders, tier) in zip(members, cases, strict=True):
            with self.subTest(spent=spent, orders=orders):
                self.assertEqual(member.retail_tier_id, tier)

    def test_window_edge_dates(self):
        """An order at the very start of the window counts, a second before not."""
        start = self.Partner._retail_stats_window_start(self.company)
        inside = self._new_member("Window Inside", "13700001001", self.s1, None)
        outside = self._new_member("Window Outside", "13700001002", self.s1, None)
        self._order(inside, 1000.0, start)
        self._order(outside, 1000.0, start - timedelta(seconds=1))
        self.assertAlmostEqual(inside.retail_window_spent, 1000.0)
        self.assertEqual(outside.retail_window_spent, 0)
        # both were upgraded at confirmation (dated now); backdating the
        # order never downgrades at once: only the review does, after grace
        self.assertEqual(inside.retail_tier_id, self.silver)
        self.assertEqual(outside.retail_tier_id, self.silver)
        self._review(days=10)
        self.assertEqual(outside.retail_tier_id, self.silver)  # grace
        self._review(days=31)
        self.assertEqual(inside.retail_tier_id, self.silver)
        self.assertEqual(outside.retail_tier_id, self.basic)
        line = self._history(outside)[-1]
        self.assertEqual(line.reason, "review_downgrade")
        self.assertEqual(
            (line.from_tier_id, line.to_tier_id), (self.silver, self.basic)
        )

    def test_upgrade_on_confirmation(self):
        member = self.member_a1
        self.assertFalse(member.retail_tier_id)
        first = self._order(member, 600.0)
        self.assertEqual(member.retail_tier_id, self.basic)
        order = self._order(member, 400.0)  # 1000.00 exactly
        self.assertEqual(member.retail_tier_id, self.silver)
        line = self._history(member)[-1]
        self.assertEqual(line.reason, "upgrade")
        self.assertEqual(line.order_id, order)
        self.assertEqual(
            (line.from_tier_id, line.to_tier_id), (self.basic, self.silver)
        )
        self.assertEqual(member.retail_tier_since, self.today)
        # a cancellation never downgrades at once
        self._cancel(first)
        self.assertAlmostEqual(member.retail_window_spent, 400.0)
        self.assertEqual(member.retail_tier_id, self.silver)

    def test_first_purchase_gets_tier_at_once(self):
        member = self.member_a1_2
        order = self._order(member, 50.0)
        # Basic has no threshold: reached with the first purchase
        self.assertEqual(member.retail_tier_id, self.basic)
        self.assertEqual(self._history(member).order_id, order)

    def test_pricelist_applied(self):
        member = self.member_a1
        self._order(member, 1000.0)
        self.assertEqual(member.retail_tier_id, self.silver)
        self.assertEqual(
            member.with_company(self.company).property_product_pricelist,
            self.pl_silver,
        )
        contact = self.Partner.create(
            {"name": "Contact of Alice", "parent_id": member.id, "type": "contact"}
        )
        self.assertEqual(
            contact.with_company(self.company).property_product_pricelist,
            self.pl_silver,
        )
        order = self.SaleOrder.create(
            {
                "partner_id": member.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        self.assertEqual(order.pricelist_id, self.pl_silver)
        self.assertAlmostEqual(order.order_line.price_unit, 97.0)
        # a tier without pricelist gives the default pricelist back
        self._set_stats(member, 0, 0)
        self._review(days=31)
        self.assertEqual(member.retail_tier_id, self.basic)
        # no specific pricelist any more: Odoo's default applies
        self.assertFalse(
            member.with_company(self.company).specific_property_product_pricelist
        )
        self.assertFalse(
            contact.with_company(self.company).specific_property_product_pricelist
        )

    def test_grace_and_steps(self):
        member = self.member_a1
        self._set_stats(member, 9000, 9)
        self._review()
        self.assertEqual(member.retail_tier_id, self.diamond)
        self._set_stats(member, 0, 0)
        self._review()
        self._review(days=30)  # exactly the grace period: kept
        self.assertEqual(member.retail_tier_id, self.diamond)
        self._review(days=31)
        self.assertEqual(member.retail_tier_id, self.gold)  # one step only
        self._review(days=31)
        self.assertEqual(member.retail_tier_id, self.gold)
        self._review(days=61)
        self.assertEqual(member.retail_tier_id, self.gold)  # grace again
        self.program.max_steps = 0
        self._review(days=62)
        self.assertEqual(member.retail_tier_id, self.basic)  # no step limit
        self.assertEqual(
            self._history(member).mapped("reason"),
            ["upgrade", "review_downgrade", "review_downgrade"],
        )

    def test_review_idempotent_and_matches_rules(self):
        rng = random.Random(42)
        members = self.Partner
        for i in range(25):
            member = self._new_member(f"Random {i}", f"1371000{i:04d}", self.s1, None)
            self._set_stats(
                member, Decimal(rng.randint(0, 1000000)) / 100, rng.randint(0, 9)
            )
            members |= member
        self._review()
        # random drops, then the review of a later day
        for member in members:
            if rng.random() < 0.5:
                self._set_stats(
                    member, Decimal(rng.randint(0, 300000)) / 100, rng.randint(0, 4)
                )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET retail_tier_since = %s WHERE id = ANY(%s)",
                self.today - timedelta(days=40),
                members[::2].ids,
            )
        )
        members.invalidate_recordset()
        rules = [
            tier_rules.Tier(t, tier_rules.to_decimal(t.min_spent), t.min_orders)
            for t in self.tiers
        ]
        expected = {}
        for member in members:
            current = list(self.tiers).index(member.retail_tier_id)
            eligible = tier_rules.eligible_rank(
                rules,
                tier_rules.to_decimal(member.retail_window_spent),
                member.retail_window_order_count,
            )
            rank = tier_rules.review_rank(
                current, eligible, member.retail_tier_since, self.today, 30, 1
            )
            expected[member] = self.tiers[rank] if rank >= 0 else self.Partner
        self._review()
        for member in members:
            self.assertEqual(member.retail_tier_id, expected[member], member.name)
        history = self.env["retail.member.tier.history"].search_count([])
        tiers_before = {m: m.retail_tier_id for m in members}
        self.assertEqual(self._review(), 0)
        self.assertEqual(
            self.env["retail.member.tier.history"].search_count([]), history
        )
        self.assertEqual({m: m.retail_tier_id for m in members}, tiers_before)

    def test_failing_batch_is_logged_and_rest_continues(self):
        members = self.member_a1 | self.member_a1_2 | self.member_a1b | self.member_s2
        self._set_stats(members, 1500, 1)
        Partner = type(self.Partner)
        original = Partner._retail_tier_review_batch
        poisoned = self.member_a1_2.id

        def review_batch(self_, program, ids):
            if poisoned in ids:
                raise ValueError("poisoned batch")
            return original(self_, program, ids)

        with (
            patch.object(Partner, "_retail_tier_review_batch", review_batch),
            mute_logger(REVIEW_LOGGER),
        ):
            changed = self.program._retail_run_review(batch_size=1)
        self.assertEqual(changed, 3)
        self.assertFalse(self.member_a1_2.retail_tier_id)
        self.assertEqual((members - self.member_a1_2).retail_tier_id, self.silver)
        # the next run picks it up
        self.assertEqual(self.program._retail_run_review(), 1)
        self.assertEqual(self.member_a1_2.retail_tier_id, self.silver)

    def test_review_dates(self):
        self.program.next_review_date = self.today
        self._review()
        self.assertEqual(self.program.last_review_date, self.today)
        self.assertEqual(
            self.program.next_review_date,
            tier_rules.next_review_date(self.today, "quarterly"),
        )


@tagged("post_install", "-at_install")
class TestTierOverride(RetailTierCommon):
    def test_override_survives_until_end(self):
        member = self.member_a1
        end = self.today + timedelta(days=10)
        member.with_user(self.m1).write(
            {
                "retail_tier_override_id": self.gold.id,
                "retail_tier_override_reason": "Compensation for a complaint",
                "retail_tier_override_end": end,
            }
        )
        self.assertEqual(member.retail_tier_id, self.gold)
        self.assertEqual(member.retail_tier_override_user_id, self.m1)
        line = self._history(member)
        self.assertEqual(line.reason, "manual")
        self.assertEqual(line.note, "Compensation for a complaint")
        self.assertEqual(line.user_id, self.m1)
        self.assertEqual(
            member.with_company(self.company).property_product_pricelist, self.pl_gold
        )
        # reviews and purchases leave the member alone
        self._review(days=5)
        self._order(member, 9000.0)
        self.assertEqual(member.retail_tier_id, self.gold)
        self._review(days=10)  # the end date itself: still overridden
        self.assertEqual(member.retail_tier_id, self.gold)
        # after the end: evaluated normally (9000 spent, 1 order: Silver)
        self._review(days=11)
        self.assertEqual(member.retail_tier_id, self.silver)
        self.assertFalse(member.retail_tier_override_id)
        self.assertFalse(member.retail_tier_override_reason)
        line = self._history(member)[-1]
        self.assertEqual(line.reason, "override_end")
        self.assertEqual((line.from_tier_id, line.to_tier_id), (self.gold, self.silver))
        self.assertEqual(self._review(days=11), 0)

    def test_override_requires_reason(self):
        member = self.member_a1
        for reason in (False, "", "   "):
            with self.subTest(reason=reason):
                with self.assertRaises(ValidationError) as cm:
                    member.with_user(self.m1).write(
                        {
                            "retail_tier_override_id": self.gold.id,
                            "retail_tier_override_reason": reason,
                        }
                    )
                self.assertIn("reason", str(cm.exception))
        member.invalidate_recordset()
        self.assertFalse(member.retail_tier_override_id)
        self.assertFalse(member.retail_tier_id)
        self.assertFalse(self._history(member))

    def test_override_end_in_past(self):
        with self.assertRaises(ValidationError) as cm:
            self.member_a1.with_user(self.hq).write(
                {
                    "retail_tier_override_id": self.gold.id,
                    "retail_tier_override_reason": "VIP",
                    "retail_tier_override_end": self.today - timedelta(days=1),
                }
            )
        self.assertIn("past", str(cm.exception))
        self.assertFalse(self._history(self.member_a1))

    def test_override_rights(self):
        vals = {
            "retail_tier_override_id": self.gold.id,
            "retail_tier_override_reason": "VIP",
        }
        with self.assertRaises(AccessError) as cm:
            self.member_a1.with_user(self.a1).write(vals)
        self.assertIn("store managers and HQ", str(cm.exception))
        # a manager of another store does not see the member
        with self.assertRaises(AccessError):
            self.member_a1.with_user(self.m2).write(vals)
        self.assertFalse(self._history(self.member_a1))
        # nobody writes the tier itself
        for user in (self.a1, self.m1, self.hq):
            with self.assertRaises(AccessError):
                self.member_a1.with_user(user).write({"retail_tier_id": self.gold.id})
        self.member_a1.with_user(self.hq).write(vals)
        self.assertEqual(self.member_a1.retail_tier_id, self.gold)
        # removing the override clears its fields; the tier stays until review
        self.member_a1.with_user(self.m1).write({"retail_tier_override_id": False})
        self.assertFalse(self.member_a1.retail_tier_override_reason)
        self.assertEqual(self.member_a1.retail_tier_id, self.gold)


@tagged("post_install", "-at_install")
class TestTierAccess(RetailTierCommon):
    def test_associate_reads_but_cannot_edit(self):
        for user in (self.a1, self.m1):
            with self.subTest(user=user.login):
                tier = self.silver.with_user(user)
                self.assertEqual(tier.name, "Silver")
                self.assertEqual(self.program.with_user(user).tier_count, 4)
                with self.assertRaises(AccessError):
                    tier.write({"min_spent": 1})
                with self.assertRaises(AccessError):
                    self.env["retail.member.tier"].with_user(user).create(
                        {"name": "Hack", "program_id": self.program.id, "sequence": 9}
                    )
                with self.assertRaises(AccessError):
                    self.program.with_user(user).write({"grace_days": 1})
                with self.assertRaises(AccessError):
                    tier.unlink()
        self.assertEqual(self.silver.min_spent, 1000.0)
        self.assertEqual(self.program.grace_days, 30)
        self.silver.with_user(self.hq).write({"benefits": "3 % off"})
        self.program.with_user(self.hq).write({"grace_days": 10})

    def test_run_review_button(self):
        self._set_stats(self.member_a1, 1500, 1)
        with self.assertRaises(AccessError):
            self.program.with_user(self.m1).action_run_review()
        self.assertFalse(self.member_a1.retail_tier_id)
        self.program.with_user(self.hq).action_run_review()
        self.assertEqual(self.member_a1.retail_tier_id, self.silver)

    def test_history_follows_member_visibility(self):
        self._order(self.member_a1, 1000.0)
        self._order(self.member_s2, 1000.0)
        History = self.env["retail.member.tier.history"]
        lines = History.with_user(self.a1).search([])
        self.assertEqual(lines.partner_id, self.member_a1)
        self.assertEqual(
            History.with_user(self.hq)
            .search([("partner_id.company_id", "=", self.company.id)])
            .partner_id,
            self.member_a1 | self.member_s2,
        )
        with self.assertRaises(AccessError):
            lines.write({"reason": "manual"})
        with self.assertRaises(AccessError):
            History.with_user(self.hq).create(
                {"partner_id": self.member_a1.id, "reason": "manual"}
            )


@tagged("post_install", "-at_install")
class TestTierProgramValidation(RetailTierCommon):
    def test_decreasing_thresholds_refused(self):
        Tier = self.env["retail.member.tier"].with_user(self.hq)
        bad = [
            {"min_spent": 2000.0, "min_orders": 2},  # fewer orders than Gold
            {"min_spent": 2000.0, "min_orders": 9},  # less spend than Gold
            {"min_spent": 3000.0, "min_orders": 3},  # same as Gold
        ]
        for vals in bad:
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as cm:
                    Tier.create(
                        dict(
                            vals,
                            name="Platinum",
                            sequence=3,
                            program_id=self.program.id,
                        )
                    )
                self.assertIn("Platinum", str(cm.exception))
                self.assertIn("Gold", str(cm.exception))
        with self.assertRaises(ValidationError):
            self.silver.with_user(self.hq).write({"min_spent": 5000.0})
        with self.assertRaises(ValidationError):
            self.gold.with_user(self.hq).write({"sequence": 0})
        with self.assertRaises(ValidationError) as cm:
            self.basic.with_user(self.hq).write({"min_orders": -1})
        self.assertIn("negative", str(cm.exception))
        self.assertEqual(len(self.program.tier_ids), 4)
        self.assertEqual(self.silver.min_spent, 1000.0)
        self.assertEqual(self.gold.sequence, 3)
        # a consistent tier is accepted
        Tier.create(
            {
                "name": "Platinum",
                "sequence": 3,
                "program_id": self.program.id,
                "min_spent": 5000.0,
                "min_orders": 3,
            }
        )

    def test_program_per_company(self):
        self.assertEqual(self.program.window_months, 12)
        self.program.window_months = 6
        self.assertEqual(self.company.retail_stats_window_months, 6)
        with self.assertRaises(ValidationError):
            self.program.max_steps = -1
        with self.assertRaises(ValidationError) as cm:
            self.env["retail.tier.program"].create({"company_id": self.company.id})
        self.assertIn("already has a tier program", str(cm.exception))
