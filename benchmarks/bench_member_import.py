#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the member import of ``retail_crm``.

    python3 benchmarks/bench_member_import.py --db rc_import_bench \
        [--rows 100000] [--base-import-rows 2000] [--batch-size 1000]

1. Creates the database with ``retail_crm`` (no demo data) when it does not
   exist (or lacks the addon), then opens an Odoo registry on it.
2. Builds in memory an .xlsx of ``--rows`` realistic Chinese members (fixed
   seed): names, mobiles in mixed formats (plain, spaced, ``+86``, dashed,
   full-width, numeric cells), birthdays in mixed formats, genders, store
   codes, tags, some emails; 5 % of the rows repeat an earlier member with
   its mobile typed differently (duplicates inside the file).
3. Vacuums the tables the runs write and checkpoints (before each timed
   run, so that one run does not pay for the other's dead rows or WAL).
   Times ``retail.member.import`` ``action_import()`` on it (reading,
   normalization, de-duplication and writes), as the superuser (HQ).
4. Times Odoo's stock ``base_import.import`` ``execute_import`` of the same
   rows (first ``--base-import-rows``) as CSV into ``res.partner`` with the
   fields name, mobile, email, and extrapolates rows/second.
5. Prints rows/second of both, the ratio, the peak memory of the process
   after our import (``resource.getrusage``; the stock import of many rows
   raises it further, printed too) and the targets (>= 2,730 rows/s, <= 1 GB).

Everything runs in transactions that are rolled back: the database is left
as it was (use ``--commit`` to keep the imported members). Exit code 0 when
the targets are met, 1 otherwise, 2 when Odoo or the database is missing.
"""

import argparse
import base64
import csv
import io
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm"
SEED = 42
TARGET_ROWS_PER_SECOND = 2730
TARGET_PEAK_MB = 1024
DUPLICATE_SHARE = 0.05

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉"
    "婷雪琳晶欣怡佳雨萱子涵浩宇轩博文梓豪俊熙睿思诗晨瑶嘉乐安琪心悦一诺若曦"
)
PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 "
    "166 176 177 178 180 181 182 183 185 186 187 188 189 198 199"
).split()
TAGS = ("VIP", "新客", "老客", "高价值", "母婴", "美妆", "运动", "会员日")
HEADER = ["姓名", "手机号", "生日", "性别", "门店", "标签", "邮箱"]
STORE_CODE = "BENCH-IMP"


def say(message=""):
    print(message, flush=True)  # pylint: disable=print-used


def die(message, code=2):
    print(f"ERROR: {message}", file=sys.stderr, flush=True)  # pylint: disable=print-used
    sys.exit(code)


def peak_mb():
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def mobile_formats(digits, rnd):
    """The same mobile as staff type it in a spreadsheet."""
    choice = rnd.random()
    if choice < 0.45:
        return digits
    if choice < 0.60:
        return float(digits)  # numeric cell: 13800138000.0
    if choice < 0.72:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if choice < 0.82:
        return f"+86 {digits}"
    if choice < 0.90:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if choice < 0.96:
        return digits.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return f"0086{digits}"


def birthday_formats(day, rnd):
    choice = rnd.random()
    if choice < 0.3:
        return datetime(day.year, day.month, day.day)
    if choice < 0.5:
        return f"{day.year}/{day.month}/{day.day}"
    if choice < 0.7:
        return day.isoformat()
    if choice < 0.85:
        return f"{day.year}年{day.month}月{day.day}日"
    if choice < 0.95:
        return day.strftime("%Y%m%d")
    return None


def generate_rows(count, seed=SEED):
    """``count`` rows (header excluded); 5 % repeat an earlier member."""
    rnd = random.Random(seed)
    rows = []
    people = []
    used = set()
    start = date(1960, 1, 1)
    for index in range(count):
        if people and rnd.random() < DUPLICATE_SHARE:
            name, digits = rnd.choice(people)
            rows.append(
                [name, mobile_formats(digits, rnd), None, None, STORE_CODE, None, None]
            )
            continue
        while True:
            digits = rnd.choice(PREFIXES) + f"{rnd.randrange(10**8):08d}"
            if digits not in used:
                used.add(digits)
                break
        name = rnd.choice(SURNAMES) + "".join(
            rnd.choice(GIVEN) for __ in range(rnd.choice((1, 2, 2)))
        )
        people.append((name, digits))
        day = start + timedelta(days=rnd.randrange(16000))
        tags = "、".join(rnd.sample(TAGS, rnd.choice((0, 0, 1, 2))))
        email = f"m{index}@example.cn" if rnd.random() < 0.3 else None
        rows.append(
            [
                name,
                mobile_formats(digits, rnd),
                birthday_formats(day, rnd),
                rnd.choice(("男", "女", "女", "F", "M", None)),
                STORE_CODE,
                tags or None,
                email,
            ]
        )
    return rows


def build_xlsx(rows):
    import openpyxl  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("会员")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "mobile", "email"])
    for name, mobile, *__, email in rows:
        if isinstance(mobile, float):
            mobile = str(int(mobile))
        writer.writerow([name, mobile, email or ""])
    return out.getvalue().encode("utf-8")


# ----------------------------------------------------------------------
# Odoo
# ----------------------------------------------------------------------
class Bench:
    def __init__(self, args):
        try:
            import odoo  # noqa: PLC0415
        except ImportError as err:
            die(f"Odoo 18.0 is not importable by {sys.executable} ({err}).")
        self.odoo = odoo
        self.args = args
        self.addons_path = ",".join([str(ROOT), *odoo.addons.__path__])
        # CPU seconds of this process (Python side, PostgreSQL excluded)
        self.cpu = {}

    def _query_admin(self, dbname, query, params=()):
        import psycopg2  # noqa: PLC0415

        __, info = self.odoo.sql_db.connection_info_for(dbname)
        try:
            cnx = psycopg2.connect(**info)
        except psycopg2.OperationalError:
            return None
        try:
            with cnx.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchone()
        finally:
            cnx.close()

    def settle(self):
        """Same starting point for each timed run: the dead rows of earlier
        (rolled back) runs vacuumed and the WAL checkpointed, so that neither
        run pays for the other's checkpoint. CHECKPOINT needs a superuser
        (or pg_checkpoint); without it the figures vary more."""
        import psycopg2  # noqa: PLC0415

        __, info = self.odoo.sql_db.connection_info_for(self.args.db)
        cnx = psycopg2.connect(**info)
        cnx.autocommit = True
        try:
            with cnx.cursor() as cr:
                cr.execute(
                    "VACUUM (ANALYZE) res_partner,"
                    " res_partner_res_partner_category_rel, retail_member_stage_history"
                )
                try:
                    cr.execute("CHECKPOINT")
                except psycopg2.errors.InsufficientPrivilege:
                    say("   (no CHECKPOINT: not a superuser)")
        finally:
            cnx.close()

    def addon_installed(self):
        found = self._query_admin(
            "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [self.args.db]
        )
        if not found:
            return False
        row = self._query_admin(
            self.args.db,
            "SELECT state FROM ir_module_module WHERE name = %s",
            [ADDON],
        )
        return bool(row and row[0] == "installed")

    def prepare_db(self):
        if self.addon_installed():
            say(f"Database {self.args.db}: {ADDON} installed.")
            return
        say(f"Database {self.args.db}: installing {ADDON} (no demo data) ...")
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            self.args.db,
            f"--addons-path={self.addons_path}",
            "-i",
            ADDON,
            "--without-demo=all",
            "--stop-after-init",
            f"--http-port={self.args.http_port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ]
        if subprocess.run(cmd, cwd=ROOT, check=False).returncode or not (
            self.addon_installed()
        ):
            die(f"could not install {ADDON} in {self.args.db}: {' '.join(cmd)}")

    def open_registry(self):
        self.odoo.tools.config.parse_config(
            [
                f"--addons-path={self.addons_path}",
                "-d",
                self.args.db,
                "--log-level=warn",
                "--max-cron-threads=0",
            ]
        )
        self.registry = self.odoo.modules.registry.Registry(self.args.db)

    def run_in_env(self, func):
        odoo = self.odoo
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
            try:
                return func(env)
            finally:
                if self.args.commit:
                    env.flush_all()
                    cr.commit()  # pylint: disable=invalid-commit
                else:
                    env.invalidate_all(flush=False)
                    cr.rollback()

    def store(self, env):
        Store = env["retail.store"]
        store = Store.search([("code", "=", STORE_CODE)], limit=1)
        return store or Store.create(
            {
                "name": "Benchmark Store",
                "code": STORE_CODE,
                "company_id": env.company.id,
            }
        )

    def ours(self, content):
        def run(env):
            wizard = env["retail.member.import"].create(
                {
                    "file": base64.b64encode(content),
                    "file_name": "bench_members.xlsx",
                    "store_id": self.store(env).id,
                    "duplicate_strategy": "fill",
                    "batch_size": self.args.batch_size,
                }
            )
            start, cpu = time.perf_counter(), time.process_time()
            wizard.action_import()
            env.flush_all()
            elapsed = time.perf_counter() - start
            self.cpu["ours"] = time.process_time() - cpu
            return elapsed, {
                "new": wizard.count_new,
                "update": wizard.count_update,
                "duplicate_file": wizard.count_duplicate_file,
                "duplicate_existing": wizard.count_duplicate_existing,
                "invalid": wizard.count_invalid,
            }

        return self.run_in_env(run)

    def stock(self, content):
        def run(env):
            record = env["base_import.import"].create(
                {
                    "res_model": "res.partner",
                    "file": content,
                    "file_name": "bench_members.csv",
                    "file_type": "text/csv",
                }
            )
            options = {
                "has_headers": True,
                "quoting": '"',
                "separator": ",",
                "encoding": "utf-8",
            }
            fields = ["name", "mobile", "email"]
            start, cpu = time.perf_counter(), time.process_time()
            result = record.execute_import(fields, fields, options)
            env.flush_all()
            elapsed = time.perf_counter() - start
            self.cpu["stock"] = time.process_time() - cpu
            errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
            if not result.get("ids"):
                die(f"base_import imported nothing: {result.get('messages')}")
            return elapsed, len(result["ids"]), errors

        return self.run_in_env(run)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="rc_import_bench")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--base-import-rows",
        type=int,
        default=2000,
        help="Rows given to stock base_import (rows/s are extrapolated).",
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--http-port", type=int, default=8074)
    parser.add_argument(
        "--commit", action="store_true", help="Keep the imported members."
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    bench = Bench(args)
    bench.prepare_db()
    bench.open_registry()

    say(f"-- generating {args.rows} rows ...")
    start = time.perf_counter()
    rows = generate_rows(args.rows)
    content = build_xlsx(rows)
    say(
        f"   {len(content) / 1024 / 1024:.1f} MB xlsx in "
        f"{time.perf_counter() - start:.1f} s"
    )

    say("-- retail.member.import action_import() ...")
    bench.settle()
    ours_s, counts = bench.ours(content)
    del content
    # ru_maxrss only grows: read before the stock import adds its own peak
    peak = peak_mb()
    ours_rate = args.rows / ours_s
    say(f"   {ours_s:.1f} s, {ours_rate:,.0f} rows/s, {counts}")

    stock_rows = min(args.base_import_rows, args.rows)
    say(f"-- base_import execute_import() on {stock_rows} rows ...")
    bench.settle()
    stock_s, stock_ids, stock_errors = bench.stock(build_csv(rows[:stock_rows]))
    stock_rate = stock_rows / stock_s
    say(
        f"   {stock_s:.1f} s, {stock_rate:,.0f} rows/s, {stock_ids} partners, "
        f"{len(stock_errors)} errors"
    )
    ok_rate = ours_rate >= TARGET_ROWS_PER_SECOND
    ok_memory = peak <= TARGET_PEAK_MB
    say()
    say(
        f"Machine: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {args.rows} rows, "
        f"batch {args.batch_size}"
    )
    say(f"retail_crm import       {ours_rate:10,.0f} rows/s  ({ours_s:.1f} s)")
    say(
        f"stock base_import       {stock_rate:10,.0f} rows/s  "
        f"({stock_s:.1f} s for {stock_rows} rows, extrapolated "
        f"{args.rows / stock_rate:.0f} s for {args.rows})"
    )
    say(f"ratio                   {ours_rate / stock_rate:10.1f} x")
    say(
        f"per CPU-second (Python)  ours {args.rows / bench.cpu['ours']:,.0f} rows, "
        f"stock {stock_rows / bench.cpu['stock']:,.0f} rows "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    say(f"peak memory (ours)      {peak:10,.0f} MB")
    say(f"peak memory (process)   {peak_mb():10,.0f} MB  (after the stock import too)")
    say(
        f"target >= {TARGET_ROWS_PER_SECOND} rows/s     {'PASS' if ok_rate else 'FAIL'}"
    )
    say(f"target <= {TARGET_PEAK_MB} MB peak      {'PASS' if ok_memory else 'FAIL'}")
    return 0 if ok_rate and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
