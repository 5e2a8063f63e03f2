#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the members at the Point of Sale (``retail_crm_pos``).

    python3 benchmarks/bench_pos.py --db rc_pos_bench --small-db rc_pos_small \
        [--runs 5] [--lookups 300] [--orders 50] [--http-port 8174]

``--db`` is a database with many members (e.g. a copy of ``rc_bench``, 1M
members: ``createdb -T rc_bench rc_pos_bench``), ``--small-db`` one with
about 1,000 members (e.g. ``createdb -T rc_pos rc_pos_small``, the demo
database of the addon). ``retail_crm_pos`` is installed in both when missing
(``-i``, no demo data). Everything the benchmark creates (POS config,
session, cashier, orders) lives in a transaction that is rolled back: the
databases are left as they were (apart from the installation).

1. Session load: ``pos.session.load_data([])`` (every model the till loads)
   of a POS of the store with the most members, as a cashier, ``--runs``
   times, in both databases. Target: the median with many members is at most
   1.1x the median with few (the preload reads at most the partner load
   limit of the store's members from one index).
   Odoo's own preload (the same POS without a store:
   ``get_limited_partners_loading`` sorts every partner of the company by
   POS orders) is timed alongside in the big database.
2. Member lookup by phone: ``res.partner.retail_pos_search`` as the cashier
   for ``--lookups`` random members of the big database, the mobile typed in
   several formats (``138 0013 8000``, ``+86…``, ``0086-…``). Target:
   p95 <= 50 ms.
3. ``pos.order.sync_from_ui`` of ``--orders`` paid orders of members, one per
   call, as the cashier. The time spent in this addon's code (statistics and
   tier refresh, offline registration check, members sent back to the till)
   is measured by timing wrappers around its methods (their behaviour is
   unchanged); Odoo's own cost is the rest. Target: with / without <= 1.15x.

Exit code: 0 when every target is met, 1 otherwise, 2 when Odoo 18.0 is not
importable or a database cannot be prepared.
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm_pos"
TARGET_LOAD_RATIO = 1.1
TARGET_LOOKUP_P95_MS = 50.0
TARGET_SYNC_RATIO = 1.15
PY_SEED = 42


def say(message=""):
    print(message, flush=True)


def die(message, code=2):
    print(f"ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def percentile(values, pct):
    values = sorted(values)
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(pct / 100.0 * len(values) + 0.5) - 1))
    return values[index]


class Database:
    """One database: install the addon if needed, open its registry."""

    parsed = False

    def __init__(self, odoo, name, http_port, addons_path):
        self.odoo = odoo
        self.name = name
        self.http_port = http_port
        self.addons_path = addons_path
        self.registry = None

    def installed(self):
        import psycopg2  # noqa: PLC0415

        try:
            cnx = psycopg2.connect(dbname=self.name)
        except psycopg2.OperationalError:
            die(f"database {self.name} does not exist")
        try:
            with cnx.cursor() as cr:
                cr.execute(
                    "SELECT state FROM ir_module_module WHERE name = %s", [ADDON]
                )
                row = cr.fetchone()
                return bool(row and row[0] == "installed")
        finally:
            cnx.close()

    def open(self):
        odoo = self.odoo
        if not self.installed():
            cmd = [
                sys.executable,
                "-m",
                "odoo",
                "-d",
                self.name,
                f"--addons-path={self.addons_path}",
                "-i",
                ADDON,
                "--without-demo=all",
                "--stop-after-init",
                f"--http-port={self.http_port}",
                "--max-cron-threads=0",
                "--log-level=warn",
            ]
            say(" ".join(cmd))
            if subprocess.run(cmd, cwd=ROOT, check=False).returncode:
                die(f"installing {ADDON} in {self.name} failed")
        if not Database.parsed:
            # Odoo parses its configuration once per process
            odoo.tools.config.parse_config(
                [
                    f"--addons-path={self.addons_path}",
                    "-d",
                    self.name,
                    "--log-level=warn",
                    "--max-cron-threads=0",
                ]
            )
            Database.parsed = True
        self.registry = odoo.modules.registry.Registry(self.name)

    @contextmanager
    def env(self):
        """A superuser environment in a transaction that is rolled back."""
        odoo = self.odoo
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            try:
                yield env
            finally:
                env.invalidate_all(flush=False)
                cr.rollback()


class Bench:
    def __init__(self, odoo, args):
        self.odoo = odoo
        self.args = args
        self.results = {}

    # ------------------------------------------------------------------
    def setup_pos(self, env, with_store=True):
        """A POS of the store with the most members, a cashier, a session."""
        Command = self.odoo.Command
        env.cr.execute(
            "SELECT retail_store_id, count(*) FROM res_partner"
            " WHERE is_retail_member AND active AND retail_store_id IS NOT NULL"
            " GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        store_id, store_members = env.cr.fetchone()
        store = env["retail.store"].browse(store_id)
        company = store.company_id
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        cashier = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench Cashier",
                    "login": f"bench_cashier_{uuid.uuid4().hex[:8]}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.link(env.ref("base.group_user").id),
                        Command.link(env.ref("point_of_sale.group_pos_user").id),
                    ],
                }
            )
        )
        # a bank method: one cash method per POS only, this one is shared
        bank_journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if not bank_journal:
            bank_journal = env["account.journal"].create(
                {
                    "name": "Bench Bank",
                    "type": "bank",
                    "code": "BBNK",
                    "company_id": company.id,
                }
            )
        method = env["pos.payment.method"].search(
            [("name", "=", "Bench Bank"), ("company_id", "=", company.id)], limit=1
        ) or env["pos.payment.method"].create(
            {
                "name": "Bench Bank",
                "journal_id": bank_journal.id,
                "company_id": company.id,
            }
        )
        config = env["pos.config"].create(
            {
                "name": f"Bench POS {'store' if with_store else 'stock'}",
                "company_id": company.id,
                "retail_store_id": store.id if with_store else False,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        config.with_user(cashier).open_ui()
        session = config.current_session_id
        return {
            "env": env,
            "store": store,
            "store_members": store_members,
            "company": company,
            "cashier": cashier,
            "config": config,
            "session": session,
            "method": method,
        }

    def time_load(self, ctx, runs):
        session = ctx["session"].with_user(ctx["cashier"])
        times = []
        partners = 0
        for __ in range(runs):
            ctx["env"].invalidate_all()
            start = time.perf_counter()
            data = session.load_data([])
            times.append(time.perf_counter() - start)
            partners = len(data["res.partner"]["data"])
        return times, partners

    # ------------------------------------------------------------------
    def run_load(self, db, label):
        with db.env() as env:
            env.cr.execute("SELECT count(*) FROM res_partner WHERE is_retail_member")
            members = env.cr.fetchone()[0]
            ctx = self.setup_pos(env)
            self.time_load(ctx, 1)  # warm up the caches of the registry
            times, partners = self.time_load(ctx, self.args.runs)
            self.results[f"load_{label}"] = {
                "members": members,
                "store_members": ctx["store_members"],
                "median": statistics.median(times),
                "partners": partners,
            }
            say(
                f"   {label}: {members:,} members ({ctx['store_members']:,} in "
                f"the store), session load median {statistics.median(times):.3f} s,"
                f" {partners} partners loaded"
            )
            if label == "big":
                stock = self.setup_pos(env, with_store=False)
                self.time_load(stock, 1)
                times, partners = self.time_load(stock, self.args.runs)
                self.results["load_stock"] = {
                    "median": statistics.median(times),
                    "partners": partners,
                }
                say(
                    f"   big, Odoo's preload (POS without store): median "
                    f"{statistics.median(times):.3f} s, {partners} partners"
                )

    def run_lookup(self, db):
        rng = random.Random(PY_SEED)
        with db.env() as env:
            ctx = self.setup_pos(env)
            env.cr.execute(
                "SELECT retail_mobile FROM res_partner TABLESAMPLE SYSTEM (1)"
                " WHERE is_retail_member AND active AND retail_mobile LIKE '+861%%'"
                " AND company_id = %s LIMIT %s",
                [ctx["company"].id, self.args.lookups],
            )
            mobiles = [row[0] for row in env.cr.fetchall()]
            Partner = env["res.partner"].with_user(ctx["cashier"])
            config_id = ctx["config"].id
            times = []
            found = 0
            for mobile in mobiles:
                digits = mobile[3:]
                typed = rng.choice(
                    [
                        f"{digits[:3]} {digits[3:7]} {digits[7:]}",
                        f"+86 {digits}",
                        f"0086-{digits[:3]}-{digits[3:7]}-{digits[7:]}",
                        digits,
                    ]
                )
                start = time.perf_counter()
                result = Partner.retail_pos_search(typed, config_id)
                times.append((time.perf_counter() - start) * 1000)
                found += bool(result)
            self.results["lookup"] = {
                "count": len(times),
                "found": found,
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "max": max(times) if times else 0.0,
            }
            say(
                f"   {len(times)} lookups ({found} found): p50 "
                f"{percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms"
            )

    def run_sync(self, db):
        odoo = self.odoo
        pos_order_cls = odoo.addons.retail_crm_pos.models.pos_order.PosOrder
        partner_cls = odoo.addons.retail_crm_pos.models.res_partner.ResPartner
        spent = [0.0]
        wrapped = [
            (pos_order_cls, "_retail_refresh_member_stats"),
            (pos_order_cls, "_retail_register_offline_member"),
            (partner_cls, "_retail_pos_read"),
        ]
        originals = {}

        def timed(func):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return func(*args, **kwargs)
                finally:
                    spent[0] += time.perf_counter() - start

            return wrapper

        with db.env() as env:
            ctx = self.setup_pos(env)
            env = ctx["env"]
            product = env["product.product"].create(
                {
                    "name": "Bench POS Tea",
                    "available_in_pos": True,
                    "list_price": 60.0,
                    "taxes_id": [odoo.Command.clear()],
                }
            )
            env.cr.execute(
                "SELECT id FROM res_partner WHERE is_retail_member AND active"
                " AND company_id = %s ORDER BY id LIMIT %s",
                [ctx["company"].id, self.args.orders],
            )
            members = [row[0] for row in env.cr.fetchall()]
            orders = [self.order_data(ctx, product, member) for member in members]
            PosOrder = env["pos.order"].with_user(ctx["cashier"])
            for cls, name in wrapped:
                originals[(cls, name)] = getattr(cls, name)
                setattr(cls, name, timed(originals[(cls, name)]))
            try:
                start = time.perf_counter()
                for order in orders:
                    PosOrder.sync_from_ui([order])
                total = time.perf_counter() - start
            finally:
                for (cls, name), func in originals.items():
                    setattr(cls, name, func)
        ours = spent[0]
        stock = total - ours
        self.results["sync"] = {
            "orders": len(orders),
            "total": total,
            "ours": ours,
            "stock": stock,
        }
        say(
            f"   {len(orders)} orders: {total:.2f} s in all, {ours:.2f} s in "
            f"{ADDON}, Odoo's own {stock:.2f} s"
        )

    def order_data(self, ctx, product, partner_id):
        Command = self.odoo.Command
        fields = self.odoo.fields
        order_uuid = str(uuid.uuid4())
        return {
            "amount_paid": 60.0,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": 60.0,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": ctx["config"].pricelist_id.id,
            "name": f"Bench {order_uuid}",
            "last_order_preparation_change": "{}",
            "lines": [
                Command.create(
                    {
                        "product_id": product.id,
                        "price_unit": 60.0,
                        "qty": 1,
                        "price_subtotal": 60.0,
                        "price_subtotal_incl": 60.0,
                        "tax_ids": [],
                    }
                )
            ],
            "partner_id": partner_id,
            "session_id": ctx["session"].id,
            "sequence_number": 1,
            "payment_ids": [
                Command.create(
                    {
                        "amount": 60.0,
                        "name": fields.Datetime.now(),
                        "payment_method_id": ctx["method"].id,
                    }
                )
            ],
            "uuid": order_uuid,
            "user_id": ctx["cashier"].id,
            "to_invoice": False,
        }

    # ------------------------------------------------------------------
    def report(self):
        say()
        say("=" * 72)
        say(
            f"Machine: {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} CPUs (shared), Python {platform.python_version()}"
        )
        ok = True
        big, small = self.results["load_big"], self.results["load_small"]
        ratio = big["median"] / small["median"] if small["median"] else 0
        stock = self.results["load_stock"]["median"]
        say(
            f"Session load: {big['members']:,} members {big['median']:.3f} s vs "
            f"{small['members']:,} members {small['median']:.3f} s: {ratio:.2f}x"
        )
        say(
            f"  Odoo's preload on {big['members']:,} members (POS without store): "
            f"{stock:.3f} s ({stock / big['median']:.2f}x ours)"
        )
        passed = ratio <= TARGET_LOAD_RATIO
        ok &= passed
        say(f"  {'<= 1.1x':46} {'PASS' if passed else 'FAIL':>10}")
        lookup = self.results["lookup"]
        passed = (
            lookup["p95"] <= TARGET_LOOKUP_P95_MS
            and lookup["found"] == (lookup["count"])
        )
        ok &= passed
        say(
            f"Lookup by phone: p50 {lookup['p50']:.1f} ms, p95 {lookup['p95']:.1f} "
            f"ms, max {lookup['max']:.1f} ms ({lookup['found']}/{lookup['count']}"
            " found)"
        )
        label = "p95 <= 50 ms, every member found"
        say(f"  {label:46} {'PASS' if passed else 'FAIL':>10}")
        sync = self.results["sync"]
        ratio = sync["total"] / sync["stock"] if sync["stock"] else 0
        passed = ratio <= TARGET_SYNC_RATIO
        ok &= passed
        say(
            f"sync_from_ui: {sync['orders']} orders, {sync['total']:.2f} s with "
            f"{ADDON}, {sync['stock']:.2f} s without: {ratio:.3f}x"
        )
        say(f"  {'<= 1.15x':46} {'PASS' if passed else 'FAIL':>10}")
        say("=" * 72)
        return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rc_pos_bench")
    parser.add_argument("--small-db", default="rc_pos_small")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--orders", type=int, default=50)
    parser.add_argument("--http-port", type=int, default=8174)
    args = parser.parse_args()
    try:
        import odoo  # noqa: PLC0415

        import odoo.addons  # noqa: PLC0415
    except ImportError as err:
        die(f"Odoo 18.0 is not importable: {err}")
    bench = Bench(odoo, args)
    # before any config is parsed (it adds the data directory to the path)
    addons_path = ",".join([str(ROOT), *odoo.addons.__path__])
    small = Database(odoo, args.small_db, args.http_port, addons_path)
    small.open()
    say("-- session load, few members")
    bench.run_load(small, "small")
    big = Database(odoo, args.db, args.http_port, addons_path)
    big.open()
    say("-- session load, many members")
    bench.run_load(big, "big")
    say("-- member lookup by phone")
    bench.run_lookup(big)
    say("-- sync_from_ui")
    bench.run_sync(big)
    sys.exit(bench.report())


if __name__ == "__main__":
    main()
