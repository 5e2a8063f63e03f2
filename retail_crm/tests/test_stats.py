# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Purchase statistics of members, checked against a brute-force recount."""

import random
import threading
import time as clock
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytz
from dateutil.relativedelta import relativedelta
from psycopg2 import errors as pg_errors

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.res_partner import STATS_FIELDS
from .common import RetailCrmCommon, committed_buyers, write_raw_stats

CENT = Decimal("0.01")


@tagged("post_install", "-at_install")
class TestStats(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {
                "name": "Retail CRM Test Product",
                "type": "consu",
                "list_price": 10.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.SaleOrder = cls.env["sale.order"].with_company(cls.company)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _order(self, partner, amount, state="sale", date=None, **vals):
        """An order of ``amount`` (no tax) brought to ``state``, dated ``date``."""
        order = self.SaleOrder.create(
            dict(
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
                },
                **vals,
            )
        )
        if state in ("sale", "cancel"):
            order.action_confirm()
        elif state == "sent":
            order.write({"state": "sent"})
        if date:
            # action_confirm dates the order now: backdate it afterwards
            order.write({"date_order": date})
        if state == "cancel":
            self._cancel(order)
        self.assertEqual(order.state, state)
        return order

    def _cancel(self, order):
        if order.locked:
            order.action_unlock()
        order.with_context(disable_cancel_warning=True).action_cancel()

    def _window_start(self, company):
        """UTC start of the window: local midnight, N months ago."""
        tz = pytz.timezone(company.retail_timezone)
        today = datetime.now(pytz.utc).astimezone(tz).date()
        start = today - relativedelta(months=company.retail_stats_window_months)
        return tz.localize(datetime.combine(start, time.min)).astimezone(pytz.utc)

    def _local_date(self, company, utc_dt):
        tz = pytz.timezone(company.retail_timezone)
        return pytz.utc.localize(utc_dt).astimezone(tz).date()

    def _expected(self, members, orders):
        """Brute-force statistics of ``members`` from the ``orders``."""
        result = {}
        for member in members:
            company = member.company_id
            since = self._window_start(company).replace(tzinfo=None)
            mine = orders.filtered(
                lambda o, m=member: (
                    o.state == "sale" and o.partner_id.commercial_partner_id == m
                )
            )
            amounts = [
                Decimal(str(o.amount_total)) / Decimal(str(o.currency_rate or 1))
                for o in mine
            ]
            total = sum(amounts, Decimal(0))
            in_window = [
                amount
                for o, amount in zip(mine, amounts, strict=True)
                if o.date_order >= since
            ]
            dates = [self._local_date(company, o.date_order) for o in mine]
            result[member] = {
                "retail_first_purchase_date": min(dates) if dates else False,
                "retail_last_purchase_date": max(dates) if dates else False,
                "retail_order_count": len(mine),
                "retail_total_spent": total.quantize(CENT, ROUND_HALF_UP),
                "retail_avg_ticket": (
                    (total / len(mine)).quantize(CENT, ROUND_HALF_UP)
                    if mine
                    else Decimal(0)
                ),
                "retail_window_order_count": len(in_window),
                "retail_window_spent": sum(in_window, Decimal(0)).quantize(
                    CENT, ROUND_HALF_UP
                ),
            }
        return result

    def _assert_stats(self, members, orders):
        members.invalidate_recordset(list(STATS_FIELDS))
        for member, expected in self._expected(members, orders).items():
            for fname, value in expected.items():
                with self.subTest(member=member.name, field=fname):
                    actual = member[fname]
                    if isinstance(value, Decimal):
                        self.assertAlmostEqual(actual, float(value), places=2)
                    else:
                        self.assertEqual(actual, value)

    def _assert_no_stats(self, member):
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertFalse(member.retail_first_purchase_date)
        self.assertFalse(member.retail_last_purchase_date)
        self.assertEqual(member.retail_order_count, 0)
        self.assertEqual(member.retail_total_spent, 0)
        self.assertEqual(member.retail_avg_ticket, 0)
        self.assertEqual(member.retail_window_order_count, 0)
        self.assertEqual(member.retail_window_spent, 0)

    def _reset_stats(self, members):
        """Wipe the statistics in SQL, as if they had never been computed."""
        write_raw_stats(self.env, members.ids)
        members.invalidate_recordset(list(STATS_FIELDS))

    def _random_data(self, seed=20260101, member_count=20, order_count=80):
        """Members in both stores, some with contacts, and random orders."""
        rng = random.Random(seed)
        members = self.Partner.browse()
        for i in range(member_count):
            store = self.s1 if i % 3 else self.s2
            members |= self._new_member(
                f"Stats Member {i:02d}", f"1360000{i:04d}", store, None
            )
        # orders placed by contacts count for their member
        contacts = self.Partner.create(
            [
                {"name": f"Contact of {m.name}", "parent_id": m.id, "type": "contact"}
                for m in members[:3]
            ]
        )
        # the last member buys nothing
        buyers = members[:-1] | contacts | self.non_member
        now = fields.Datetime.now()
        orders = self.env["sale.order"]
        for __ in range(order_count):
            buyer = rng.choice(buyers)
            amount = rng.randint(100, 500000) / 100
            state = rng.choices(
                ["sale", "cancel", "draft", "sent"], weights=[70, 12, 12, 6]
            )[0]
            date = now - timedelta(seconds=rng.randint(0, 548 * 24 * 3600))
            orders |= self._order(buyer, amount, state, date)
        # the random data covers every case
        self.assertEqual(
            set(orders.mapped("state")), {"sale", "cancel", "draft", "sent"}
        )
        self.assertTrue(contacts & orders.partner_id)
        self.assertIn(self.non_member, orders.partner_id)
        return members, orders

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_random_orders_match_brute_force(self):
        members, orders = self._random_data()
        self._assert_stats(members, orders)
        # a non-member gets no statistics
        self._assert_no_stats(self.non_member)
        # other windows
        for months in (1, 6, 24):
            with self.subTest(window=months):
                self.company.retail_stats_window_months = months
                self.Partner._retail_refresh_all_purchase_stats(batch_size=7)
                self._assert_stats(members, orders)

    def test_full_refresh(self):
        members, orders = self._random_data(seed=7)
        self._reset_stats(members)
        with_orders = (
            members
            & orders.filtered(
                lambda o: o.state == "sale"
            ).partner_id.commercial_partner_id
        )
        batches, updated = self.Partner._retail_refresh_all_purchase_stats(batch_size=7)
        self._assert_stats(members, orders)
        self.assertGreaterEqual(updated, len(with_orders))
        all_members = self.Partner.with_context(active_test=False).search_count(
            [("is_retail_member", "=", True)]
        )
        self.assertEqual(batches, -(-all_members // 7))
        # idempotent
        self.assertEqual(
            self.Partner._retail_refresh_all_purchase_stats(batch_size=7),
            (batches, 0),
        )
        self._assert_stats(members, orders)
        # the refresh of a recordset gives the same result
        self._reset_stats(members)
        changed = members._retail_refresh_purchase_stats()
        self.assertEqual(set(changed), set(with_orders.ids))
        self._assert_stats(members, orders)
        self.assertEqual(members._retail_refresh_purchase_stats(), [])

    def test_full_refresh_by_range(self):
        """The scan path of large batches gives the statistics of the
        brute-force recount, for members with contacts too (the ids path)."""
        members, orders = self._random_data(seed=23)
        buyers = orders.filtered(lambda o: o.state == "sale").partner_id
        with_orders = members & buyers.commercial_partner_id
        without = members - with_orders
        self.assertTrue(without)
        # rows to rewrite, a row to delete (a member who never bought), none
        # for the others
        write_raw_stats(self.env, with_orders[:5].ids, order_count=-1)
        write_raw_stats(self.env, with_orders[5:].ids)
        write_raw_stats(self.env, without.ids, order_count=4, total_spent=40)
        scan = dict(batch_size=100000, scan_min=1)
        __, updated = self.Partner._retail_refresh_all_purchase_stats(**scan)
        self._assert_stats(members, orders)
        for member in without:
            self._assert_no_stats(member)
        self.assertGreaterEqual(updated, len(members))
        self.assertEqual(self.Partner._retail_refresh_all_purchase_stats(**scan)[1], 0)
        # a cancelled order, a new one: only those members change
        sale = orders.filtered(lambda o: o.state == "sale" and o.partner_id in members)[
            :1
        ]
        self._cancel(sale)
        newcomer = without[:1]
        orders |= self._order(newcomer, 12.34)
        self._reset_stats(sale.partner_id | newcomer)
        __, updated = self.Partner._retail_refresh_all_purchase_stats(**scan)
        self.assertEqual(updated, len(sale.partner_id | newcomer))
        self._assert_stats(members, orders)
        # a member of another company, its id among this company's members:
        # each company's batch computes its own members only
        other = self._new_member(
            "Stats Member Other Company", "13600009999", self.s_other_company, None
        )
        # (the store of the other company has no manager: its first-purchase
        # follow-up is skipped with a warning, not the subject here)
        with mute_logger("odoo.addons.retail_crm.models.res_partner_followup"):
            other_orders = self._order(other, 45.6, company_id=self.company_other.id)
        write_raw_stats(self.env, (other | members[:1]).ids, order_count=-1)
        self.Partner._retail_refresh_all_purchase_stats(**scan)
        self._assert_stats(members, orders)
        self._assert_stats(other, other_orders)
        # a non-member's row is left alone
        write_raw_stats(self.env, self.non_member.ids, order_count=2)
        self.Partner._retail_refresh_all_purchase_stats(**scan)
        self.non_member.invalidate_recordset(list(STATS_FIELDS))
        self.assertEqual(self.non_member.retail_order_count, 2)

    def test_parallel_refresh(self):
        """Two workers, each with a cursor of its own, refresh the committed
        members batch by batch: the statistics of the brute-force recount,
        progress reported in the order of the batches; a batch that fails
        stops the run with its error, and a rerun finishes it."""
        with committed_buyers(self.registry) as (env, members, orders):
            Partner = env["res.partner"]
            cr = env.cr
            cr.execute("SELECT count(*) FROM res_partner WHERE is_retail_member")
            total = cr.fetchone()[0]
            for scan_min in (1, 10000):  # by id range, by ids
                with self.subTest(scan_min=scan_min):
                    write_raw_stats(env, members.ids, order_count=-1)
                    cr.commit()  # pylint: disable=invalid-commit
                    progress = []
                    batches, updated = Partner._retail_refresh_stats_parallel(
                        0,
                        batch_size=3,
                        workers=2,
                        scan_min=scan_min,
                        on_progress=lambda done, end: progress.append((done, end)),
                    )
                    # a new snapshot: the workers' commits
                    cr.commit()  # pylint: disable=invalid-commit
                    self._assert_stats(members, orders)
                    self._assert_no_stats(members[4])
                    # every member changed: 4 rows rewritten, 1 deleted
                    self.assertGreaterEqual(updated, len(members))
                    self.assertEqual(batches, -(-total // 3))
                    self.assertEqual(len(progress), batches)
                    self.assertEqual(progress[-1][0], total)
                    self.assertEqual(progress, sorted(progress))
                    self.assertEqual(len({end for __, end in progress}), batches)
            # nothing left to change
            self.assertEqual(
                Partner._retail_refresh_all_purchase_stats(batch_size=3, workers=2),
                (-(-total // 3), 0),
            )
            # Another transaction has changed the row of a member since the
            # worker refreshing it began: PostgreSQL refuses the worker's
            # update (repeatable read), the run raises it.
            write_raw_stats(env, members.ids, order_count=-1)
            cr.commit()  # pylint: disable=invalid-commit
            with self.registry.cursor() as other:
                other.execute(
                    "UPDATE retail_member_stats SET order_count = -2"
                    " WHERE partner_id = %s",
                    [members[0].id],
                )
                outcome = {}

                def run():
                    try:
                        Partner.browse()._retail_refresh_stats_parallel(
                            members[0].id - 1, batch_size=1, workers=2
                        )
                    except Exception as error:  # noqa: BLE001 - asserted below
                        outcome["error"] = error

                with mute_logger("odoo.sql_db"):
                    runner = threading.Thread(target=run)
                    # the run's own cursor is env's: not this thread's
                    runner.start()
                    self._wait_for_lock_wait(other)
                    other.commit()
                    runner.join(60)
            self.assertFalse(runner.is_alive())
            self.assertIsInstance(outcome.get("error"), pg_errors.SerializationFailure)
            cr.rollback()
            Partner._retail_refresh_all_purchase_stats(batch_size=3, workers=2)
            cr.commit()  # pylint: disable=invalid-commit
            self._assert_stats(members, orders)

    def _wait_for_lock_wait(self, cr, timeout=30):
        """Wait until a session of this database waits for a row lock."""
        deadline = clock.monotonic() + timeout
        while clock.monotonic() < deadline:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cr.fetchone()[0]:
                return
            clock.sleep(0.05)
        self.fail("no worker waited for the locked row")

    def test_local_date_shortcut(self):
        """Adding the zone's offset gives the dates AT TIME ZONE gives."""
        stamps = [
            datetime(1985, 6, 1, 20, 0),
            datetime(1991, 9, 14, 16, 59),
            datetime(2024, 3, 31, 0, 30),
            datetime(2025, 10, 26, 0, 59),
            datetime(2026, 11, 23, 15, 59, 59),
            datetime(2026, 11, 23, 16, 0),
            datetime(2030, 7, 4, 23, 0),
        ]
        for zone in ("Asia/Shanghai", "Europe/Paris", "UTC", "America/New_York"):
            with self.subTest(zone=zone):
                self.company.retail_timezone = zone
                self.env.cr.execute(
                    SQL(
                        "SELECT %s, (t AT TIME ZONE 'UTC' AT TIME ZONE %s)::date"
                        " FROM unnest(%s::timestamp[]) AS u(t)",
                        self.Partner._retail_stats_local_date("t", self.company),
                        zone,
                        stamps,
                    )
                )
                for fast, exact in self.env.cr.fetchall():
                    self.assertEqual(fast, exact)

    def test_cron(self):
        members, orders = self._random_data(seed=11, member_count=8, order_count=30)
        self._reset_stats(members)
        params = self.env["ir.config_parameter"].sudo()
        key = "retail_crm.stats_refresh_cursor"
        params.set_param(key, "")
        done = self.Partner._cron_retail_refresh_purchase_stats(batch_size=5)
        self.env.cr.execute(
            "SELECT count(*), max(id) FROM res_partner WHERE is_retail_member"
        )
        count, last_id = self.env.cr.fetchone()
        self.assertEqual(done, count)
        self._assert_stats(members, orders)
        # a complete run clears its position: the next one starts over
        self.assertFalse(params.get_param(key))
        self.assertTrue(last_id)
        # the cron job itself runs the method
        cron = self.env.ref("retail_crm.ir_cron_retail_refresh_purchase_stats")
        self.assertEqual(cron.model_id.model, "res.partner")
        self.assertIn("_cron_retail_refresh_purchase_stats", cron.code)

    def test_cron_resumes(self):
        """An interrupted run goes on from the last member done that day."""
        members, orders = self._random_data(seed=5, member_count=6, order_count=20)
        self._reset_stats(members)
        params = self.env["ir.config_parameter"].sudo()
        today = fields.Date.to_string(fields.Date.today())
        # members[:3] were done before the interruption
        params.set_param("retail_crm.stats_refresh_cursor", f"{today}:{members[2].id}")
        done = self.Partner._cron_retail_refresh_purchase_stats(batch_size=5)
        self.assertEqual(done, 3)
        self._assert_stats(members[3:], orders)
        for member in members[:3]:
            self._assert_no_stats(member)
        # a cursor of another day is ignored: the run starts over
        params.set_param(
            "retail_crm.stats_refresh_cursor", f"2000-01-01:{members[2].id}"
        )
        self.Partner._cron_retail_refresh_purchase_stats(batch_size=5)
        self._assert_stats(members, orders)

    def test_line_change_refreshes_confirmed_order(self):
        member = self._new_member("Line Change", "13600001009", self.s1, self.a1)
        order = self._order(member, 100.0, "sale")
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertAlmostEqual(member.retail_total_spent, 100.0)
        # the unit price is set again: Odoo recomputes it when the quantity changes
        order.order_line.write({"product_uom_qty": 3, "price_unit": 100.0})
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertAlmostEqual(member.retail_total_spent, 300.0)
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 20.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ]
            }
        )
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertAlmostEqual(member.retail_total_spent, 320.0)
        self.assertEqual(member.retail_order_count, 1)

    def test_incremental_refresh(self):
        member = self._new_member("Incremental", "13600001001", self.s1, self.a1)
        other = self._new_member("Incremental Other", "13600001002", self.s2, None)
        self._assert_no_stats(member)
        draft = self._order(member, 120.50, "draft")
        self._assert_no_stats(member)

        draft.action_confirm()
        member.invalidate_recordset(list(STATS_FIELDS))
        today = self._local_date(self.company, draft.date_order)
        self.assertEqual(member.retail_order_count, 1)
        self.assertAlmostEqual(member.retail_total_spent, 120.50)
        self.assertAlmostEqual(member.retail_avg_ticket, 120.50)
        self.assertEqual(member.retail_first_purchase_date, today)
        self.assertEqual(member.retail_last_purchase_date, today)
        self.assertEqual(member.retail_window_order_count, 1)
        self.assertAlmostEqual(member.retail_window_spent, 120.50)

        old = self._order(
            member, 79.49, "sale", fields.Datetime.now() - timedelta(days=400)
        )
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertEqual(member.retail_order_count, 2)
        self.assertAlmostEqual(member.retail_total_spent, 199.99)
        self.assertAlmostEqual(member.retail_avg_ticket, 100.00)  # 99.995 rounded up
        self.assertEqual(
            member.retail_first_purchase_date,
            self._local_date(self.company, old.date_order),
        )
        self.assertEqual(member.retail_last_purchase_date, today)
        self.assertEqual(member.retail_window_order_count, 1)
        self.assertAlmostEqual(member.retail_window_spent, 120.50)

        # cancelling reverts
        self._cancel(draft)
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertEqual(member.retail_order_count, 1)
        self.assertAlmostEqual(member.retail_total_spent, 79.49)
        self.assertEqual(
            member.retail_last_purchase_date, member.retail_first_purchase_date
        )
        self.assertEqual(member.retail_window_order_count, 0)
        self.assertAlmostEqual(member.retail_window_spent, 0)

        # moving an order to another buyer moves its statistics
        old.write({"partner_id": other.id})
        self._assert_no_stats(member)
        self.assertEqual(other.retail_order_count, 1)
        self.assertAlmostEqual(other.retail_total_spent, 79.49)

        # an order of a contact of the member counts for the member
        contact = self.Partner.create(
            {"name": "Contact of Incremental", "parent_id": member.id}
        )
        self._order(contact, 10.00)
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertEqual(member.retail_order_count, 1)
        self.assertAlmostEqual(member.retail_total_spent, 10.00)
        self._assert_no_stats(contact)
        self._assert_stats(
            member | other,
            self.env["sale.order"].search(
                [("partner_id", "in", (member | other | contact).ids)]
            ),
        )

    def test_purchase_date_in_company_time_zone(self):
        member = self._new_member("Late Shopper", "13600001003", self.s1, None)
        # 17:30 UTC is 01:30 the next day in Shanghai
        self._order(member, 50.0, "sale", datetime(2025, 3, 1, 17, 30))
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertEqual(str(member.retail_first_purchase_date), "2025-03-02")
        self.company.retail_timezone = "UTC"
        member._retail_refresh_purchase_stats()
        self.assertEqual(str(member.retail_first_purchase_date), "2025-03-01")

    def test_foreign_currency_order(self):
        """Amounts are counted in the currency of the company."""
        currency = self.env.ref("base.EUR")
        if currency == self.company.currency_id:
            currency = self.env.ref("base.USD")
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "company_id": self.company.id,
                "name": "2000-01-01",
                "rate": 2.0,
            }
        )
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.company.currency_id.id,
                "company_id": self.company.id,
                "name": "2000-01-01",
                "rate": 1.0,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Foreign",
                "currency_id": currency.id,
                "company_id": self.company.id,
            }
        )
        member = self._new_member("Tourist", "13600001004", self.s1, None)
        order = self._order(member, 300.0, "sale", pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, currency)
        self.assertAlmostEqual(order.currency_rate, 2.0)
        member.invalidate_recordset(list(STATS_FIELDS))
        self.assertAlmostEqual(member.retail_total_spent, 150.0)
        self._assert_stats(member, order)

    def test_stats_fields_not_writable(self):
        member = self._new_member("Stats Locked", "13600001005", self.s1, self.a1)
        self._order(member, 42.0)
        for user in (self.a1, self.m1, self.hq):
            for fname in STATS_FIELDS:
                with self.subTest(user=user.login, field=fname):
                    value = "2020-01-01" if "date" in fname else 1
                    with self.assertRaises(AccessError):
                        member.with_user(user).write({fname: value})
            # ... but readable
            values = member.with_user(user).read(list(STATS_FIELDS))[0]
            self.assertEqual(values["retail_order_count"], 1)
        member.invalidate_recordset()
        self.assertEqual(member.retail_order_count, 1)
        self.assertAlmostEqual(member.retail_total_spent, 42.0)
