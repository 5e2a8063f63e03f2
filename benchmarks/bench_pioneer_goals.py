#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the Digital Pioneer (数字化先锋) goals of ``retail_crm``.

    python3 benchmarks/bench_pioneer_goals.py --db rc_adopt \
        [--users 200] [--members 50000] [--followups 100000] [--changes 30000]

1. Opens a registry on a database where ``retail_crm`` is installed (with or
   without demo data; nothing is installed by this script).
2. In one transaction that is rolled back at the end (the database is left
   as it was): creates ``--users`` sales associates in a new company and
   store, ``--members`` members assigned to them at random (set-based
   member insert of retail_crm), ``--followups`` done follow-ups (the
   messages logged when a follow-up is done, with its due date and
   assignee) and ``--changes`` lifecycle stage changes, in SQL, fixed seed.
3. Creates a monthly challenge for the associates with the five goals and
   times the computation of the goals of the three retail measures
   (follow-ups on time, profile completeness, win-backs):
   - ours: ``gamification.goal.update_goal()``, one query per definition
     and period for all the users;
   - stock: gamification's own evaluation of the python code of each goal,
     goal by goal (``Goal.update_goal`` of the gamification addon).
4. Checks both give the same values and prints the times, the number of
   queries and the ratio.

Exit code 0 when the values agree, 1 otherwise, 2 when Odoo or the database
is missing.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 42


def say(message=""):
    print(message, flush=True)


def die(message, code=2):
    say(f"ERROR: {message}")
    sys.exit(code)


def open_env(odoo, db):
    addons = ",".join([str(ROOT), *odoo.addons.__path__])
    odoo.tools.config.parse_config(
        [f"--addons-path={addons}", "-d", db, "--log-level=warn"]
    )
    try:
        registry = odoo.modules.registry.Registry(db)
    except Exception as err:  # noqa: BLE001
        die(f"cannot open the database {db}: {err}")
    if "retail.leaderboard" not in registry:
        die(f"retail_crm with the Digital Pioneer goals is not installed in {db}")
    return registry


def make_data(env, args, rng):
    company = env["res.company"].create(
        {"name": "Pioneer Bench Company", "retail_phone_region": "CN"}
    )
    group = env.ref("retail_crm.group_retail_associate")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench Associate {i}",
                    "login": f"pioneer_bench_{i}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, group.ids)],
                }
                for i in range(args.users)
            ]
        )
    )
    store = env["retail.store"].create(
        {
            "name": "Pioneer Bench Store",
            "code": "PBENCH",
            "company_id": company.id,
            "staff_user_ids": [(6, 0, users.ids)],
        }
    )
    today = date.today()
    user_ids = users.ids
    vals_list = [
        {
            "name": f"Bench Member {i}",
            "mobile": f"13{rng.choice('6789')}{10000000 + i:08d}",
            "company_id": company.id,
            "retail_store_id": store.id,
            "user_id": rng.choice(user_ids),
            "retail_join_date": today - timedelta(days=rng.randint(0, 90)),
            "retail_birthday": rng.random() < 0.6 and date(1990, 5, 1),
            "retail_marketing_consent": rng.random() < 0.5,
        }
        for i in range(args.members)
    ]
    Partner = env["res.partner"].with_context(tracking_disable=True)
    members = Partner._retail_bulk_create_members(vals_list)
    member_ids = members.ids
    owner = dict(zip(member_ids, (v["user_id"] for v in vals_list), strict=True))
    env.flush_all()
    cr = env.cr
    rows = []
    for __ in range(args.followups):
        member_id = rng.choice(member_ids)
        done = today - timedelta(days=rng.randint(0, 40))
        rows.append(
            (
                member_id,
                owner[member_id],
                done + timedelta(days=rng.randint(-3, 3)),
                done,
            )
        )
    cr.execute(
        """
        INSERT INTO mail_message (model, res_id, message_type, date,
                                  retail_activity_user_id,
                                  retail_activity_deadline,
                                  create_date, write_date)
        SELECT 'res.partner', r.res_id, 'notification', r.done, r.user_id,
               r.deadline, now(), now()
          FROM unnest(%s::int[], %s::int[], %s::date[], %s::timestamp[])
               AS r(res_id, user_id, deadline, done)
        """,
        [list(col) for col in zip(*rows, strict=True)],
    )
    stages = ["first_purchase", "active", "loyal", "at_risk", "lapsed"]
    changes = [
        (
            rng.choice(member_ids),
            rng.choice(stages),
            rng.choice(stages),
            today - timedelta(days=rng.randint(0, 40)),
        )
        for __ in range(args.changes)
    ]
    cr.execute(
        """
        INSERT INTO retail_member_stage_history (partner_id, company_id,
                                                 from_stage, to_stage, date)
        SELECT r.partner_id, %s, r.from_stage, r.to_stage, r.day
          FROM unnest(%s::int[], %s::varchar[], %s::varchar[],
                      %s::timestamp[]) AS r(partner_id, from_stage, to_stage, day)
        """,
        [company.id, *[list(col) for col in zip(*changes, strict=True)]],
    )
    return users


def count_queries(cr):
    return cr.sql_log_count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="rc_adopt")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--members", type=int, default=50000)
    parser.add_argument("--followups", type=int, default=100000)
    parser.add_argument("--changes", type=int, default=30000)
    args = parser.parse_args()
    try:
        import odoo  # noqa: PLC0415

        from odoo.addons.gamification.models.gamification_goal import (  # noqa: PLC0415
            Goal as StockGoal,
        )
    except ImportError as err:
        die(f"Odoo 18.0 is not importable: {err}")
    registry = open_env(odoo, args.db)
    rng = random.Random(SEED)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            t0 = time.perf_counter()
            users = make_data(env, args, rng)
            say(f"data: {time.perf_counter() - t0:.1f} s")
            kinds = ("followups_on_time", "profile_completeness", "win_backs")
            definitions = env["gamification.goal.definition"].browse(
                env.ref(f"retail_crm.goal_{kind}").id for kind in kinds
            )
            challenge = env["gamification.challenge"].create(
                {
                    "name": "Pioneer Bench",
                    "period": "monthly",
                    "user_domain": False,
                    "report_message_frequency": "never",
                    "user_ids": [(6, 0, users.ids)],
                    "line_ids": [
                        (0, 0, {"definition_id": d.id, "target_goal": 1000})
                        for d in definitions
                    ],
                }
            )
            challenge.action_start()
            goals = env["gamification.goal"].search(
                [("challenge_id", "=", challenge.id)]
            )
            results = {}
            for name, compute in (
                ("ours (set-based)", lambda g: g.update_goal()),
                ("stock (goal by goal)", lambda g: StockGoal.update_goal(g)),
            ):
                goals.write({"current": -1})
                env.flush_all()
                env.invalidate_all()
                queries = count_queries(cr)
                start = time.perf_counter()
                compute(goals)
                env.flush_all()
                seconds = time.perf_counter() - start
                results[name] = (
                    seconds,
                    count_queries(cr) - queries,
                    {g.id: round(g.current, 4) for g in goals},
                )
            (ours_s, ours_q, ours_v), (stock_s, stock_q, stock_v) = results.values()
            say("=" * 72)
            say(
                f"{len(goals)} goals ({args.users} associates x 3 retail "
                f"measures), {args.members} members, {args.followups} done "
                f"follow-ups, {args.changes} stage changes"
            )
            say(f"ours : {ours_s:8.3f} s  {ours_q:6d} queries")
            say(f"stock: {stock_s:8.3f} s  {stock_q:6d} queries")
            say(f"ratio: {stock_s / ours_s:8.1f} x faster")
            same = ours_v == stock_v
            say(f"same values: {'PASS' if same else 'FAIL'}")
            say("=" * 72)
        finally:
            env.invalidate_all(flush=False)
            cr.rollback()
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
