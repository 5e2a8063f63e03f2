#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the WeCom callbacks of ``retail_crm_wechat`` on loopback.

    python3 benchmarks/bench_wechat_callbacks.py --db rc_wx [--requests 100]
        [--concurrency 100] [--workers 2] [--port 8173]

1. Opens the database (``retail_crm_wechat`` installed), creates once a
   company "WeChat Benchmark" with a store and an associate, and points its
   WeChat settings to a fake WeCom server started by this script on loopback
   (the one of the tests).
2. Starts Odoo (``--workers``) on ``--port``, then sends ``--requests``
   distinct, correctly signed and encrypted ``add_external_contact``
   callbacks, ``--concurrency`` at a time, and measures each answer time
   (client side: from sending to the full answer).
3. Checks that no event was lost: as many recorded events and queued jobs as
   requests answered "success".
4. The stock way, for comparison: processing each event inline in the
   request (fetch the contact from WeCom, create the member, send the welcome
   message) before answering. Its answer time is estimated as the measured
   answer time plus the measured processing time of the same event (the
   queued jobs, performed here one by one against the same fake server).
5. Prints p50/p95/max of both, the ratio of the p95s, and the target
   (p95 <= 50 ms, no lost event).

The benchmark's members, events, nonces and jobs are deleted at the end.
Exit code 0 when the targets are met, 1 otherwise, 2 when Odoo or the
database is missing.
"""

import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGET_P95_MS = 50.0
LOG = os.environ.get("BENCH_ODOO_LOG", "/tmp/bench_wechat_callbacks_odoo.log")
CORP_ID = "wwbenchcorp00001"
TOKEN = "benchtoken"
AES_KEY = "YmVuY2gtYWVzLWtleS1yZXRhaWwtY3JtLXdlY2hhdCE"


def say(message=""):
    print(message, flush=True)


def die(message, code=2):
    say(f"ERROR: {message}")
    sys.exit(code)


def percentile(values, pct):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def fake_server_class():
    """The fake WeCom server of the tests, loaded from its file (importing
    the tests package would import odoo.tests)."""
    path = ROOT / "retail_crm_wechat" / "tests" / "fake_wechat_server.py"
    spec = importlib.util.spec_from_file_location("fake_wechat_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeWechatServer


def addons_path():
    import odoo.addons

    paths = [str(ROOT), *odoo.addons.__path__]
    return ",".join(
        dict.fromkeys(p for p in paths if any(Path(p).glob("*/__manifest__.py")))
    )


def open_registry(dbname):
    import odoo
    from odoo.tools import config

    config.parse_config(["--addons-path", addons_path(), "-d", dbname])
    odoo.modules.module.initialize_sys_path()
    return odoo.modules.registry.Registry(dbname)


def prepare(registry, base_url):
    """The benchmark company, store and associate (created once)."""
    from odoo import SUPERUSER_ID, Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        module = env["ir.module.module"].search(
            [("name", "=", "retail_crm_wechat"), ("state", "=", "installed")]
        )
        if not module:
            die(f"retail_crm_wechat is not installed in {cr.dbname}")
        company = env["res.company"].search([("name", "=", "WeChat Benchmark")])
        if not company:
            company = env["res.company"].create(
                {"name": "WeChat Benchmark", "retail_phone_region": "CN"}
            )
        user = env["res.users"].search([("login", "=", "rc_wx_bench_associate")])
        if not user:
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": "Benchmark Associate",
                        "login": "rc_wx_bench_associate",
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [
                            Command.link(
                                env.ref("retail_crm.group_retail_associate").id
                            )
                        ],
                    }
                )
            )
        store = env["retail.store"].search(
            [("code", "=", "WXBENCH"), ("company_id", "=", company.id)]
        )
        if not store:
            store = env["retail.store"].create(
                {
                    "name": "Benchmark Store",
                    "code": "WXBENCH",
                    "company_id": company.id,
                    "staff_user_ids": [Command.set(user.ids)],
                }
            )
        user.write(
            {"retail_wecom_userid": "wx_bench", "retail_default_store_id": store.id}
        )
        way = env["retail.wecom.contact.way"].search([("store_id", "=", store.id)])
        if not way:
            way = env["retail.wecom.contact.way"].create(
                {"name": "Bench QR", "store_id": store.id, "user_id": user.id}
            )
        company.write(
            {
                "retail_wecom_corp_id": CORP_ID,
                "retail_wecom_contact_secret": "bench-secret",
                "retail_wecom_token": TOKEN,
                "retail_wecom_aes_key": AES_KEY,
                "retail_wecom_welcome_text": "欢迎！",
                "retail_wechat_base_url": base_url,
            }
        )
        return company.id, way.state_code


def cleanup(registry, company_id):
    from odoo.tools import SQL

    with registry.cursor() as cr:
        cr.execute(
            SQL(
                "DELETE FROM queue_job WHERE channel = 'root.retail_wechat' "
                "AND func_string LIKE %s",
                "%retail.wechat.event%",
            )
        )
        cr.execute(
            SQL("DELETE FROM retail_wechat_event WHERE company_id = %s", company_id)
        )
        cr.execute(
            SQL("DELETE FROM retail_wechat_nonce WHERE company_id = %s", company_id)
        )
        cr.execute(
            SQL(
                "DELETE FROM res_partner WHERE company_id = %s "
                "AND retail_wecom_external_userid LIKE %s",
                company_id,
                "wmBENCH%",
            )
        )


def start_odoo(dbname, port, workers, maxconn):
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        dbname,
        f"--addons-path={addons_path()}",
        f"--http-port={port}",
        f"--workers={workers}",
        "--max-cron-threads=0",
        "--log-level=warn",
        # one line per request with its query count, query time and the rest
        # of its handling time: the server-side time, without the queueing
        "--log-handler=werkzeug:INFO",
        f"--db-filter=^{dbname}$",
        f"--db_maxconn={maxconn}",
    ]
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(LOG, "wb")
    )
    import requests

    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            die(f"Odoo stopped, see {LOG}")
        try:
            requests.get(
                f"http://127.0.0.1:{port}/web/webclient/version_info", timeout=2
            )
            return proc
        except requests.RequestException:
            time.sleep(1)
    proc.terminate()
    die("Odoo did not start within 180 s")


def callback(port, company_id, state, index, run_id):
    import requests

    from odoo.addons.retail_crm_wechat.tools import wxcrypt

    external_userid = f"wmBENCH{run_id}{index:04d}"
    inner = (
        "<xml>"
        f"<ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        "<FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[change_external_contact]]></Event>"
        "<ChangeType><![CDATA[add_external_contact]]></ChangeType>"
        "<UserID><![CDATA[wx_bench]]></UserID>"
        f"<ExternalUserID><![CDATA[{external_userid}]]></ExternalUserID>"
        f"<State><![CDATA[{state}]]></State>"
        f"<WelcomeCode><![CDATA[WC{external_userid}]]></WelcomeCode>"
        "</xml>"
    )
    encrypted = wxcrypt.encrypt(AES_KEY, inner, CORP_ID)
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:12]
    signature = wxcrypt.signature(TOKEN, timestamp, nonce, encrypted)
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    start = time.perf_counter()
    try:
        response = requests.post(
            f"http://127.0.0.1:{port}/retail_wechat/wecom/{company_id}",
            params={
                "msg_signature": signature,
                "timestamp": timestamp,
                "nonce": nonce,
            },
            data=body,
            headers={"Content-Type": "text/xml"},
            timeout=30,
        )
        status, text = response.status_code, response.text
    except requests.RequestException as exc:
        # connection refused or reset: WeCom would retry it
        status, text = 0, type(exc).__name__
    elapsed = (time.perf_counter() - start) * 1000
    return external_userid, status, text, elapsed


def process_inline(registry, company_id):
    """Perform the queued jobs of the benchmark events one by one, each in
    its own transaction as the job runner does; return the processing time
    (ms) per external user id."""
    from odoo import SUPERUSER_ID, api

    from odoo.addons.queue_job.job import Job

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        events = {
            event.id: event._retail_values().get("ExternalUserID")
            for event in env["retail.wechat.event"].search(
                [("company_id", "=", company_id)]
            )
        }
        jobs = {}
        for job in env["queue.job"].search(
            [("channel", "=", "root.retail_wechat"), ("state", "=", "pending")],
            order="priority, id",
        ):
            if job.model_name == "retail.wechat.event" and job.records:
                jobs.setdefault(job.records.ids[0], []).append(job.uuid)
    times = {}
    for event_id, external_userid in events.items():
        start = time.perf_counter()
        for job_uuid in jobs.get(event_id, []):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                job = Job.load(env, job_uuid)
                job.perform()
                job.set_done()
                job.store()
        times[external_userid] = (time.perf_counter() - start) * 1000
    return times


def server_times(run_id):
    """Server-side handling time (ms) and query count of the callbacks of
    this run, from Odoo's request log: ``"POST /retail_wechat/wecom/..."
    200 - <queries> <query time s> <remaining time s>``."""
    times, queries = [], []
    pattern = re.compile(
        r'"POST /retail_wechat/wecom/\S+ HTTP/[\d.]+" 200 - (\d+) ([\d.]+) ([\d.]+)'
    )
    with open(LOG, encoding="utf-8", errors="replace") as log:
        lines = log.readlines()
    # the lines of the measured requests (not those of the warm-up)
    start, end = RUN_LINES.get(run_id, (0, len(lines)))
    for line in lines[start:end]:
        match = pattern.search(line)
        if match:
            queries.append(int(match.group(1)))
            times.append((float(match.group(2)) + float(match.group(3))) * 1000)
    return times, queries


# run id: (first, last) line of the log written during the measured requests
RUN_LINES = {}


def stats(values):
    return (
        statistics.median(values),
        percentile(values, 95),
        max(values),
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("DB", "rc_wx"))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="0: threaded server (its listen backlog holds 100 concurrent "
        "connections; the prefork server's is 8 per worker)",
    )
    parser.add_argument("--port", type=int, default=8173)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        import odoo  # noqa: F401
    except ImportError:
        die("Odoo 18.0 is not importable")
    registry = open_registry(args.db)
    server = fake_server_class()().start()
    company_id, state = prepare(registry, server.base_url)
    cleanup(registry, company_id)
    run_id = uuid.uuid4().hex[:6]
    for i in range(args.requests):
        external_userid = f"wmBENCH{run_id}{i:04d}"
        server.contacts[external_userid] = {
            "external_contact": {
                "external_userid": external_userid,
                "name": f"客户{i}",
                "type": 1,
            },
            "follow_user": [{"userid": "wx_bench", "state": state, "tags": []}],
        }
    # threaded: one connection per request in flight (+ the registry's)
    maxconn = 64 if args.workers else args.concurrency + 16
    odoo_proc = start_odoo(args.db, args.port, args.workers, maxconn)
    try:
        # warm-up: routing map, registry of each worker
        for i in range(max(args.workers, 1) * 3):
            callback(args.port, company_id, state, 9000 + i, run_id)
        cleanup(registry, company_id)
        with open(LOG, "rb") as log:
            warmup_lines = sum(1 for __ in log)
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(
                pool.map(
                    lambda i: callback(args.port, company_id, state, i, run_id),
                    range(args.requests),
                )
            )
        time.sleep(1)
        with open(LOG, "rb") as log:
            RUN_LINES[run_id] = (warmup_lines, sum(1 for __ in log))
    finally:
        odoo_proc.terminate()
        try:
            odoo_proc.wait(60)
        except subprocess.TimeoutExpired:
            odoo_proc.kill()
            odoo_proc.wait()
    ok = [r for r in results if r[1] == 200 and r[2] == "success"]
    refused = len(results) - len(ok)
    failures = Counter(f"{r[1]} {r[2][:40]}" for r in results if r not in ok)
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM retail_wechat_event WHERE company_id = %s",
            (company_id,),
        )
        events = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM queue_job WHERE channel = 'root.retail_wechat' "
            "AND state = 'pending' AND model_name = 'retail.wechat.event'"
        )
        jobs = cr.fetchone()[0]
    processing = process_inline(registry, company_id)
    cleanup(registry, company_id)
    server.stop()

    handling, queries = server_times(run_id)
    ours = [r[3] for r in results]
    inline = [r[3] + processing.get(r[0], 0.0) for r in results]
    lost = len(ok) - events
    p50, p95, worst = stats(ours)
    s50, s95, sworst = stats(inline)
    mode = f"--workers={args.workers}" if args.workers else "threaded"
    say(f"WeCom callbacks: {args.requests} requests, {args.concurrency} at a time,")
    say(f"Odoo {mode}, loopback, {os.cpu_count()} CPU(s)")
    say(
        f"answered 'success': {len(ok)} (not answered: {refused}); "
        f"events recorded: {events}; jobs queued (one per event): {jobs}; "
        f"lost events: {lost}"
    )
    if failures:
        say(f"not answered: {dict(failures)}")
    say("")
    say(f"{'':34}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    say(f"{'ours (deferred to queue jobs)':34}{p50:10.1f}{p95:10.1f}{worst:10.1f}")
    say(f"{'stock way (processed inline)':34}{s50:10.1f}{s95:10.1f}{sworst:10.1f}")
    if handling:
        h50, h95, hworst = stats(handling)
        say(
            f"{'ours, server-side handling':34}{h50:10.1f}{h95:10.1f}{hworst:10.1f}"
            f"   ({len(handling)} requests, {statistics.median(queries):.0f} "
            "SQL queries each)"
        )
    say(f"ratio of p95 (inline / ours): {s95 / p95:.1f}x" if p95 else "")
    load = os.getloadavg()
    say(f"machine load average (1/5/15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    met = p95 <= TARGET_P95_MS and lost == 0 and len(ok) == args.requests
    say(
        f"target: p95 <= {TARGET_P95_MS:.0f} ms and no lost event: "
        f"{'MET' if met else 'NOT MET'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
