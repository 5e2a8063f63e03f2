#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the nightly selection of the member automations
(``retail_crm_loyalty``): birthday + churn win-back + points expiry +
repurchase.

    python3 benchmarks/bench_loyalty_nightly.py --db rc_auto_bench \
        [--sample 2000] [--order-share 0.3] [--lot-share 0.5] \
        [--expiry-days 30] [--today 2026-11-23]

Run it on a copy of a member database (``createdb -T rc_tiers_bench
rc_auto_bench``: 1,000,000 members with statistics and stages, retail_crm
installed), never on the shared originals.

1. Installs ``retail_crm_loyalty`` without demo data when needed (and
   updates ``retail_crm``, which the copied database may hold older).
2. Prepares the data once (fixed seed, marker in ir.config_parameter), in
   SQL: a birthday for every member without one; the 'at risk' members
   entered that stage on a random day of the last 60 days; two product
   categories with a consumption cycle (14 and 30 days) and, for
   ``--order-share`` of the members, one confirmed order of one line of
   such a product on a random day of the last 45 days; a chain points card
   for every member (``res.partner._retail_ensure_loyalty_cards``, SQL) and,
   for ``--lot-share`` of the cards, one earned lot of 100 points (with its
   ``loyalty.history`` line and balance) earned on a random day of the last
   400 days, expiring 365 days later (so some are due, some expire soon).
3. Times one nightly pass of the selection as the cron runs it:
   ``retail.automation._retail_select(company, today)`` of the birthday,
   win-back and repurchase automations for every member company, and the
   points expiry selection: the members whose points expire within
   ``--expiry-days`` days (``res.partner._retail_points_expiring``, the
   'expiring soon' notice) and the cards with lots past their expiry date
   (``loyalty.card._retail_due_sql``, the expiry cron). Set-based SQL, one
   query each; message delivery and the expiry writes excluded. Twice: the
   first pass may read cold pages.
4. Times the per-record ORM way on a random sample of members (read the
   member, test the birthday with tools/messaging.py, the stage and stage
   date, search the member's order lines of categories with a cycle and
   their dates, search the existing touches, search the member's open lots
   and test their expiry dates), by batches of 1000 with the cache cleared;
   extrapolates it to all the members.
5. Checks that both ways select the same members of the sample.
6. Prints the figures, the ratio and the target (<= 120 s) with PASS/FAIL.

Exit code: 0 when the target is met and the check passes, 1 otherwise.
"""

import argparse
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm_loyalty"
MARKER_KEY = "retail_crm_loyalty.bench_nightly.dataset"
ORDER_PREFIX = "NBENCH"
TARGET_SECONDS = 120.0
ORM_BATCH = 1000
KINDS = ("birthday", "winback", "expiry", "repurchase")
# the kinds selected by a retail.automation (expiry: by the points lots)
AUTOMATION_KINDS = ("birthday", "winback", "repurchase")
LOT_LABEL = "Bench nightly points"


def say(message=""):
    print(message, flush=True)


def die(message, code=2):
    print(f"ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


@contextmanager
def phase(timings, name):
    say(f"-- {name} ...")
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
    say(f"   {name}: {timings[name]:.1f} s")


class Bench:
    def __init__(self, odoo, args):
        self.odoo = odoo
        self.args = args
        self.addons_path = ",".join([str(ROOT), *odoo.addons.__path__])
        self.timings = {}

    # ------------------------------------------------------------------
    def installed(self):
        import psycopg2  # noqa: PLC0415

        try:
            cnx = psycopg2.connect(dbname=self.args.db)
        except psycopg2.OperationalError:
            die(f"database {self.args.db} not found (copy a member database)")
        try:
            with cnx.cursor() as cr:
                cr.execute(
                    "SELECT state FROM ir_module_module WHERE name = %s", [ADDON]
                )
                row = cr.fetchone()
                return bool(row and row[0] == "installed")
        finally:
            cnx.close()

    def open_registry(self):
        odoo = self.odoo
        if not self.installed():
            cmd = [
                sys.executable,
                "-m",
                "odoo",
                "-d",
                self.args.db,
                f"--addons-path={self.addons_path}",
                "-i",
                ADDON,
                # the copied database may hold an older retail_crm
                "-u",
                "retail_crm",
                "--without-demo=all",
                "--stop-after-init",
                f"--http-port={self.args.http_port}",
                "--max-cron-threads=0",
                "--log-level=warn",
            ]
            say(" ".join(cmd))
            if subprocess.run(cmd, cwd=ROOT, check=False).returncode:
                die("odoo failed")
        odoo.tools.config.parse_config(
            [
                f"--addons-path={self.addons_path}",
                "-d",
                self.args.db,
                "--log-level=warn",
                "--max-cron-threads=0",
            ]
        )
        self.registry = odoo.modules.registry.Registry(self.args.db)

    @contextmanager
    def env(self, commit=True):
        odoo = self.odoo
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            try:
                yield env
            except BaseException:
                cr.rollback()
                raise
            if commit:
                env.flush_all()
                cr.commit()
            else:
                env.invalidate_all(flush=False)
                cr.rollback()

    def vacuum(self, *tables):
        import psycopg2  # noqa: PLC0415

        cnx = psycopg2.connect(dbname=self.args.db)
        cnx.autocommit = True
        try:
            with cnx.cursor() as cr:
                for table in tables:
                    cr.execute(f"VACUUM ANALYZE {table}")
        finally:
            cnx.close()

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    def products(self, env):
        Category = env["product.category"]
        products = env["product.product"]
        for days in (14, 30):
            name = f"Bench cycle {days} days"
            categ = Category.search([("name", "=", name)], limit=1) or Category.create(
                {"name": name, "retail_consumption_days": days}
            )
            products |= env["product.product"].search(
                [("categ_id", "=", categ.id)], limit=1
            ) or env["product.product"].create(
                {"name": f"Bench product {days}", "categ_id": categ.id}
            )
        return products

    def ensure_data(self):
        wanted = {
            "order_share": self.args.order_share,
            "lot_share": self.args.lot_share,
            "version": 2,
        }
        with self.env() as env:
            cr = env.cr
            products = self.products(env)
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER_KEY]
            )
            row = cr.fetchone()
            if row and json.loads(row[0]) == wanted:
                say("Data set already there: not regenerated.")
                return
            env.flush_all()
            cr.execute("SET LOCAL session_replication_role = replica")
            cr.execute("SELECT setseed(0.42)")
            with phase(self.timings, "prepare birthdays and stage dates"):
                cr.execute(
                    """
                    UPDATE res_partner
                       SET retail_birthday = DATE '1950-01-01'
                           + (random() * 20000)::int
                     WHERE is_retail_member AND retail_birthday IS NULL
                    """
                )
                cr.execute(
                    """
                    UPDATE res_partner
                       SET retail_stage_date = CURRENT_DATE - (random() * 60)::int
                     WHERE is_retail_member AND retail_stage = 'at_risk'
                    """
                )
            with phase(self.timings, "generate orders"):
                cr.execute(
                    "DELETE FROM sale_order WHERE name LIKE %s", [ORDER_PREFIX + "%"]
                )
                cr.execute(
                    """
                    INSERT INTO sale_order
                           (name, partner_id, partner_invoice_id,
                            partner_shipping_id, company_id, date_order, state,
                            amount_total, currency_rate, create_uid, create_date,
                            write_uid, write_date)
                    SELECT %(prefix)s || p.id, p.id, p.id, p.id, p.company_id,
                           now() at time zone 'UTC'
                           - random() * interval '45 days',
                           'sale', 100, 1, 1, now(), 1, now()
                      FROM res_partner p
                     WHERE p.is_retail_member AND random() < %(share)s
                    """,
                    {"prefix": ORDER_PREFIX, "share": self.args.order_share},
                )
                cr.execute(
                    """
                    INSERT INTO sale_order_line
                           (order_id, name, product_id, product_uom_qty,
                            price_unit, customer_lead, company_id, create_uid,
                            create_date, write_uid, write_date)
                    SELECT so.id, 'bench', (%(products)s::int[])[1 + (so.id %% 2)],
                           1, 100, 0, so.company_id, 1, now(), 1, now()
                      FROM sale_order so
                     WHERE so.name LIKE %(like)s
                    """,
                    {"products": products.ids, "like": ORDER_PREFIX + "%"},
                )
            with phase(self.timings, "generate chain cards and points lots"):
                self.points_lots(env)
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [MARKER_KEY, json.dumps(wanted)],
            )
        self.vacuum(
            "res_partner",
            "sale_order",
            "sale_order_line",
            "retail_touch",
            "loyalty_card",
            "loyalty_history",
            "retail_loyalty_lot",
        )

    def points_lots(self, env):
        """A chain card per member; one earned lot of 100 points on
        ``--lot-share`` of them (history line and balance kept in step, so
        the balances reconcile); the lots of a previous run removed first."""
        cr = env.cr
        env["res.partner"]._retail_ensure_loyalty_cards()
        env.flush_all()
        cr.execute(
            """
            DELETE FROM retail_loyalty_lot WHERE history_id IN (
                SELECT id FROM loyalty_history WHERE description = %(label)s);
            WITH old AS (
                DELETE FROM loyalty_history WHERE description = %(label)s
                RETURNING card_id, issued
            )
            UPDATE loyalty_card c SET points = c.points - o.issued
              FROM (SELECT card_id, sum(issued) AS issued FROM old
                     GROUP BY card_id) o
             WHERE c.id = o.card_id
            """,
            {"label": LOT_LABEL},
        )
        cr.execute(
            """
            WITH h AS (
                INSERT INTO loyalty_history
                       (card_id, description, issued, used, create_uid,
                        create_date, write_uid, write_date)
                SELECT c.id, %(label)s, 100, 0, 1, now(), 1, now()
                  FROM loyalty_card c
                  JOIN loyalty_program pr ON pr.id = c.program_id
                 WHERE pr.retail_chain_program AND c.active
                   AND c.partner_id IS NOT NULL AND random() < %(share)s
                RETURNING id, card_id
            ),
            lots AS (
                INSERT INTO retail_loyalty_lot
                       (card_id, partner_id, program_id, company_id, history_id,
                        earned_date, expiry_date, points, remaining,
                        expired_points, create_uid, create_date, write_uid,
                        write_date)
                SELECT e.card_id, e.partner_id, e.program_id, e.company_id,
                       e.history_id, e.earned, e.earned + 365, 100, 100, 0,
                       1, now(), 1, now()
                  FROM (SELECT h.card_id, h.id AS history_id, c.partner_id,
                               c.program_id, c.company_id,
                               CURRENT_DATE - (random() * 400)::int AS earned
                          FROM h JOIN loyalty_card c ON c.id = h.card_id) e
            )
            UPDATE loyalty_card c SET points = c.points + 100
              FROM h WHERE c.id = h.card_id
            """,
            {"label": LOT_LABEL, "share": self.args.lot_share},
        )
        say(f"   {cr.rowcount:,} cards given a lot of 100 points")

    # ------------------------------------------------------------------
    # The two ways
    # ------------------------------------------------------------------
    def automations(self, env):
        return {
            kind: env.ref(f"retail_crm_loyalty.retail_automation_{kind}")
            for kind in AUTOMATION_KINDS
        }

    def sql_pass(self, env, today):
        """{kind: set of member ids} selected by the nightly SQL selection."""
        selected = defaultdict(set)
        automations = self.automations(env)
        Partner = env["res.partner"].with_context(retail_today=today)
        Card = env["loyalty.card"]
        for company in Partner._retail_member_companies():
            for kind, automation in automations.items():
                for row in automation._retail_select(company, today):
                    selected[kind].add(row[0])
            # points expiry: the 'expiring soon' notice and the expiry cron
            selected["expiry"].update(
                Partner._retail_points_expiring(self.args.expiry_days, company)
            )
            env.cr.execute(
                self.odoo.tools.SQL(
                    "SELECT DISTINCT partner_id FROM loyalty_card"
                    " WHERE partner_id IS NOT NULL AND id IN (%s)",
                    Card._retail_due_sql(company, today, 0, None),
                )
            )
            selected["expiry"].update(row[0] for row in env.cr.fetchall())
        return selected

    def orm_way(self, env, member_ids, today):
        """The per-record ORM way: {kind: set of member ids} of the sample."""
        from odoo.addons.retail_crm_loyalty.tools.messaging import (  # noqa: PLC0415
            birthday_on,
            birthday_target,
        )

        automations = self.automations(env)
        Touch = env["retail.touch"]
        Line = env["sale.order.line"]
        Partner = env["res.partner"]
        Lot = env["retail.loyalty.lot"]
        soon = today + timedelta(days=self.args.expiry_days)
        selected = defaultdict(set)
        for start in range(0, len(member_ids), ORM_BATCH):
            env.invalidate_all()
            for member in Partner.browse(member_ids[start : start + ORM_BATCH]):
                tz = member.company_id.retail_timezone or "Asia/Shanghai"
                # birthday
                auto = automations["birthday"]
                target = birthday_target(today, auto.days)
                if birthday_on(member.retail_birthday, target) and not (
                    Touch.search_count(
                        [
                            ("partner_id", "=", member.id),
                            ("automation", "=", "birthday"),
                            ("period_key", "=", str(target.year)),
                        ]
                    )
                ):
                    selected["birthday"].add(member.id)
                # churn
                auto = automations["winback"]
                stage_date = member.retail_stage_date
                if (
                    member.retail_stage == "at_risk"
                    and stage_date
                    and today - timedelta(days=auto.days) <= stage_date <= today
                    and not Touch.search_count(
                        [
                            ("partner_id", "=", member.id),
                            ("automation", "=", "winback"),
                            ("period_key", "=", f"at_risk:{stage_date}"),
                        ]
                    )
                ):
                    selected["winback"].add(member.id)
                # points expiry: lots due (past expiry) or expiring soon
                for lot in Lot.search(
                    [
                        ("partner_id", "=", member.id),
                        ("company_id", "=", member.company_id.id),
                        ("remaining", ">", 0),
                        ("program_id.retail_chain_program", "=", True),
                    ]
                ):
                    if lot.expiry_date and lot.expiry_date <= soon:
                        selected["expiry"].add(member.id)
                        break
                # repurchase
                auto = automations["repurchase"]
                last = {}
                for line in Line.search(
                    [
                        ("order_id.partner_id", "=", member.id),
                        ("order_id.state", "=", "sale"),
                        ("product_id.categ_id.retail_consumption_days", ">", 0),
                    ]
                ):
                    day = self.odoo.fields.Datetime.context_timestamp(
                        line.with_context(tz=tz), line.order_id.date_order
                    ).date()
                    categ = line.product_id.categ_id
                    last[categ] = max(last.get(categ, day), day)
                for categ, day in sorted(last.items(), key=lambda kv: kv[0].id):
                    due = day + timedelta(days=categ.retail_consumption_days)
                    if today - timedelta(days=auto.days) <= due <= today and not (
                        Touch.search_count(
                            [
                                ("partner_id", "=", member.id),
                                ("automation", "=", "repurchase"),
                                ("period_key", "=", f"c{categ.id}:{day}"),
                            ]
                        )
                    ):
                        selected["repurchase"].add(member.id)
                        break
        return selected

    # ------------------------------------------------------------------
    def run(self):
        args = self.args
        self.open_registry()
        self.ensure_data()
        today = date.fromisoformat(args.today) if args.today else None
        with self.env(commit=False) as env:
            env.cr.execute("SELECT count(*) FROM res_partner WHERE is_retail_member")
            members = env.cr.fetchone()[0]
            if today is None:
                company = env["res.partner"]._retail_member_companies()[:1]
                today = env["res.partner"]._retail_today(company)
            say(f"{members:,} members, today {today}")
            with phase(self.timings, "SQL nightly selection (1st pass)"):
                selected = self.sql_pass(env, today)
            with phase(self.timings, "SQL nightly selection (2nd pass)"):
                selected = self.sql_pass(env, today)
            env.cr.execute("SELECT id FROM res_partner WHERE is_retail_member")
            all_ids = [row[0] for row in env.cr.fetchall()]
            rnd = random.Random(42)
            sample = sorted(rnd.sample(all_ids, min(args.sample, len(all_ids))))
            with phase(self.timings, f"ORM way on {len(sample):,} members"):
                orm = self.orm_way(env, sample, today)
        sql_seconds = min(
            self.timings["SQL nightly selection (1st pass)"],
            self.timings["SQL nightly selection (2nd pass)"],
        )
        orm_seconds = self.timings[f"ORM way on {len(sample):,} members"] * (
            members / max(len(sample), 1)
        )
        sample_set = set(sample)
        mismatch = {
            kind: len((selected[kind] & sample_set) ^ orm[kind]) for kind in KINDS
        }
        say()
        say(
            "Selected members (whole base): "
            + ", ".join(f"{kind} {len(selected[kind]):,}" for kind in KINDS)
        )
        say(f"Check on the sample (SQL = ORM): {mismatch}")
        say()
        say(f"{'':38}{'seconds':>12}")
        say(f"{'SQL nightly selection (best pass)':38}{sql_seconds:12.1f}")
        say(f"{'ORM per record (extrapolated)':38}{orm_seconds:12.1f}")
        ratio = orm_seconds / sql_seconds if sql_seconds else float("inf")
        say(f"{'ratio ORM / SQL':38}{ratio:12.1f}x")
        ok_time = sql_seconds <= TARGET_SECONDS
        ok_check = not any(mismatch.values())
        say(
            f"target <= {TARGET_SECONDS:.0f} s: {'PASS' if ok_time else 'FAIL'}; "
            f"check: {'PASS' if ok_check else 'FAIL'}"
        )
        return 0 if ok_time and ok_check else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--order-share", type=float, default=0.3)
    parser.add_argument(
        "--lot-share",
        type=float,
        default=0.5,
        help="share of the cards given one earned lot of points",
    )
    parser.add_argument(
        "--expiry-days",
        type=int,
        default=30,
        help="points expiring within this many days are selected",
    )
    parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
    parser.add_argument("--http-port", type=int, default=8172)
    args = parser.parse_args()
    for name in ("rc_bench", "rc_tiers_bench"):
        if args.db == name:
            die(f"{name} is shared: benchmark a copy of it")
    try:
        import odoo  # noqa: PLC0415
    except ImportError:
        die("Odoo 18.0 is not importable by this python")
    if not odoo.release.version.startswith("18.0"):
        die(f"Odoo 18.0 needed, found {odoo.release.version}")
    sys.exit(Bench(odoo, args).run())


if __name__ == "__main__":
    main()
