#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the member tier review and lifecycle stages of ``retail_crm``.

    python3 benchmarks/bench_tiers_stages.py --db rc_tiers_bench \
        [--members 1000000] [--sample 2000] [--batch 50000] [--rerun-only]

1. Installs ``retail_crm`` without demo data in the database when needed
   (``-u`` when the code has columns the database lacks) and opens a registry.
2. Generates the members with random stored purchase statistics directly in
   SQL (one ``INSERT ... SELECT``, fixed seed), plus a tier program of four
   tiers with discount pricelists. Skipped when the same data set is there.
3. Resets the tiers, stages, pricelists, RFM scores and segment tags of every
   member (so that every member really changes), then times the nightly
   member jobs together, as the crons run them with ``--workers`` database
   connections (``retail_crm.nightly_workers``, 2 by default):
   ``res.partner._cron_retail_lifecycle()`` (all stages
   + the due tier review, committed per batch) and
   ``retail.segment._retail_refresh_segments()`` (RFM scores + the tags of
   the 10 ready-made segments), three times: the first run (every member
   changes: the one-off classification after installing or migrating), a
   rerun (nothing to change), and a nightly run after 1 % of the members
   bought since the last night (their statistics change) with the tier
   review due: the daily case, which the targets apply to.
4. Times the per-record ORM way on a random sample (read the statistics,
   evaluate with tools/tiers.py, tools/lifecycle.py and tools/rfm.py, search
   the member's follow-ups, create the history lines, write each member and
   its segment tags), in batches of 1000 with the cache cleared, in a
   transaction rolled back; extrapolates it to all the members.
5. Checks on 500 random members that the SQL results equal the rules.
6. Prints the figures, the ratio and the targets (<= 60 s for stages + tier
   review + RFM + segment tags together, >= 50x the ORM way) with PASS/FAIL.

Exit code: 0 when the targets are met and the check passes, 1 otherwise.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bench_rfm_segments import (
    RFM_KEYS,
    naive_rfm_limits,
    naive_rfm_scores,
    naive_sync_tags,
)

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm"
MARKER_KEY = "retail_crm.bench_tiers_stages.dataset"
CODE_PREFIX = "TBENCH"
TARGET_SECONDS = 60.0
TARGET_RATIO = 50.0
ORM_BATCH = 1000
DAY_SHARE = 0.01  # share of the members who bought since the last night
# The ready-made segments of retail_crm whose tags the nightly run refreshes.
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
        self.results = {}

    # ------------------------------------------------------------------
    def run_odoo(self, flag):
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            self.args.db,
            f"--addons-path={self.addons_path}",
            flag,
            ADDON,
            "--without-demo=all",
            "--stop-after-init",
            f"--http-port={self.args.http_port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ]
        say(f"{' '.join(cmd)}")
        if subprocess.run(cmd, cwd=ROOT, check=False).returncode:
            die("odoo failed")

    def installed(self):
        import psycopg2  # noqa: PLC0415

        try:
            cnx = psycopg2.connect(dbname=self.args.db)
        except psycopg2.OperationalError:
            return False
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

    def open_registry(self):
        odoo = self.odoo
        if not self.installed():
            self.run_odoo("-i")
        odoo.tools.config.parse_config(
            [
                f"--addons-path={self.addons_path}",
                "-d",
                self.args.db,
                "--log-level=warn",
                "--max-cron-threads=0",
            ]
        )
        Registry = odoo.modules.registry.Registry
        self.registry = Registry(self.args.db)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name ="
                " 'res_partner' AND column_name = 'retail_stage'"
            )
            missing = not cr.fetchone()
        if missing:
            Registry.delete(self.args.db)
            self.run_odoo("-u")
            self.registry = Registry(self.args.db)

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
    def program(self, env):
        Program = env["retail.tier.program"]
        company = env.ref("base.main_company")
        program = Program.search([("company_id", "=", company.id)])
        if program:
            return program
        Pricelist = env["product.pricelist"]
        pricelists = Pricelist.create(
            [
                {
                    "name": f"Bench tier -{pct} %",
                    "company_id": company.id,
                    "item_ids": [
                        (
                            0,
                            0,
                            {
                                "compute_price": "percentage",
                                "percent_price": pct,
                                "applied_on": "3_global",
                            },
                        )
                    ],
                }
                for pct in (3, 5, 8)
            ]
        )
        program = Program.create(
            {
                "name": "Bench Tiers",
                "company_id": company.id,
                "grace_days": 30,
                "max_steps": 1,
            }
        )
        env["retail.member.tier"].create(
            [
                {"name": "Regular", "sequence": 1, "program_id": program.id},
                {
                    "name": "Silver",
                    "sequence": 2,
                    "program_id": program.id,
                    "min_spent": 1000,
                    "min_orders": 2,
                    "pricelist_id": pricelists[0].id,
                },
                {
                    "name": "Gold",
                    "sequence": 3,
                    "program_id": program.id,
                    "min_spent": 3000,
                    "min_orders": 4,
                    "pricelist_id": pricelists[1].id,
                },
                {
                    "name": "Diamond",
                    "sequence": 4,
                    "program_id": program.id,
                    "min_spent": 8000,
                    "min_orders": 8,
                    "pricelist_id": pricelists[2].id,
                },
            ]
        )
        return program

    def ensure_data(self):
        wanted = {"members": self.args.members, "version": 2}
        with self.env() as env:
            self.program(env)
            cr = env.cr
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER_KEY]
            )
            row = cr.fetchone()
            cr.execute(
                "SELECT count(*) FROM res_partner WHERE retail_member_code LIKE %s",
                [CODE_PREFIX + "%"],
            )
            count = cr.fetchone()[0]
            if row and json.loads(row[0]) == wanted and count == self.args.members:
                say(f"Data set already there ({count:,} members): not regenerated.")
                return
            if count:
                cr.execute(
                    "DELETE FROM res_partner WHERE retail_member_code LIKE %s",
                    [CODE_PREFIX + "%"],
                )
            store = env["retail.store"].search([("code", "=", "TB01")])
            if not store:
                store = env["retail.store"].create({"name": "Bench", "code": "TB01"})
            company = env.ref("base.main_company")
            env.flush_all()
            cr.execute("SET LOCAL session_replication_role = replica")
            cr.execute("SELECT setseed(0.42)")
            with phase(self.timings, f"generate {self.args.members:,} members"):
                # One generated row per member (statistics included), then
                # the members (res_partner) and the statistics of those who
                # bought (retail_member_stats) from it.
                cr.execute(
                    """
                    CREATE TEMP TABLE bench_gen ON COMMIT DROP AS
                    WITH s AS (
                        SELECT nextval('res_partner_id_seq') AS id, g,
                               random() AS r1, random() AS r2, random() AS r3,
                               random() AS r4
                          FROM generate_series(1, %(n)s) g
                    ), o AS (
                        SELECT s.*,
                               CASE WHEN r1 < 0.2 THEN 0
                                    ELSE 1 + floor(r1 * r1 * 20)::int END AS oc
                          FROM s
                    ), w AS (
                        SELECT o.*, floor(oc * r2)::int AS wc,
                               CASE WHEN oc > 0 THEN %(today)s::date
                                    - floor(r4 * r4 * 700)::int END AS lastd
                          FROM o
                    )
                    SELECT id, g, oc, wc,
                           round((wc * (50 + r3 * 1500))::numeric, 2) AS wspent,
                           round((oc * (50 + r3 * 1500))::numeric, 2) AS spent,
                           CASE WHEN oc > 0 THEN round((50 + r3 * 1500)::numeric, 2)
                                ELSE 0 END AS avg_ticket,
                           CASE WHEN oc > 1 THEN lastd - floor(r2 * 600)::int
                                ELSE lastd END AS firstd,
                           lastd
                      FROM w ORDER BY g
                    """,
                    {"n": self.args.members, "today": date.today()},
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
                        retail_channel, retail_join_date, mobile, retail_mobile)
                    SELECT id, id, 'Tier Bench ' || g, 'Tier Bench ' || g,
                           %(company)s, 'en_US', 'contact', true, false,
                           true, 0, 0, 0, 1, 'no-message', 'no-message', 'ask',
                           1, 1, now(), now(),
                           true, %(store)s, %(code)s || lpad(g::text, 8, '0'),
                           'store', %(today)s::date - 800,
                           '198' || lpad(g::text, 8, '0'),
                           '+86198' || lpad(g::text, 8, '0')
                      FROM bench_gen ORDER BY g
                    """,
                    {
                        "today": date.today(),
                        "company": company.id,
                        "store": store.id,
                        "code": CODE_PREFIX,
                    },
                )
                cr.execute(
                    """
                    INSERT INTO retail_member_stats (
                        partner_id, order_count, window_order_count,
                        window_spent, total_spent, avg_ticket,
                        first_purchase_date, last_purchase_date)
                    SELECT id, oc, wc, wspent, spent, avg_ticket, firstd, lastd
                      FROM bench_gen WHERE oc > 0 ORDER BY id
                    """
                )
            cr.execute("SET LOCAL session_replication_role = origin")
            env["ir.config_parameter"].set_param(MARKER_KEY, json.dumps(wanted))

    def reset(self):
        with self.env() as env:
            with phase(self.timings, "reset tiers, stages, pricelists, history"):
                cr = env.cr
                cr.execute(
                    "DELETE FROM retail_member_tier_history h USING res_partner p"
                    " WHERE p.id = h.partner_id AND p.retail_member_code LIKE %s",
                    [CODE_PREFIX + "%"],
                )
                cr.execute(
                    "DELETE FROM retail_member_stage_history h USING res_partner p"
                    " WHERE p.id = h.partner_id AND p.retail_member_code LIKE %s",
                    [CODE_PREFIX + "%"],
                )
                cr.execute(
                    "UPDATE res_partner SET retail_tier_id = NULL,"
                    " retail_tier_since = NULL, retail_stage = NULL,"
                    " retail_stage_date = NULL,"
                    " specific_property_product_pricelist = NULL,"
                    " retail_rfm_recency = NULL, retail_rfm_frequency = NULL,"
                    " retail_rfm_monetary = NULL, retail_rfm_group = NULL,"
                    " retail_high_value = NULL"
                    " WHERE retail_member_code LIKE %s",
                    [CODE_PREFIX + "%"],
                )
                segments = self.segments(env)
                segments.write({"auto_tag": True})
                cr.execute(
                    "DELETE FROM res_partner_res_partner_category_rel"
                    " WHERE category_id = ANY(%s)",
                    [segments.tag_id.ids],
                )
                env["retail.tier.program"].search([]).write(
                    {"next_review_date": date.today()}
                )
                env["ir.config_parameter"].set_param(
                    "retail_crm.lifecycle_cursor", False
                )
        with phase(self.timings, "VACUUM ANALYZE"):
            self.vacuum(
                "res_partner",
                "retail_member_stats",
                "res_partner_res_partner_category_rel",
                "retail_member_tier_history",
                "retail_member_stage_history",
            )

    # ------------------------------------------------------------------
    # Measures
    # ------------------------------------------------------------------
    def segments(self, env):
        return env["retail.segment"].browse(
            [env.ref(f"{ADDON}.{xmlid}").id for xmlid in SEGMENTS]
        )

    def nightly(self, label):
        """The nightly member jobs, timed together: lifecycle stages and the
        due tier review (one cron), then RFM scores and the tags of the
        auto-tag segments (the segment cron). Each commits as in production."""
        with self.env() as env:
            # the crons' database connections (1: one batch at a time)
            env["ir.config_parameter"].set_param(
                "retail_crm.nightly_workers", str(self.args.workers)
            )
            env.cr.commit()
            start = time.perf_counter()
            env["res.partner"]._cron_retail_lifecycle(batch_size=self.args.batch)
            env.flush_all()
            env.cr.commit()
            lifecycle_seconds = time.perf_counter() - start
            start = time.perf_counter()
            env["retail.segment"]._retail_refresh_segments(commit=True)
            env.flush_all()
            env.cr.commit()
            segment_seconds = time.perf_counter() - start
        self.timings[f"{label}: stages + tier review"] = lifecycle_seconds
        self.timings[f"{label}: RFM + segment tags"] = segment_seconds
        self.timings[label] = lifecycle_seconds + segment_seconds
        say(
            f"   {label}: {lifecycle_seconds + segment_seconds:.1f} s "
            f"(stages + tier review {lifecycle_seconds:.1f} s, RFM + "
            f"{len(SEGMENTS)} segment tags {segment_seconds:.1f} s)"
        )

    def simulate_a_day(self):
        """DAY_SHARE of the members (random) bought since the last night:
        their statistics change, as the statistics refresh writes them."""
        with self.env() as env:
            env.cr.execute("SELECT setseed(0.21)")
            env.cr.execute(
                """
                UPDATE retail_member_stats st
                   SET order_count = st.order_count + 1,
                       window_order_count = st.window_order_count + 1,
                       last_purchase_date = CURRENT_DATE,
                       total_spent = st.total_spent + 388.80,
                       avg_ticket = round((st.total_spent + 388.80)
                                          / (st.order_count + 1), 2),
                       window_spent = st.window_spent + 388.80
                 WHERE random() < %s
                """,
                [DAY_SHARE],
            )
            self.results["day_buyers"] = env.cr.rowcount
            env["retail.tier.program"].search([]).write(
                {"next_review_date": date.today()}
            )
        say(f"   {self.results['day_buyers']:,} members bought since last night")

    def run_sql(self):
        with self.env() as env:
            env.cr.execute("SELECT count(*) FROM res_partner WHERE is_retail_member")
            self.results["members"] = env.cr.fetchone()[0]
        if not self.args.rerun_only:
            self.run_sql_all_changes()
        self.run_sql_rerun()
        self.simulate_a_day()
        self.nightly(f"set-based nightly run ({DAY_SHARE:.0%} bought)")

    def run_sql_all_changes(self):
        self.nightly("set-based run (all changes)")
        with self.env() as env:
            cr = env.cr
            cr.execute(
                "SELECT count(*) FROM retail_member_tier_history h JOIN res_partner p"
                " ON p.id = h.partner_id WHERE p.retail_member_code LIKE %s",
                [CODE_PREFIX + "%"],
            )
            self.results["tier_lines"] = cr.fetchone()[0]
            cr.execute(
                "SELECT count(*) FROM retail_member_stage_history h JOIN res_partner p"
                " ON p.id = h.partner_id WHERE p.retail_member_code LIKE %s",
                [CODE_PREFIX + "%"],
            )
            self.results["stage_lines"] = cr.fetchone()[0]
            cr.execute(
                "SELECT t.name->>'en_US', count(*) FROM res_partner p"
                " LEFT JOIN retail_member_tier t ON t.id = p.retail_tier_id"
                " WHERE p.retail_member_code LIKE %s GROUP BY 1 ORDER BY 2 DESC",
                [CODE_PREFIX + "%"],
            )
            self.results["tiers"] = cr.fetchall()
            cr.execute(
                "SELECT retail_stage, count(*) FROM res_partner"
                " WHERE retail_member_code LIKE %s GROUP BY 1 ORDER BY 2 DESC",
                [CODE_PREFIX + "%"],
            )
            self.results["stages"] = cr.fetchall()

    def history_counts(self):
        with self.env() as env:
            env.cr.execute(
                "SELECT (SELECT count(*) FROM retail_member_tier_history),"
                " (SELECT count(*) FROM retail_member_stage_history)"
            )
            return env.cr.fetchone()

    def run_sql_rerun(self):
        """The nightly job again, the review due again: nothing may change."""
        with self.env() as env:
            env["retail.tier.program"].search([]).write(
                {"next_review_date": date.today()}
            )
        before = self.history_counts()
        self.nightly("set-based rerun (nothing to change)")
        self.results["rerun_idempotent"] = self.history_counts() == before

    def run_orm(self, reset=True):
        """The per-record ORM way on a sample, rolled back.

        ``reset``: start from members never evaluated (every member changes,
        as in the first set-based run); else from the current state (nothing
        changes, as in the rerun).
        """
        from odoo import Command  # noqa: PLC0415

        from odoo.addons.retail_crm.tools import lifecycle  # noqa: PLC0415
        from odoo.addons.retail_crm.tools import tiers as rules  # noqa: PLC0415
        from odoo.addons.retail_crm.tools.rfm import (  # noqa: PLC0415
            HIGH_VALUE_SHARE,
            rfm_group,
        )

        with self.env(commit=False) as env:
            cr = env.cr
            cr.execute(
                "SELECT id FROM res_partner WHERE retail_member_code LIKE %s",
                [CODE_PREFIX + "%"],
            )
            ids = [row[0] for row in cr.fetchall()]
            sample = sorted(random.Random(42).sample(ids, self.args.sample))
            # the same starting point as the set-based run: nothing evaluated
            cr.execute(
                "SELECT 1"
                if not reset
                else "UPDATE res_partner SET retail_tier_id = NULL,"
                " retail_tier_since = NULL, retail_stage = NULL,"
                " specific_property_product_pricelist = NULL,"
                " retail_rfm_recency = NULL, retail_rfm_frequency = NULL,"
                " retail_rfm_monetary = NULL, retail_rfm_group = NULL,"
                " retail_high_value = NULL WHERE id = ANY(%s)",
                [sample] if reset else None,
            )
            env.invalidate_all()
            Partner = env["res.partner"]
            TierHistory = env["retail.member.tier.history"]
            StageHistory = env["retail.member.stage.history"]
            Message = env["mail.message"]
            program = env["retail.tier.program"].search([], limit=1)
            company = program.company_id
            tiers = program._retail_sorted_tiers()
            tier_rules = [
                rules.Tier(t, rules.to_decimal(t.min_spent), t.min_orders)
                for t in tiers
            ]
            params = lifecycle.StageParams(
                company.retail_stage_active_days,
                company.retail_stage_loyal_orders,
                company.retail_stage_at_risk_days,
                company.retail_stage_at_risk_factor,
                company.retail_stage_lapsed_days,
            )
            today = Partner._retail_today(company)
            segments = self.segments(env)
            segment_rules = [(g._retail_member_domain(), g.tag_id.id) for g in segments]
            start = time.perf_counter()
            # RFM: the quintile limits from the statistics read (a naive
            # module reads them all: the same cost per member)
            stats = []
            for i in range(0, len(sample), ORM_BATCH):
                stats += Partner.browse(sample[i : i + ORM_BATCH]).read(list(RFM_KEYS))
                env.invalidate_all()
            lim, high = naive_rfm_limits(stats, HIGH_VALUE_SHARE)
            for i in range(0, len(sample), ORM_BATCH):
                env.invalidate_all()
                for member in Partner.browse(sample[i : i + ORM_BATCH]).with_company(
                    company
                ):
                    eligible = rules.eligible_rank(
                        tier_rules,
                        rules.to_decimal(member.retail_window_spent),
                        member.retail_window_order_count,
                    )
                    current = (
                        list(tiers).index(member.retail_tier_id)
                        if member.retail_tier_id in tiers
                        else None
                    )
                    rank = rules.review_rank(
                        current,
                        eligible,
                        member.retail_tier_since,
                        today,
                        program.grace_days,
                        program.max_steps,
                    )
                    new_tier = tiers[rank] if rank >= 0 else tiers.browse()
                    contacted = bool(
                        Message.search_count(
                            [
                                ("model", "=", "res.partner"),
                                ("res_id", "=", member.id),
                                ("mail_activity_type_id", "!=", False),
                            ],
                            limit=1,
                        )
                    )
                    stage = lifecycle.derive_stage(
                        member.retail_order_count,
                        member.retail_window_order_count,
                        member.retail_first_purchase_date,
                        member.retail_last_purchase_date,
                        contacted,
                        today,
                        params,
                    )
                    vals = {}
                    if new_tier != member.retail_tier_id:
                        TierHistory.create(
                            {
                                "partner_id": member.id,
                                "company_id": company.id,
                                "from_tier_id": member.retail_tier_id.id,
                                "to_tier_id": new_tier.id,
                                "reason": "upgrade",
                            }
                        )
                        vals.update(
                            retail_tier_id=new_tier.id,
                            retail_tier_since=today,
                            specific_property_product_pricelist=new_tier.pricelist_id.id,
                        )
                    if stage != member.retail_stage:
                        StageHistory.create(
                            {
                                "partner_id": member.id,
                                "company_id": company.id,
                                "from_stage": member.retail_stage,
                                "to_stage": stage,
                            }
                        )
                        vals.update(retail_stage=stage, retail_stage_date=today)
                    scores = naive_rfm_scores(member, lim, high, rfm_group)
                    vals.update({k: v for k, v in scores.items() if member[k] != v})
                    if vals:
                        member.write(vals)
                    naive_sync_tags(member, segment_rules, Command)
                env.flush_all()
            elapsed = time.perf_counter() - start
        label = "all changes" if reset else "nothing to change"
        self.timings[f"ORM sample ({label})"] = elapsed
        per_member = elapsed / len(sample)
        self.results[f"orm_extrapolated_{reset}"] = per_member * self.results["members"]
        say(
            f"   ORM way ({label}): {len(sample):,} members in {elapsed:.1f} s "
            f"({per_member * 1000:.2f} ms/member), extrapolated to "
            f"{self.results['members']:,}: {per_member * self.results['members']:.0f} s"
        )

    def check(self):
        from odoo.addons.retail_crm.tools import lifecycle  # noqa: PLC0415
        from odoo.addons.retail_crm.tools import tiers as rules  # noqa: PLC0415

        with self.env(commit=False) as env:
            cr = env.cr
            cr.execute(
                "SELECT id FROM res_partner WHERE retail_member_code LIKE %s"
                " ORDER BY id",
                [CODE_PREFIX + "%"],
            )
            ids = [row[0] for row in cr.fetchall()]
            sample = random.Random(7).sample(ids, min(500, len(ids)))
            program = env["retail.tier.program"].search([], limit=1)
            company = program.company_id
            tiers = program._retail_sorted_tiers()
            tier_rules = [
                rules.Tier(t, rules.to_decimal(t.min_spent), t.min_orders)
                for t in tiers
            ]
            today = env["res.partner"]._retail_today(company)
            params = lifecycle.StageParams(
                company.retail_stage_active_days,
                company.retail_stage_loyal_orders,
                company.retail_stage_at_risk_days,
                company.retail_stage_at_risk_factor,
                company.retail_stage_lapsed_days,
            )
            bad = 0
            for member in env["res.partner"].browse(sample).with_company(company):
                rank = rules.eligible_rank(
                    tier_rules,
                    rules.to_decimal(member.retail_window_spent),
                    member.retail_window_order_count,
                )
                tier = tiers[rank] if rank >= 0 else tiers.browse()
                stage = lifecycle.derive_stage(
                    member.retail_order_count,
                    member.retail_window_order_count,
                    member.retail_first_purchase_date,
                    member.retail_last_purchase_date,
                    False,
                    today,
                    params,
                )
                pricelist = member.specific_property_product_pricelist
                if (
                    member.retail_tier_id != tier
                    or member.retail_stage != stage
                    or pricelist != tier.pricelist_id
                ):
                    bad += 1
            self.results["check"] = (len(sample), bad)
        say(f"   check: {bad} of {len(sample)} members differ from the rules")

    # ------------------------------------------------------------------
    def report(self):
        members = self.results["members"]
        checked, bad = self.results["check"]
        say()
        say("=" * 72)
        say(f"Members: {members:,}")
        if "tiers" in self.results:
            say(f"Tier history lines written: {self.results['tier_lines']:,}")
            say(f"Stage history lines written: {self.results['stage_lines']:,}")
            say(f"Tiers: {self.results['tiers']}")
            say(f"Stages: {self.results['stages']}")
        for name, value in self.timings.items():
            say(f"{name:48} {value:10.1f} s")
        ok = True
        day = f"set-based nightly run ({DAY_SHARE:.0%} bought)"
        # (scenario, ORM figure to compare with, counts for the targets)
        scenarios = (
            ("set-based run (all changes)", True, False),
            ("set-based rerun (nothing to change)", False, False),
            (day, False, True),
        )
        say(
            "Each set-based figure = stages + tier review + RFM scores + "
            f"tags of {len(SEGMENTS)} segments, together, with "
            f"{self.args.workers} database connection(s) "
            "(retail_crm.nightly_workers; the ORM way uses one)."
        )
        for label, reset, target in scenarios:
            if label not in self.timings:
                continue
            sql = self.timings[label]
            orm = self.results[f"orm_extrapolated_{reset}"]
            ratio = orm / sql if sql else 0
            say(
                f"{label}: set-based {sql:.1f} s, ORM way extrapolated "
                f"{orm:.0f} s, ratio {ratio:.0f} x"
                + ("" if target else "  (for information)")
            )
            ok_time = sql <= TARGET_SECONDS
            ok_ratio = ratio >= TARGET_RATIO
            say(f"  {'<= 60 s':46} {'PASS' if ok_time else 'FAIL':>10}")
            say(f"  {'ratio >= 50x':46} {'PASS' if ok_ratio else 'FAIL':>10}")
            if target:
                ok = ok and ok_time and ok_ratio
        try:
            load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        except OSError:
            load = "?"
        say(f"Load average (1/5/15 min) at the end: {load}")
        ok_check = bad == 0 and self.results["rerun_idempotent"]
        say(
            f"{'results = rules, rerun changes nothing':48} "
            f"{'PASS' if ok_check else 'FAIL':>10}   ({bad}/{checked} differ)"
        )
        say("=" * 72)
        return 0 if ok and ok_check else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rc_tiers_bench")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50000)
    parser.add_argument("--http-port", type=int, default=8081)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="database connections of the nightly jobs (retail_crm.nightly_workers,"
        " default 2 as in production)",
    )
    parser.add_argument(
        "--rerun-only",
        action="store_true",
        help="members already evaluated: time only the nightly run with "
        "nothing to change (no reset, no first run)",
    )
    args = parser.parse_args()
    try:
        import odoo  # noqa: PLC0415
    except ImportError as err:
        die(f"Odoo 18.0 is not importable: {err}")
    bench = Bench(odoo, args)
    bench.open_registry()
    bench.ensure_data()
    if not args.rerun_only:
        bench.reset()
    bench.run_sql()
    bench.check()
    bench.run_orm(reset=False)
    if not args.rerun_only:
        bench.run_orm(reset=True)
    sys.exit(bench.report())


if __name__ == "__main__":
    main()
