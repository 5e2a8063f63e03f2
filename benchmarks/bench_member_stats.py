#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the members' purchase statistics of ``retail_crm``.

    python3 benchmarks/bench_member_stats.py --db rc_bench \
        [--members 1000000] [--orders 3000000] [--sample 2000] [--keep] \
        [--workers 2] [--no-single] [--batch-size N] [--addons-dir DIR]

1. Creates the database with ``retail_crm`` (no demo data) when it does not
   exist, opens an Odoo registry on it and updates the addon (``-u``) when
   its code has stored fields the database lacks.
2. Generates the members (``res_partner``) and the confirmed orders
   (``sale_order``, state ``sale``) with one set-based ``INSERT ... SELECT``
   per table (fixed seed), plus a few draft/cancelled orders that must be
   ignored. Skipped when the same data set is already there.
3. Resets the statistics of every member to a value that differs from the
   real one (so that every member is really rewritten: the row of every buyer
   in ``retail_member_stats`` updated, that of every other member deleted),
   VACUUM FULLs the table (same starting point on every run), then times
   ``res.partner._retail_refresh_all_purchase_stats(workers=2)`` and its
   commits (wall time, and CPU time of Odoo + every PostgreSQL process), with
   the context ``retail_stats_no_hooks``: the statistics alone, not the stage
   and tier derivation that follows them (measured by bench_tiers_stages.py).
   Two workers is the nightly cron's default: two database connections
   refreshing a batch of 50,000 members each at a time, on the two cores.
   Before, resets again and times the same refresh with one worker (printed
   with its own ratio; ``--no-single`` skips it). Times a second refresh with
   nothing to change as well.
4. Times the stock ORM way on a random sample of members: per record,
   ``partner.sale_order_ids.filtered(lambda o: o.state == 'sale')`` then
   min/max/len/sum, then the write of the 7 values into stored columns of
   ``res_partner``, as stored computed fields of the stock model would be
   (one ``UPDATE ... FROM (VALUES ...)`` per batch, as Odoo's flush writes
   records with distinct values; the columns are added in the transaction,
   which is rolled back), in batches of 1000 records
   (Odoo's prefetch size) with the cache cleared between batches, in a
   transaction that is rolled back; twice over the same sample, the second
   (warm: orders in PostgreSQL's buffers, as the SQL refresh finds them) pass
   giving the ratio, the first printed too; extrapolates to all the members.
5. Checks on 100 members (some without orders) that the statistics written by
   the SQL refresh equal the ORM recomputation.
6. Prints the figures, the ratio and the targets (full refresh <= 60 s,
   >= 50x the ORM way) with PASS/FAIL, and the machine facts.
7. Without ``--keep``: drops the database when this run created it, otherwise
   deletes the generated rows.

Exit code: 0 when every target is met and the check passes, 1 otherwise,
2 when Odoo 18.0 is not importable or the database cannot be prepared.
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm"
SEED = 0.42  # setseed() of PostgreSQL, in [-1, 1]
PY_SEED = 42
MARKER_KEY = "retail_crm.bench_member_stats.dataset"
MEMBER_CODE_PREFIX = "BENCH"  # BENCH00000001 ...
ORDER_NAME_PREFIX = "BENCH/"  # BENCH/00000001 ...
STORE_CODE_PREFIX = "BENCH-S"
STORE_COUNT = 20
HISTORY_DAYS = 548  # orders are spread over the last 18 months
ORM_BATCH = 1000  # odoo.models.PREFETCH_MAX
CHECK_SAMPLE = 100
TARGET_SECONDS = 60.0
TARGET_RATIO = 50.0
CENT = Decimal("0.01")
# Columns of the stock way's stored fields on res_partner (see run_orm), in
# the order of naive_stats.
STOCK_COLUMNS = (
    ("bench_stock_first_purchase_date", "date"),
    ("bench_stock_last_purchase_date", "date"),
    ("bench_stock_order_count", "int4"),
    ("bench_stock_total_spent", "numeric"),
    ("bench_stock_avg_ticket", "numeric"),
    ("bench_stock_window_order_count", "int4"),
    ("bench_stock_window_spent", "numeric"),
)


def fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def status_line(label, ok, detail):
    return f"{label:44} {'PASS' if ok else 'FAIL':>10}   ({detail})"


def die(message, code=2):
    sys.stdout.flush()
    sys.stderr.write(f"ERROR: {message}\n")
    sys.stderr.flush()
    sys.exit(code)


def say(message=""):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def import_odoo():
    """Import Odoo 18.0 or stop: this project never downloads or builds it."""
    try:
        import odoo  # noqa: PLC0415
    except ImportError as err:
        die(
            f"Odoo 18.0 is not importable by {sys.executable} ({err}). Install "
            "Odoo 18.0 Community so that `python3 -c 'import odoo'` works; "
            "this benchmark never downloads or builds Odoo."
        )
    version = getattr(getattr(odoo, "release", None), "version_info", (None,))
    if version[0] != 18:
        die(
            f"Odoo 18.0 is required, {sys.executable} imports Odoo "
            f"{getattr(odoo.release, 'version', '?')} from {odoo.__file__}."
        )
    return odoo


def proc_cpu(pid):
    """CPU seconds (user + system) used so far by process ``pid``, or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class CpuMeter:
    """CPU time of this process plus that of the PostgreSQL backend of ``cr``.

    On a shared machine the wall time depends on the other load; the CPU time
    of the two processes doing the work much less so. The backend is read in
    /proc, so only for a local server (None otherwise).
    """

    def __init__(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        self.pid = cr.fetchone()[0]
        self.start = (time.process_time(), proc_cpu(self.pid))
        self.seconds = None

    def stop(self):
        odoo_cpu, pg_cpu = time.process_time(), proc_cpu(self.pid)
        if pg_cpu is not None and self.start[1] is not None:
            self.seconds = odoo_cpu - self.start[0] + pg_cpu - self.start[1]
        return self.seconds


def postgres_cpu():
    """CPU seconds used so far by each local PostgreSQL process, by pid."""
    usage = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="ascii") as fh:
                if fh.read().strip() != "postgres":
                    continue
        except OSError:
            continue
        seconds = proc_cpu(int(entry))
        if seconds is not None:
            usage[int(entry)] = seconds
    return usage


class ServerCpuMeter:
    """CPU time of this process plus that of every local PostgreSQL process
    (the backends of the refresh's worker connections, the WAL writer, the
    checkpointer...): the work of a parallel refresh. None when the server
    runs elsewhere (no postgres process in /proc)."""

    def __init__(self):
        self.start = (time.process_time(), postgres_cpu())
        self.seconds = None

    def stop(self):
        odoo_cpu, pg_now = time.process_time(), postgres_cpu()
        if pg_now:
            pg_before = self.start[1]
            self.seconds = (
                odoo_cpu
                - self.start[0]
                + sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_now.items())
            )
        return self.seconds


@contextmanager
def phase(timings, name):
    """Time a phase, print it and keep it in ``timings``."""
    say(f"-- {name} ...")
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
    say(f"   {name}: {timings[name]:.1f} s")


class Bench:
    def __init__(self, odoo, args):
        self.odoo = odoo
        self.args = args
        self.db = args.db
        addons_dir = Path(args.addons_dir).resolve() if args.addons_dir else ROOT
        if not (addons_dir / ADDON / "__manifest__.py").is_file():
            die(f"{addons_dir} has no {ADDON} addon (see --addons-dir)")
        self.addons_path = ",".join([str(addons_dir), *odoo.addons.__path__])
        self.created_db = False
        self.registry = None
        self.timings = {}
        self.results = {}

    # ------------------------------------------------------------------
    # Database and registry
    # ------------------------------------------------------------------
    def admin_connection(self, dbname):
        """A plain autocommit psycopg2 connection (CREATE/DROP, VACUUM)."""
        import psycopg2  # noqa: PLC0415

        __, info = self.odoo.sql_db.connection_info_for(dbname)
        cnx = psycopg2.connect(**info)
        cnx.autocommit = True
        return cnx

    def db_exists(self):
        cnx = self.admin_connection("postgres")
        try:
            with cnx.cursor() as cr:
                cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.db])
                return bool(cr.fetchone())
        finally:
            cnx.close()

    def addon_installed(self):
        cnx = self.admin_connection(self.db)
        try:
            with cnx.cursor() as cr:
                cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
                if not cr.fetchone()[0]:
                    return False
                cr.execute(
                    "SELECT state FROM ir_module_module WHERE name = %s", [ADDON]
                )
                row = cr.fetchone()
                return bool(row and row[0] == "installed")
        finally:
            cnx.close()

    def run_odoo(self, flag, what):
        """Install (-i) or update (-u) the addon in a separate Odoo process."""
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            self.db,
            f"--addons-path={self.addons_path}",
            flag,
            ADDON,
            "--without-demo=all",
            "--stop-after-init",
            f"--http-port={self.args.http_port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ]
        say(f"Database {self.db}: {what} ...")
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, check=False)
        if proc.returncode or not self.addon_installed():
            die(f"could not {what}: {' '.join(cmd)}")
        say(f"   done in {time.perf_counter() - start:.0f} s")

    def prepare_db(self):
        exists = self.db_exists()
        if exists and self.addon_installed():
            say(f"Database {self.db}: exists, {ADDON} installed.")
            return
        if exists:
            self.run_odoo("-i", f"installing {ADDON} (no demo data)")
        else:
            self.run_odoo("-i", f"creating it with {ADDON} (no demo data)")
            self.created_db = True

    def open_registry(self):
        odoo = self.odoo
        odoo.tools.config.parse_config(
            [
                f"--addons-path={self.addons_path}",
                "-d",
                self.db,
                "--log-level=warn",
                "--max-cron-threads=0",
            ]
        )
        Registry = odoo.modules.registry.Registry
        self.registry = Registry(self.db)
        missing = self.missing_columns()
        if ADDON not in self.registry._init_modules:
            # The addon's code depends on modules the database lacks (its
            # registry loaded without it): update it, which installs them.
            missing = missing or ["new dependencies"]
        if missing:
            # The addon's code is newer than the database (fields added since
            # it was installed): update it, as `-u` would on a deployment.
            Registry.delete(self.db)
            self.run_odoo(
                "-u",
                f"updating {ADDON}, the code has columns the database lacks "
                f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''})",
            )
            self.registry = Registry(self.db)
            missing = self.missing_columns()
            if missing:
                die(f"columns still missing after the update: {', '.join(missing)}")

    def missing_columns(self):
        """Stored fields of the loaded code that have no column in the DB."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = 'public'"
            )
            columns = set(cr.fetchall())
        missing = []
        for model in self.registry.values():
            if model._abstract or not model._auto or model._table_query:
                continue
            for field in model._fields.values():
                if (
                    field.store
                    and field.column_type
                    and ((model._table, field.name) not in columns)
                ):
                    missing.append(f"{model._table}.{field.name}")
        return sorted(missing)

    @contextmanager
    def env(self, commit=True):
        """An environment of the superuser on a new cursor."""
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
                cr.commit()  # pylint: disable=invalid-commit
            else:
                env.invalidate_all(flush=False)
                cr.rollback()

    def vacuum(self, *tables, full=False):
        import psycopg2.errors  # noqa: PLC0415
        import psycopg2.sql  # noqa: PLC0415

        cnx = self.admin_connection(self.db)
        try:
            with cnx.cursor() as cr:
                for table in tables:
                    cr.execute(
                        psycopg2.sql.SQL(
                            "VACUUM (FULL, ANALYZE) {}" if full else "VACUUM ANALYZE {}"
                        ).format(psycopg2.sql.Identifier(table))
                    )
                # the WAL of the reset written out before the timed refresh
                # (else a checkpoint may fall inside it); needs a superuser
                try:
                    cr.execute("CHECKPOINT")
                except psycopg2.errors.InsufficientPrivilege:
                    say("   (no CHECKPOINT: not a superuser)")
        finally:
            cnx.close()

    # ------------------------------------------------------------------
    # Data set
    # ------------------------------------------------------------------
    def wanted_dataset(self):
        return {
            "members": self.args.members,
            "orders": self.args.orders,
            "other_orders": self.other_orders,
            "seed": SEED,
            "version": 1,
        }

    @property
    def other_orders(self):
        # Draft and cancelled orders, which the statistics must ignore.
        return self.args.orders // 30

    def current_dataset(self, cr):
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER_KEY])
        row = cr.fetchone()
        if not row:
            return None
        dataset = json.loads(row[0])
        cr.execute(
            "SELECT count(*), min(id), max(id) FROM res_partner"
            " WHERE is_retail_member AND retail_member_code LIKE %s",
            [MEMBER_CODE_PREFIX + "%"],
        )
        count, first, last = cr.fetchone()
        if count != dataset.get("members") or (last - first + 1) != count:
            return None
        dataset["first_id"] = first
        return dataset

    def ensure_data(self):
        with self.env() as env:
            dataset = self.current_dataset(env.cr)
            if dataset and all(
                dataset.get(k) == v for k, v in self.wanted_dataset().items()
            ):
                say(
                    f"Data set already there ({dataset['members']:,} members, "
                    f"{dataset['orders']:,} confirmed orders): not regenerated."
                )
                self.results["generated"] = False
                return
            if dataset or self.has_bench_rows(env.cr):
                with phase(self.timings, "delete the previous data set"):
                    self.delete_rows(env)
        self.generate()
        self.results["generated"] = True

    def has_bench_rows(self, cr):
        cr.execute(
            "SELECT EXISTS (SELECT 1 FROM res_partner WHERE retail_member_code"
            " LIKE %s) OR EXISTS (SELECT 1 FROM sale_order WHERE name LIKE %s)",
            [MEMBER_CODE_PREFIX + "%", ORDER_NAME_PREFIX + "%"],
        )
        return cr.fetchone()[0]

    def stores(self, env):
        Store = env["retail.store"]
        stores = Store.with_context(active_test=False).search(
            [("code", "=like", STORE_CODE_PREFIX + "%")]
        )
        if not stores:
            stores = Store.with_context(tracking_disable=True).create(
                [
                    {
                        "name": f"Bench Store {i:02d}",
                        "code": f"{STORE_CODE_PREFIX}{i:02d}",
                    }
                    for i in range(1, STORE_COUNT + 1)
                ]
            )
        return stores

    def generate(self):
        members, orders = self.args.members, self.args.orders
        with self.env() as env:
            store_ids = self.stores(env).ids
            company = env.ref("base.main_company")
            env.flush_all()
            cr = env.cr
            # Bulk load: no foreign key triggers (the rows are consistent by
            # construction); this is what makes 4M rows load in minutes.
            cr.execute("SET LOCAL session_replication_role = replica")
            cr.execute("SELECT setseed(%s)", [SEED])
            with phase(self.timings, f"generate {members:,} members"):
                cr.execute(
                    """
                    INSERT INTO res_partner (
                        id, commercial_partner_id, name, complete_name,
                        company_id, lang, type, active, is_company,
                        partner_share, color, message_bounce, supplier_rank,
                        customer_rank, invoice_warn, sale_warn, autopost_bills,
                        create_uid, write_uid, create_date, write_date,
                        is_retail_member, retail_store_id, retail_member_code,
                        retail_channel, retail_join_date, mobile, retail_mobile,
                        retail_marketing_consent)
                    SELECT s.id, s.id, 'Bench Member ' || s.g,
                           'Bench Member ' || s.g,
                           %(company)s, 'en_US', 'contact', true, false,
                           true, 0, 0, 0,
                           1, 'no-message', 'no-message', 'ask',
                           1, 1, %(now)s, %(now)s,
                           true, (%(stores)s::int[])[1 + s.g %% %(nstores)s],
                           %(code)s || lpad(s.g::text, 8, '0'),
                           'store', (%(now)s - random() * interval '1000 days')::date,
                           '199' || lpad(s.g::text, 8, '0'),
                           '+86199' || lpad(s.g::text, 8, '0'),
                           random() < 0.6
                      FROM (SELECT nextval('res_partner_id_seq') AS id, g
                              FROM generate_series(1, %(members)s) g) s
                     ORDER BY s.g
                    """,
                    {
                        "company": company.id,
                        "now": self.now,
                        "stores": store_ids,
                        "nstores": len(store_ids),
                        "code": MEMBER_CODE_PREFIX,
                        "members": members,
                    },
                )
                cr.execute(
                    "SELECT min(id), max(id) FROM res_partner"
                    " WHERE retail_member_code LIKE %s",
                    [MEMBER_CODE_PREFIX + "%"],
                )
                first, last = cr.fetchone()
                if last - first + 1 != members:
                    die("the generated member ids are not contiguous", 1)
            with phase(
                self.timings,
                f"generate {orders:,} confirmed + {self.other_orders:,} other orders",
            ):
                cr.execute(
                    """
                    INSERT INTO sale_order (
                        id, name, partner_id, partner_invoice_id,
                        partner_shipping_id, company_id, currency_id, user_id,
                        team_id, state, invoice_status, date_order,
                        currency_rate, amount_untaxed, amount_tax, amount_total,
                        locked, require_signature, require_payment,
                        prepayment_percent, create_uid, write_uid, create_date,
                        write_date)
                    SELECT nextval('sale_order_id_seq'),
                           %(prefix)s || lpad(o.g::text, 8, '0'),
                           o.pid, o.pid, o.pid, %(company)s, %(currency)s, %(user)s,
                           NULL, o.state,
                           CASE WHEN o.state = 'sale' THEN 'to invoice'
                                ELSE 'no' END,
                           o.d, 1, o.amount, 0, o.amount,
                           false, false, false, 1.0, 1, 1, o.d, o.d
                      FROM (SELECT g,
                                   %(first)s + floor(random() * %(members)s)::int
                                       AS pid,
                                   date_trunc('second', %(now)s - random()
                                       * %(days)s * interval '1 day') AS d,
                                   round((5 + random() * 495)::numeric, 2)
                                       AS amount,
                                   CASE WHEN g <= %(orders)s THEN 'sale'
                                        WHEN g %% 2 = 0 THEN 'draft'
                                        ELSE 'cancel' END AS state
                              FROM generate_series(1, %(total)s) g) o
                     ORDER BY o.g
                    """,
                    {
                        "prefix": ORDER_NAME_PREFIX,
                        "company": company.id,
                        "currency": company.currency_id.id,
                        "user": env.ref("base.user_admin").id,
                        "first": first,
                        "members": members,
                        "now": self.now,
                        "days": HISTORY_DAYS,
                        "orders": orders,
                        "total": orders + self.other_orders,
                    },
                )
            dataset = dict(self.wanted_dataset(), generated_on=str(self.now))
            env["ir.config_parameter"].set_param(MARKER_KEY, json.dumps(dataset))
            env.flush_all()
            cr.execute("SET LOCAL session_replication_role = origin")
        with phase(self.timings, "VACUUM ANALYZE res_partner, sale_order"):
            self.vacuum("res_partner", "sale_order")

    def delete_rows(self, env):
        """Delete the generated rows (FK triggers off: nothing else uses them)."""
        cr = env.cr
        env.flush_all()
        cr.execute("SET LOCAL session_replication_role = replica")
        cr.execute(
            "DELETE FROM sale_order WHERE name LIKE %s", [ORDER_NAME_PREFIX + "%"]
        )
        orders = cr.rowcount
        cr.execute(
            "DELETE FROM res_partner WHERE retail_member_code LIKE %s",
            [MEMBER_CODE_PREFIX + "%"],
        )
        members = cr.rowcount
        cr.execute("SET LOCAL session_replication_role = origin")
        cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [MARKER_KEY])
        env.invalidate_all(flush=False)
        say(f"   deleted {members:,} members and {orders:,} orders")

    @property
    def now(self):
        if not hasattr(self, "_now"):
            self._now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        return self._now

    # ------------------------------------------------------------------
    # Measures
    # ------------------------------------------------------------------
    def count_data(self):
        with self.env(commit=False) as env:
            cr = env.cr
            cr.execute("SELECT count(*) FROM res_partner WHERE is_retail_member")
            self.results["members"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM sale_order WHERE state = 'sale'")
            self.results["orders"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM sale_order WHERE state != 'sale'")
            self.results["other_orders"] = cr.fetchone()[0]
            cr.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('res_partner')),"
                " pg_size_pretty(pg_total_relation_size('sale_order'))"
            )
            self.results["sizes"] = cr.fetchone()
        say(
            f"Members: {self.results['members']:,}; confirmed orders: "
            f"{self.results['orders']:,}; other orders: "
            f"{self.results['other_orders']:,}; res_partner "
            f"{self.results['sizes'][0]}, sale_order {self.results['sizes'][1]}."
        )
        if self.results["members"] < self.args.members:
            die("fewer members than asked for", 1)

    def reset_stats(self):
        """Statistics that differ from the real ones for every member.

        Every member gets a row in ``retail_member_stats`` with an impossible
        order count: the refresh must rewrite the row of every buyer and
        delete that of every member without purchases. Then VACUUM FULL: the
        table starts compact, as after a fresh load, whatever earlier runs
        left.
        """
        with self.env() as env:
            env.cr.execute(
                """
                INSERT INTO retail_member_stats AS s
                       (partner_id, order_count, total_spent, avg_ticket,
                        window_order_count, window_spent)
                SELECT id, -1, 0, 0, 0, 0 FROM res_partner WHERE is_retail_member
                    ON CONFLICT (partner_id) DO UPDATE
                   SET first_purchase_date = NULL, last_purchase_date = NULL,
                       order_count = -1, total_spent = 0, avg_ticket = 0,
                       window_order_count = 0, window_spent = 0
                """
            )
        self.vacuum("retail_member_stats", full=True)

    def refresh(self, name, workers):
        """Time the full refresh with ``workers`` connections after a reset."""
        with phase(self.timings, f"reset the statistics + VACUUM FULL before {name}"):
            self.reset_stats()
        with phase(self.timings, name):
            meter = ServerCpuMeter()
            with self.env() as env:
                Partner = env["res.partner"].with_context(retail_stats_no_hooks=True)
                batches, updated = Partner._retail_refresh_all_purchase_stats(
                    workers=workers, **self.batch_kwargs()
                )
            cpu = meter.stop()
        say(f"   {batches} batches, {updated:,} members updated")
        if updated != self.results["members"]:
            say(
                f"   WARNING: {updated:,} members updated, "
                f"{self.results['members']:,} expected"
            )
        return batches, updated, self.timings[name], cpu

    def run_refresh(self):
        self.results["load_start"] = os.getloadavg()
        workers = self.args.workers
        if self.args.single and workers > 1:
            __, __, seconds, cpu = self.refresh("full refresh, one worker", 1)
            self.results.update(single=seconds, single_cpu=cpu)
        batches, updated, seconds, cpu = self.refresh(
            f"full refresh (SQL, ours, {workers} worker{'s' if workers > 1 else ''})",
            workers,
        )
        self.results.update(
            batches=batches, updated=updated, ours=seconds, ours_cpu=cpu
        )
        name = "second refresh, nothing to change"
        with phase(self.timings, name):
            with self.env() as env:
                Partner = env["res.partner"].with_context(retail_stats_no_hooks=True)
                __, again = Partner._retail_refresh_all_purchase_stats(
                    workers=workers, **self.batch_kwargs()
                )
        self.results["noop_updated"] = again
        say(f"   {again:,} members updated")

    def batch_kwargs(self):
        return {"batch_size": self.args.batch_size} if self.args.batch_size else {}

    def member_ids(self, cr):
        cr.execute("SELECT id FROM res_partner WHERE is_retail_member ORDER BY id")
        return [row[0] for row in cr.fetchall()]

    def window(self, env):
        company = env.ref("base.main_company")
        since = env["res.partner"]._retail_stats_window_start(company)
        return since, company.retail_timezone or "Asia/Shanghai"

    @staticmethod
    def naive_stats(partner, since, tz):
        """The 7 statistics of one partner, computed the stock ORM way
        (in the order of STOCK_COLUMNS)."""
        import pytz  # noqa: PLC0415

        zone = pytz.timezone(tz)

        def local_date(value):
            return pytz.utc.localize(value).astimezone(zone).date()

        orders = partner.sale_order_ids.filtered(lambda o: o.state == "sale")
        amounts = [o.amount_total / (o.currency_rate or 1.0) for o in orders]
        window = orders.filtered(lambda o: o.date_order >= since)
        count = len(orders)
        total = sum(amounts)
        return {
            "first_purchase_date": (
                local_date(min(orders.mapped("date_order"))) if orders else False
            ),
            "last_purchase_date": (
                local_date(max(orders.mapped("date_order"))) if orders else False
            ),
            "order_count": count,
            "total_spent": round(total, 2),
            "avg_ticket": round(total / count, 2) if count else 0.0,
            "window_order_count": len(window),
            "window_spent": round(
                sum(o.amount_total / (o.currency_rate or 1.0) for o in window), 2
            ),
        }

    @staticmethod
    def stock_flush(cr, rows):
        """Write ``rows`` as Odoo's flush writes records with distinct
        values: one ``UPDATE ... FROM (VALUES ...)`` per batch."""
        cols = [col for col, __ in STOCK_COLUMNS]
        types = [sql_type for __, sql_type in STOCK_COLUMNS]
        values = ", ".join(
            "(%s::int, " + ", ".join(f"%s::{t}" for t in types) + ")" for __ in rows
        )
        cr.execute(
            f"UPDATE res_partner p SET ({', '.join(cols)}) = "  # noqa: S608
            f"({', '.join('v.' + c for c in cols)}) "
            f"FROM (VALUES {values}) AS v(id, {', '.join(cols)}) WHERE p.id = v.id",
            [None if value is False else value for row in rows for value in row],
        )

    def run_orm(self):
        """Two passes over the same sample, each rolled back: the first reads
        the orders from disk or the OS cache, the second from PostgreSQL's
        buffers, as the SQL refresh finds them. The ratio uses the second
        (warm) pass: the stock way at its fastest."""
        with self.env(commit=False) as env:
            ids = self.member_ids(env.cr)
        sample = random.Random(PY_SEED).sample(ids, min(self.args.sample, len(ids)))
        passes = {}
        for label in ("first pass", "second pass (warm)"):
            name = f"stock ORM way, {len(sample):,} members, {label}"
            passes[label] = self.orm_pass(sample, name)
            seconds = self.timings[name]
            say(
                f"   {label}: {seconds / len(sample) * 1000:.2f} ms per member, "
                f"{seconds / len(sample) * self.results['members']:,.0f} s "
                f"extrapolated to {self.results['members']:,} members"
            )
        cold, (seconds, cpu) = passes["first pass"], passes["second pass (warm)"]
        scale = self.results["members"] / len(sample)
        self.results.update(
            orm_cpu=cpu * scale if cpu is not None else None,
            sample=len(sample),
            orm_sample=seconds,
            orm_per_member=seconds / len(sample),
            orm=seconds * scale,
            orm_cold=cold[0] * scale,
        )

    def orm_pass(self, sample, name):
        with self.env(commit=False) as env:
            since, tz = self.window(env)
            Partner = env["res.partner"]
            # The stock way keeps the statistics in stored fields of
            # res.partner: their columns, added in this transaction (rolled
            # back at the end), receive what Odoo's flush would write.
            env.cr.execute(
                "ALTER TABLE res_partner "
                + ", ".join(
                    f"ADD COLUMN IF NOT EXISTS {col} {sql_type}"
                    for col, sql_type in STOCK_COLUMNS
                )
            )
            env.invalidate_all()
            with phase(self.timings, name):
                meter = CpuMeter(env.cr)
                for start in range(0, len(sample), ORM_BATCH):
                    partners = Partner.browse(sample[start : start + ORM_BATCH])
                    rows = [
                        (partner.id, *self.naive_stats(partner, since, tz).values())
                        for partner in partners
                    ]
                    self.stock_flush(env.cr, rows)
                    env.invalidate_all()
                meter.stop()
        return self.timings[name], meter.seconds

    def check(self):
        """SQL statistics == ORM recomputation, on 100 members."""
        import pytz  # noqa: PLC0415

        with self.env(commit=False) as env:
            cr = env.cr
            cr.execute(
                """
                SELECT id FROM res_partner m
                 WHERE is_retail_member AND NOT EXISTS (
                       SELECT 1 FROM sale_order so
                        WHERE so.partner_id = m.id AND so.state = 'sale')
                 ORDER BY id LIMIT 10
                """
            )
            without = [row[0] for row in cr.fetchall()]
            others = sorted(set(self.member_ids(cr)) - set(without))
            ids = random.Random(PY_SEED + 1).sample(
                others, min(CHECK_SAMPLE - len(without), len(others))
            )
            ids = sorted(ids + without)
            cr.execute(
                """
                SELECT p.id, s.first_purchase_date, s.last_purchase_date,
                       COALESCE(s.order_count, 0), COALESCE(s.total_spent, 0)::text,
                       COALESCE(s.avg_ticket, 0)::text,
                       COALESCE(s.window_order_count, 0),
                       COALESCE(s.window_spent, 0)::text
                  FROM res_partner p
                  LEFT JOIN retail_member_stats s ON s.partner_id = p.id
                 WHERE p.id = ANY(%s)
                """,
                [ids],
            )
            stored = {
                row[0]: (
                    row[1] or False,
                    row[2] or False,
                    row[3],
                    Decimal(row[4]).quantize(CENT),
                    Decimal(row[5]).quantize(CENT),
                    row[6],
                    Decimal(row[7]).quantize(CENT),
                )
                for row in cr.fetchall()
            }
            since, tz = self.window(env)
            zone = pytz.timezone(tz)
            env.invalidate_all()
            mismatches = []
            for partner in env["res.partner"].browse(ids):
                orders = partner.sale_order_ids.filtered(lambda o: o.state == "sale")
                dates = orders.mapped("date_order")
                amounts = {
                    o: Decimal(repr(o.amount_total))
                    / Decimal(repr(o.currency_rate or 1.0))
                    for o in orders
                }
                total = sum(amounts.values(), Decimal(0))
                window = [o for o in orders if o.date_order >= since]
                expected = (
                    dates and pytz.utc.localize(min(dates)).astimezone(zone).date(),
                    dates and pytz.utc.localize(max(dates)).astimezone(zone).date(),
                    len(orders),
                    total.quantize(CENT, ROUND_HALF_UP),
                    (total / len(orders)).quantize(CENT, ROUND_HALF_UP)
                    if orders
                    else Decimal("0.00"),
                    len(window),
                    sum((amounts[o] for o in window), Decimal(0)).quantize(
                        CENT, ROUND_HALF_UP
                    ),
                )
                expected = tuple(False if v == [] else v for v in expected)
                if stored[partner.id] != expected:
                    mismatches.append((partner.id, stored[partner.id], expected))
        self.results.update(
            check_count=len(ids),
            check_without=len(without),
            check_mismatches=mismatches,
        )
        status = "PASS" if not mismatches else "FAIL"
        say(
            f"   {status}: {len(ids) - len(mismatches)}/{len(ids)} members "
            f"({len(without)} without orders) match the ORM recomputation"
        )
        for partner_id, got, want in mismatches[:5]:
            say(f"   member {partner_id}: SQL {got} != ORM {want}")

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    def machine(self):
        with self.env(commit=False) as env:
            cr = env.cr
            cr.execute("SHOW server_version")
            pg = cr.fetchone()[0]
            settings = {}
            for name in (
                "shared_buffers",
                "work_mem",
                "max_parallel_workers_per_gather",
                "synchronous_commit",
            ):
                cr.execute("SELECT current_setting(%s)", [name])
                settings[name] = cr.fetchone()[0]
        cpu = ""
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as fh:
                cpu = next(
                    (
                        line.split(":", 1)[1].strip()
                        for line in fh
                        if line.startswith("model name")
                    ),
                    "",
                )
        except OSError:
            pass
        try:
            mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        except (ValueError, OSError):
            mem = 0
        return {
            "cores": len(os.sched_getaffinity(0)),
            "cpu": cpu or platform.processor(),
            "ram": f"{mem:.0f} GB",
            "pg": pg,
            "pg_settings": ", ".join(f"{k}={v}" for k, v in settings.items()),
            "odoo": self.odoo.release.version,
            "python": platform.python_version(),
        }

    def report(self):
        r = self.results
        load_start, load_end = r["load_start"], os.getloadavg()
        m = self.machine()
        ours, orm = r["ours"], r["orm"]
        ratio = orm / ours if ours else float("inf")
        time_ok = ours <= TARGET_SECONDS
        ratio_ok = ratio >= TARGET_RATIO
        check_ok = not r["check_mismatches"]
        updated_ok = r["updated"] == r["members"]
        cpu_ratio = (
            f"{r['orm_cpu'] / r['ours_cpu']:.0f}x"
            if r["orm_cpu"] and r["ours_cpu"]
            else "n/a"
        )
        width = 44
        workers = self.args.workers
        ours_label = (
            f"ours: full refresh, {workers} workers"
            if workers > 1
            else "ours: full refresh (SQL, set-based)"
        )
        lines = [
            "",
            "=" * 78,
            f"retail_crm member statistics benchmark - {datetime.now():%Y-%m-%d %H:%M}",
            f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram']} RAM; "
            f"PostgreSQL {m['pg']}; Odoo {m['odoo']}; Python {m['python']}",
            f"PostgreSQL settings: {m['pg_settings']}",
            f"Load average (1/5/15 min) before the measures: "
            f"{'/'.join(f'{x:.1f}' for x in load_start)}, after: "
            f"{'/'.join(f'{x:.1f}' for x in load_end)}"
            + (
                "  << machine busy: figures are pessimistic"
                if max(load_start[0], load_end[0]) > m["cores"] / 2
                else ""
            ),
            f"Data: {r['members']:,} members, {r['orders']:,} confirmed orders "
            f"(+{r['other_orders']:,} draft/cancelled), orders over "
            f"{HISTORY_DAYS} days",
            "-" * 78,
            f"{'':{width}} {'wall (s)':>10} {'CPU (s)':>10}",
            f"{ours_label:{width}} {ours:>10.1f} {fmt(r['ours_cpu'], '.1f'):>10}",
            *(
                [
                    f"{'  the same with one worker':{width}} {r['single']:>10.1f}"
                    f" {fmt(r['single_cpu'], '.1f'):>10}  ({orm / r['single']:.0f}x)"
                ]
                if r.get("single")
                else []
            ),
            f"{'stock ORM way, extrapolated (warm pass)':{width}} {orm:>10.0f}"
            f" {fmt(r['orm_cpu'], '.0f'):>10}",
            f"{'  first pass of the same sample':{width}} {r['orm_cold']:>10.0f}"
            f" {'':>10}  ({r['orm_cold'] / ours:.0f}x)",
            f"{'ratio (ORM / ours)':{width}} {ratio:>9.0f}x {cpu_ratio:>10}",
            f"{'second refresh, nothing to change':{width}} "
            f"{self.timings['second refresh, nothing to change']:>10.1f}",
            f"  ours: {r['batches']} batches, {r['updated']:,} rows updated; "
            f"second refresh: {r['noop_updated']:,} rows updated",
            f"  ORM: {r['sample']:,}-member sample in {r['orm_sample']:.1f} s "
            f"({r['orm_per_member'] * 1000:.2f} ms/member, warm pass), rolled back",
            "  CPU = this Odoo process + every PostgreSQL process (ours: all the "
            "workers' backends) or its backend (ORM)",
            "-" * 78,
            status_line(
                f"target: full refresh <= {TARGET_SECONDS:.0f} s",
                time_ok,
                f"{ours:.1f} s",
            ),
            status_line(
                f"target: >= {TARGET_RATIO:.0f}x the stock ORM way",
                ratio_ok,
                f"{ratio:.0f}x",
            ),
            status_line(
                "check: every member rewritten",
                updated_ok,
                f"{r['updated']:,}/{r['members']:,}",
            ),
            status_line(
                f"check: SQL == ORM on {r['check_count']} members",
                check_ok,
                f"{len(r['check_mismatches'])} mismatches",
            ),
            "-" * 78,
            "Phases:",
            *(f"  {name:60} {sec:>8.1f} s" for name, sec in self.timings.items()),
            "=" * 78,
        ]
        say("\n".join(lines))
        return time_ok and ratio_ok and check_ok and updated_ok

    # ------------------------------------------------------------------
    # Cleanup
    # ------------------------------------------------------------------
    def cleanup(self):
        if self.args.keep:
            say(f"--keep: data left in {self.db}.")
            return
        if self.created_db:
            with phase(self.timings, f"drop database {self.db}"):
                self.odoo.modules.registry.Registry.delete(self.db)
                self.odoo.sql_db.close_db(self.db)
                import psycopg2.sql  # noqa: PLC0415

                cnx = self.admin_connection("postgres")
                try:
                    with cnx.cursor() as cr:
                        cr.execute(
                            psycopg2.sql.SQL("DROP DATABASE {}").format(
                                psycopg2.sql.Identifier(self.db)
                            )
                        )
                finally:
                    cnx.close()
            return
        with phase(self.timings, "delete the generated rows"):
            with self.env() as env:
                self.delete_rows(env)
                stores = self.stores(env)
                env.cr.execute(
                    "SELECT count(*) FROM res_partner WHERE retail_store_id = ANY(%s)",
                    [stores.ids],
                )
                if not env.cr.fetchone()[0]:
                    stores.unlink()
            self.vacuum("res_partner", "sale_order")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Time the full refresh of the retail_crm members' purchase "
        "statistics against the stock ORM way."
    )
    parser.add_argument("--db", default="rc_bench", help="database (rc_bench*)")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=3_000_000)
    parser.add_argument(
        "--sample", type=int, default=2000, help="members of the ORM sample"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the data (and the database) in place; a later run reuses it",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=0,
        help="batch_size passed to _retail_refresh_all_purchase_stats "
        "(default: the method's own default)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="database connections of the timed refresh (default 2, the "
        "nightly cron's default: retail_crm.nightly_workers)",
    )
    parser.add_argument(
        "--no-single",
        dest="single",
        action="store_false",
        help="with --workers > 1, do not also time the refresh with one worker",
    )
    parser.add_argument(
        "--addons-dir",
        help="directory holding the retail_crm addon to measure (default: this "
        "repository), e.g. a worktree or a patched copy",
    )
    parser.add_argument(
        "--http-port", type=int, default=8073, help="used when creating the DB"
    )
    parser.add_argument(
        "--any-db",
        action="store_true",
        help="allow a database name that does not start with rc_bench",
    )
    args = parser.parse_args(argv)
    if not args.db.startswith("rc_bench") and not args.any_db:
        parser.error(
            "the benchmark writes millions of rows: use a database named "
            "rc_bench* (or pass --any-db)"
        )
    if args.members < 1 or args.orders < 0 or args.sample < 1 or args.workers < 1:
        parser.error("--members, --sample and --workers must be >= 1, --orders >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    odoo = import_odoo()
    bench = Bench(odoo, args)
    bench.prepare_db()
    bench.open_registry()
    bench.ensure_data()
    bench.count_data()
    bench.run_refresh()
    bench.run_orm()
    with phase(bench.timings, f"check on {CHECK_SAMPLE} members"):
        bench.check()
    ok = bench.report()
    bench.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
