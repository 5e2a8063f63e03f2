#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the RFM pass and of the auto-tag refresh of ``retail_crm``.

    python3 benchmarks/bench_rfm_segments.py --db rc_segments_bench \
        [--members 1000000] [--sample 2000] [--keep]

1. Creates the database with ``retail_crm`` (``--without-demo=all``) when it
   does not exist, then opens an Odoo registry on it.
2. Generates the members with random stored purchase statistics, birthdays
   and join dates, with one set-based ``INSERT ... SELECT`` (fixed seed; no
   orders: the RFM pass reads the stored statistics only). Skipped when the
   same data set is already there.
3. Clears the RFM scores and the tags of the ready-made segments (so that
   everything is really written), VACUUMs, then times the set-based way:
   ``res.partner._retail_refresh_rfm()`` then ``_retail_sync_tag()`` of the
   ready-made auto-tag segments, each committed. Times a second run, with
   nothing to change, and a "nightly" run after 1 % of the members (random)
   bought today, as well.
4. Times the naive per-record ORM way on a random sample of members, in a
   transaction that is rolled back, and extrapolates it to all the members:
   read the statistics of the members (``read``, to compute the quintile
   limits), then per member compute the scores and group in Python, ``write``
   them, and for each ready-made segment test the member with
   ``filtered_domain`` and ``write`` a ``Command.link``/``unlink`` of its tag.
   Batches of 1000 records (Odoo's prefetch size), cache cleared in between.
5. Checks every member's scores against a brute-force Python computation
   (NTILE and PERCENT_RANK re-done in Python over all the rows) and each
   segment's tag against a count of its domain.
6. Prints the figures and the ratio.

Exit code: 0 when the checks pass, 1 otherwise, 2 when Odoo or the database
cannot be prepared.
"""

import argparse
import bisect
import json
import os
import platform
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm"
SEED = 0.24  # setseed() of PostgreSQL, in [-1, 1]
PY_SEED = 24
MARKER_KEY = "retail_crm.bench_rfm_segments.dataset"
MEMBER_CODE_PREFIX = "BRFM"
STORE_CODE_PREFIX = "BRFM-S"
STORE_COUNT = 20
ORM_BATCH = 1000
SEGMENTS = (
    "segment_champions",
    "segment_loyal",
    "segment_potential",
    "segment_new",
    "segment_at_risk",
    "segment_hibernating",
    "segment_lost",
    "segment_high_value",
    "segment_new_this_month",
    "segment_birthday_this_month",
)
RFM_COLUMNS = (
    "retail_rfm_recency",
    "retail_rfm_frequency",
    "retail_rfm_monetary",
    "retail_rfm_group",
    "retail_high_value",
)


# The naive per-record RFM way, shared with bench_tiers_stages.py.
RFM_KEYS = (
    "retail_last_purchase_date",
    "retail_order_count",
    "retail_total_spent",
)


def naive_rfm_limits(rows, high_value_share):
    """Quintile limits of each RFM key and the high-value threshold, from the
    statistics ``rows`` read (dicts of RFM_KEYS)."""
    buyers = [r for r in rows if r["retail_order_count"] > 0]

    def limits(key):
        values = sorted(r[key] for r in buyers)
        return [values[len(values) * k // 5] for k in range(1, 5)]

    spent = sorted(r["retail_total_spent"] for r in buyers)
    high = spent[int(len(spent) * (1 - high_value_share))] if spent else 0
    return {key: limits(key) for key in RFM_KEYS}, high


def naive_rfm_scores(partner, lim, high, rfm_group):
    """The RFM field values of ``partner``, scored one by one."""
    if partner.retail_order_count <= 0:
        return dict.fromkeys(RFM_COLUMNS, False)
    r, f, m = (bisect.bisect_right(lim[key], partner[key]) + 1 for key in RFM_KEYS)
    return {
        "retail_rfm_recency": r,
        "retail_rfm_frequency": f,
        "retail_rfm_monetary": m,
        "retail_rfm_group": rfm_group(r, f, m),
        "retail_high_value": partner.retail_total_spent >= high,
    }


def naive_sync_tags(partner, rules, command):
    """Link or unlink each segment tag of ``rules`` [(domain, tag id)] on
    ``partner``, one write each, as a naive module would."""
    for domain, tag_id in rules:
        inside = bool(partner.filtered_domain(domain))
        has = tag_id in partner.category_id.ids
        if inside and not has:
            partner.write({"category_id": [command.link(tag_id)]})
        elif has and not inside:
            partner.write({"category_id": [command.unlink(tag_id)]})


def die(message, code=2):
    print(f"ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def say(message=""):
    print(message, flush=True)


def import_odoo():
    try:
        import odoo  # noqa: PLC0415
    except ImportError as err:
        die(f"Odoo 18.0 is not importable by {sys.executable} ({err}).")
    if odoo.release.version_info[0] != 18:
        die(f"Odoo 18.0 is required, found {odoo.release.version}.")
    return odoo


@contextmanager
def phase(timings, name):
    say(f"-- {name} ...")
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
    say(f"   {name}: {timings[name]:.1f} s")


def ntile(count, buckets=5):
    size, extra = divmod(count, buckets)
    result = []
    for bucket in range(1, buckets + 1):
        result += [bucket] * (size + (1 if bucket <= extra else 0))
    return result


class Bench:
    def __init__(self, odoo, args):
        self.odoo = odoo
        self.args = args
        self.db = args.db
        self.addons_path = ",".join([str(ROOT), *odoo.addons.__path__])
        self.registry = None
        self.timings = {}
        self.results = {}

    # ------------------------------------------------------------------
    # Database and registry
    # ------------------------------------------------------------------
    def admin_connection(self, dbname):
        import psycopg2  # noqa: PLC0415

        __, info = self.odoo.sql_db.connection_info_for(dbname)
        cnx = psycopg2.connect(**info)
        cnx.autocommit = True
        return cnx

    def query_admin(self, dbname, query, params=()):
        cnx = self.admin_connection(dbname)
        try:
            with cnx.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else None
        finally:
            cnx.close()

    def addon_state(self):
        if not self.query_admin(
            "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [self.db]
        ):
            return None
        if not self.query_admin(
            self.db, "SELECT to_regclass('ir_module_module') IS NOT NULL"
        )[0][0]:
            return False
        rows = self.query_admin(
            self.db, "SELECT state FROM ir_module_module WHERE name = %s", [ADDON]
        )
        return bool(rows and rows[0][0] == "installed")

    def run_odoo(self, flag, what):
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
        if proc.returncode or not self.addon_state():
            die(f"could not {what}: {' '.join(cmd)}")
        say(f"   done in {time.perf_counter() - start:.0f} s")

    def prepare_db(self):
        state = self.addon_state()
        if state:
            say(f"Database {self.db}: exists, {ADDON} installed.")
            if self.args.update:
                self.run_odoo("-u", f"updating {ADDON}")
            return
        self.run_odoo("-i", f"installing {ADDON} (no demo data)")

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
        self.registry = odoo.modules.registry.Registry(self.db)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM information_schema.columns WHERE"
                " table_name = 'res_partner' AND column_name = 'retail_rfm_group'"
            )
            if not cr.fetchone()[0]:
                die("the database lacks the RFM columns: rerun with --update")

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
        for table in tables:
            self.query_admin(self.db, f"VACUUM ANALYZE {table}")

    # ------------------------------------------------------------------
    # Data set
    # ------------------------------------------------------------------
    def wanted_dataset(self):
        return {"members": self.args.members, "seed": SEED, "version": 2}

    def ensure_data(self):
        with self.env() as env:
            cr = env.cr
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER_KEY]
            )
            row = cr.fetchone()
            cr.execute(
                "SELECT count(*) FROM res_partner WHERE retail_member_code LIKE %s",
                [MEMBER_CODE_PREFIX + "%"],
            )
            count = cr.fetchone()[0]
            if (
                row
                and json.loads(row[0]) == self.wanted_dataset()
                and count == (self.args.members)
            ):
                say(f"Data set already there ({count:,} members): not regenerated.")
                return
            if count:
                with phase(self.timings, "delete the previous data set"):
                    cr.execute("SET LOCAL session_replication_role = replica")
                    cr.execute(
                        "DELETE FROM res_partner WHERE retail_member_code LIKE %s",
                        [MEMBER_CODE_PREFIX + "%"],
                    )
                    cr.execute("SET LOCAL session_replication_role = origin")
        self.generate()

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
        members = self.args.members
        now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        with self.env() as env:
            store_ids = self.stores(env).ids
            company = env.ref("base.main_company")
            env.flush_all()
            cr = env.cr
            cr.execute("SET LOCAL session_replication_role = replica")
            cr.execute("SELECT setseed(%s)", [SEED])
            with phase(self.timings, f"generate {members:,} members with statistics"):
                # order counts skewed to few orders (22 % never bought);
                # amounts, dates and birthdays uniform.
                # one generated row per member, then the members and the
                # statistics of those who bought (retail_member_stats)
                cr.execute(
                    """
                    CREATE TEMP TABLE bench_gen ON COMMIT DROP AS
                    SELECT s.*,
                           (s.orders * random())::int AS w_orders,
                           round(s.spent * random()::numeric, 2) AS w_spent
                      FROM (SELECT nextval('res_partner_id_seq') AS id, g,
                                   (%(now)s - random() * interval '1000 days')::date
                                       AS joined,
                                   CASE WHEN random() < 0.7 THEN
                                       (date '1950-01-01'
                                        + (random() * 20000)::int) END AS birthday,
                                   floor(power(random(), 2) * 20)::int AS orders,
                                   (%(now)s - random() * interval '730 days')::date
                                       AS last,
                                   round((20 + random() * 300)::numeric, 2) AS ticket
                              FROM generate_series(1, %(members)s) g) s0
                     CROSS JOIN LATERAL (
                            SELECT s0.*, round(s0.ticket * s0.orders, 2) AS spent
                     ) s
                     ORDER BY s.g
                    """,
                    {"now": now, "members": members},
                )
                cr.execute(
                    """
                    INSERT INTO retail_member_stats (
                        partner_id, order_count, window_order_count,
                        first_purchase_date, last_purchase_date,
                        total_spent, avg_ticket, window_spent)
                    SELECT id, orders, w_orders, last - orders * 7, last, spent,
                           round(spent / orders, 2), w_spent
                      FROM bench_gen WHERE orders > 0 ORDER BY id
                    """
                )
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
                        retail_marketing_consent, retail_birthday,
                        retail_birthday_month)
                    SELECT s.id, s.id, 'Bench Member ' || s.g,
                           'Bench Member ' || s.g,
                           %(company)s, 'en_US', 'contact', true, false,
                           true, 0, 0, 0,
                           1, 'no-message', 'no-message', 'ask',
                           1, 1, %(now)s, %(now)s,
                           true, (%(stores)s::int[])[1 + s.g %% %(nstores)s],
                           %(code)s || lpad(s.g::text, 8, '0'),
                           'store', s.joined,
                           '198' || lpad(s.g::text, 8, '0'),
                           '+86198' || lpad(s.g::text, 8, '0'),
                           random() < 0.6, s.birthday,
                           EXTRACT(MONTH FROM s.birthday)
                      FROM bench_gen s
                     ORDER BY s.g
                    """,
                    {
                        "company": company.id,
                        "now": now,
                        "stores": store_ids,
                        "nstores": len(store_ids),
                        "code": MEMBER_CODE_PREFIX,
                        "members": members,
                    },
                )
            env["ir.config_parameter"].set_param(
                MARKER_KEY, json.dumps(self.wanted_dataset())
            )
            env.flush_all()
            cr.execute("SET LOCAL session_replication_role = origin")
        with phase(self.timings, "VACUUM ANALYZE res_partner"):
            self.vacuum("res_partner", "retail_member_stats")

    # ------------------------------------------------------------------
    # Measures
    # ------------------------------------------------------------------
    def segments(self, env):
        return env["retail.segment"].browse(
            [env.ref(f"{ADDON}.{xmlid}").id for xmlid in SEGMENTS]
        )

    def reset(self):
        with self.env() as env:
            cr = env.cr
            cr.execute("SELECT count(*) FROM res_partner WHERE is_retail_member")
            self.results["members"] = cr.fetchone()[0]
            cr.execute(
                "SELECT count(*) FROM res_partner p"
                " JOIN retail_member_stats st ON st.partner_id = p.id"
                " WHERE p.is_retail_member AND st.order_count > 0"
            )
            self.results["buyers"] = cr.fetchone()[0]
            cr.execute(
                "UPDATE res_partner SET retail_rfm_recency = NULL,"
                " retail_rfm_frequency = NULL, retail_rfm_monetary = NULL,"
                " retail_rfm_group = NULL, retail_high_value = NULL"
                " WHERE retail_rfm_group IS NOT NULL OR retail_high_value"
            )
            cr.execute(
                "DELETE FROM res_partner_res_partner_category_rel"
                " WHERE category_id = ANY(%s)",
                [self.segments(env).tag_id.ids],
            )
        self.vacuum("res_partner", "res_partner_res_partner_category_rel")

    def run_ours(self, label):
        """RFM pass + tag refresh of the ready-made segments, committed."""
        rfm_name = f"{label}: RFM pass (SQL)"
        tag_name = f"{label}: auto-tag refresh of {len(SEGMENTS)} segments (SQL)"
        with phase(self.timings, rfm_name):
            with self.env() as env:
                changed = len(env["res.partner"]._retail_refresh_rfm())
        counts = {}
        with phase(self.timings, tag_name):
            with self.env() as env:
                segments = self.segments(env)
                for segment in segments:
                    start = time.perf_counter()
                    res = segment._retail_sync_tag()[segment.id]
                    counts[segment.name] = (*res, time.perf_counter() - start)
        for name, (total, added, removed, seconds) in counts.items():
            say(
                f"   {name:28} {total:>9,} members, +{added:,} -{removed:,}"
                f" ({seconds:.1f} s)"
            )
        return {
            "rfm": self.timings[rfm_name],
            "tags": self.timings[tag_name],
            "changed": changed,
            "added": sum(c[1] for c in counts.values()),
            "removed": sum(c[2] for c in counts.values()),
            "segments": counts,
        }

    def simulate_a_day(self):
        """1 % of the members (random) bought today: new statistics."""
        with self.env() as env:
            env.cr.execute("SELECT setseed(%s)", [SEED / 2])
            env.cr.execute(
                """
                UPDATE retail_member_stats st
                   SET order_count = st.order_count + 1,
                       window_order_count = st.window_order_count + 1,
                       last_purchase_date = CURRENT_DATE,
                       total_spent = st.total_spent + 88.80,
                       avg_ticket = round((st.total_spent + 88.80)
                                          / (st.order_count + 1), 2),
                       window_spent = st.window_spent + 88.80
                  FROM res_partner p
                 WHERE p.id = st.partner_id AND p.is_retail_member
                   AND random() < 0.01
                """
            )
            self.results["day_buyers"] = env.cr.rowcount

    def run_orm(self):
        """The naive per-record way, on a sample, rolled back."""
        from odoo import Command  # noqa: PLC0415

        from odoo.addons.retail_crm.tools.rfm import (  # noqa: PLC0415
            HIGH_VALUE_SHARE,
            rfm_group,
        )

        with self.env(commit=False) as env:
            env.cr.execute(
                "SELECT id FROM res_partner WHERE is_retail_member ORDER BY id"
            )
            ids = [row[0] for row in env.cr.fetchall()]
        sample = random.Random(PY_SEED).sample(ids, min(self.args.sample, len(ids)))
        name = f"naive ORM way, {len(sample):,}-member sample"
        fields = list(RFM_KEYS)
        with self.env(commit=False) as env:
            Partner = env["res.partner"]
            segments = self.segments(env)
            rules = [(s._retail_member_domain(), s.tag_id.id) for s in segments]
            env.invalidate_all()
            with phase(self.timings, name):
                # 1. read the statistics (of the sample; extrapolated below)
                read_start = time.perf_counter()
                rows = []
                for start in range(0, len(sample), ORM_BATCH):
                    batch = Partner.browse(sample[start : start + ORM_BATCH])
                    rows += batch.read(fields)
                    env.invalidate_all()
                read_seconds = time.perf_counter() - read_start
                # quintile limits from the rows read (a naive module would
                # read them all: the same per-member cost)
                lim, high = naive_rfm_limits(rows, HIGH_VALUE_SHARE)
                # 2. per member: scores, write, then each segment's tag
                write_start = time.perf_counter()
                for start in range(0, len(sample), ORM_BATCH):
                    for partner in Partner.browse(sample[start : start + ORM_BATCH]):
                        partner.write(naive_rfm_scores(partner, lim, high, rfm_group))
                        naive_sync_tags(partner, rules, Command)
                    env.flush_all()
                    env.invalidate_all()
                write_seconds = time.perf_counter() - write_start
        seconds = self.timings[name]
        members = self.results["members"]
        self.results["orm"] = {
            "sample": len(sample),
            "seconds": seconds,
            "read_per_member": read_seconds / len(sample),
            "write_per_member": write_seconds / len(sample),
            "extrapolated": seconds / len(sample) * members,
        }
        say(
            f"   {seconds / len(sample) * 1000:.2f} ms per member (read "
            f"{read_seconds / len(sample) * 1000:.2f}, score + write + tags "
            f"{write_seconds / len(sample) * 1000:.2f}); "
            f"{self.results['orm']['extrapolated']:,.0f} s extrapolated to "
            f"{members:,} members (rolled back)"
        )

    def check(self):
        """Every member's scores == a brute-force Python computation, and the
        tags == the domains."""
        from odoo.addons.retail_crm.tools.rfm import (  # noqa: PLC0415
            HIGH_VALUE_SHARE,
            rfm_group,
        )

        with self.env(commit=False) as env:
            cr = env.cr
            cr.execute(
                """
                SELECT p.id, p.company_id, p.active, st.order_count,
                       st.last_purchase_date, st.total_spent,
                       p.retail_rfm_recency, p.retail_rfm_frequency,
                       p.retail_rfm_monetary, p.retail_rfm_group,
                       COALESCE(p.retail_high_value, FALSE)
                  FROM res_partner p
                  LEFT JOIN retail_member_stats st ON st.partner_id = p.id
                 WHERE p.is_retail_member
                """
            )
            rows = cr.fetchall()
            by_company = {}
            for row in rows:
                if row[2] and (row[3] or 0) > 0:
                    by_company.setdefault(row[1], []).append(row)
            expected = {row[0]: (None, None, None, None, False) for row in rows}
            for buyers in by_company.values():
                scores = {row[0]: [] for row in buyers}
                for col in (4, 3, 5):
                    ordered = sorted(buyers, key=lambda r, c=col: (r[c], r[0]))
                    for row, bucket in zip(ordered, ntile(len(ordered)), strict=True):
                        scores[row[0]].append(bucket)
                # negated totals, ascending: bisect_left counts who spent more
                spent = sorted(-r[5] for r in buyers)
                n = len(buyers)
                for row in buyers:
                    r, f, m = scores[row[0]]
                    above = bisect.bisect_left(spent, -row[5])
                    rank = above / (n - 1) if n > 1 else 0.0
                    expected[row[0]] = (
                        r,
                        f,
                        m,
                        rfm_group(r, f, m),
                        rank < HIGH_VALUE_SHARE,
                    )
            mismatches = [
                row[0] for row in rows if tuple(row[6:11]) != expected[row[0]]
            ]
            tag_mismatches = []
            for segment in self.segments(env):
                want = env["res.partner"].search_count(segment._retail_member_domain())
                cr.execute(
                    "SELECT count(*) FROM res_partner_res_partner_category_rel"
                    " WHERE category_id = %s",
                    [segment.tag_id.id],
                )
                got = cr.fetchone()[0]
                if got != want:
                    tag_mismatches.append((segment.name, got, want))
        self.results["check"] = {
            "members": len(rows),
            "mismatches": mismatches,
            "tag_mismatches": tag_mismatches,
        }
        say(
            f"   {len(rows) - len(mismatches):,}/{len(rows):,} members match the "
            f"brute force; {len(SEGMENTS) - len(tag_mismatches)}/{len(SEGMENTS)}"
            " segment tags match their domain"
        )
        for item in tag_mismatches:
            say(f"   tag mismatch: {item}")

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    def machine(self):
        rows = self.query_admin(self.db, "SHOW server_version")
        settings = {
            name: self.query_admin(self.db, f"SHOW {name}")[0][0]
            for name in (
                "shared_buffers",
                "work_mem",
                "max_parallel_workers_per_gather",
            )
        }
        try:
            mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        except (ValueError, OSError):
            mem = 0
        return (
            f"{len(os.sched_getaffinity(0))} cores, {mem:.0f} GB RAM; PostgreSQL "
            f"{rows[0][0]} ({', '.join(f'{k}={v}' for k, v in settings.items())});"
            f" Odoo {self.odoo.release.version}; Python {platform.python_version()}"
        )

    def report(self):
        r = self.results
        first, second, orm = r["first"], r["second"], r["orm"]
        nightly = r["nightly"]
        ours = first["rfm"] + first["tags"]
        ratio = orm["extrapolated"] / ours if ours else float("inf")
        check = r["check"]
        ok = not check["mismatches"] and not check["tag_mismatches"]
        ok = ok and second["changed"] == 0 and not second["added"] + second["removed"]
        w = 50
        lines = [
            "",
            "=" * 78,
            f"retail_crm RFM + segment tags benchmark - {date.today()}",
            f"Machine: {self.machine()}",
            f"Data: {r['members']:,} members ({r['buyers']:,} buyers), random "
            "stored statistics",
            "-" * 78,
            f"{'':{w}} {'seconds':>10}",
            f"{'ours: RFM pass (one UPDATE)':{w}} {first['rfm']:>10.1f}"
            f"   ({first['changed']:,} members scored)",
            f"{'ours: tag refresh, ' + str(len(SEGMENTS)) + ' segments':{w}} "
            f"{first['tags']:>10.1f}   (+{first['added']:,} tag links)",
            f"{'ours: total':{w}} {ours:>10.1f}",
            f"{'naive ORM way, extrapolated':{w}} {orm['extrapolated']:>10.0f}"
            f"   ({orm['sample']:,}-member sample: {orm['seconds']:.1f} s)",
            f"{'ratio (naive / ours)':{w}} {ratio:>9.0f}x",
            f"{'second run, nothing to change (RFM + tags)':{w}} "
            f"{second['rfm'] + second['tags']:>10.1f}"
            f"   ({second['changed']} rows, +{second['added']} -{second['removed']})",
            f"{'nightly run, after 1 % of the members bought':{w}} "
            f"{nightly['rfm'] + nightly['tags']:>10.1f}"
            f"   ({r['day_buyers']:,} buyers; {nightly['changed']:,} rows"
            f" rescored, +{nightly['added']:,} -{nightly['removed']:,} tags)",
            f"{'ratio, nightly (naive rescans all / ours)':{w}} "
            f"{orm['extrapolated'] / (nightly['rfm'] + nightly['tags']):>9.0f}x",
            "-" * 78,
            f"check: {check['members'] - len(check['mismatches']):,}/"
            f"{check['members']:,} members == brute force, "
            f"{len(SEGMENTS) - len(check['tag_mismatches'])}/{len(SEGMENTS)} tags "
            f"== domains: {'PASS' if ok else 'FAIL'}",
            "Phases:",
            *(f"  {name:66} {sec:>7.1f} s" for name, sec in self.timings.items()),
            "=" * 78,
        ]
        say("\n".join(lines))
        return ok


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rc_segments_bench")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument(
        "--update", action="store_true", help="update the addon first (-u)"
    )
    parser.add_argument("--http-port", type=int, default=8082)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    odoo = import_odoo()
    bench = Bench(odoo, args)
    bench.prepare_db()
    bench.open_registry()
    bench.ensure_data()
    with phase(bench.timings, "reset scores and tags + VACUUM (not timed)"):
        bench.reset()
    bench.results["first"] = bench.run_ours("first run")
    bench.results["second"] = bench.run_ours("second run")
    bench.simulate_a_day()
    bench.results["nightly"] = bench.run_ours("nightly run after 1 % bought")
    bench.run_orm()
    with phase(bench.timings, "check against brute force"):
        bench.check()
    return 0 if bench.report() else 1


if __name__ == "__main__":
    sys.exit(main())
