#!/usr/bin/env python3
# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the points expiry of ``retail_crm_loyalty``.

    python3 benchmarks/bench_loyalty_expiry.py --db rc_loy \
        [--cards 100000] [--lots-per-card 3] [--orm-cards 1000]

On a database where ``retail_crm_loyalty`` is installed (e.g. the demo
database of the addon):

1. Inserts (SQL, one statement each) ``--cards`` cards of the chain program
   of the main company and ``--lots-per-card`` earned lots per card, two of
   them due for expiry.
2. Times the "expiring soon" selection
   (``res.partner._retail_points_expiring``: one grouped query) and the
   nightly expiry cron (``loyalty.card._cron_retail_expire_points``:
   set-based batches of 5,000 cards).
3. Times the per-record ORM way (for each card: search its due lots, empty
   them, write a ``loyalty.history`` line, lower the balance) on
   ``--orm-cards`` other cards and extrapolates it to ``--cards``.
4. Prints both, the ratio, and the check that every card's balance equals
   the sum of its history after the run.

Everything runs in one transaction that is rolled back: the database is
left as it was. Exit code 0 when the check holds, 1 otherwise.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "retail_crm_loyalty"


def say(message=""):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--cards", type=int, default=100000)
    parser.add_argument("--lots-per-card", type=int, default=3)
    parser.add_argument("--orm-cards", type=int, default=1000)
    args = parser.parse_args()
    try:
        import odoo  # noqa: PLC0415
        from odoo.tools import SQL  # noqa: PLC0415
    except ImportError as err:
        say(f"Odoo 18.0 is not importable ({err}).")
        return 2
    addons_path = ",".join([str(ROOT), *odoo.addons.__path__])
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    # no commit per batch inside the cron: everything is rolled back
    threading.current_thread().testing = True
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        program = env["loyalty.program"]._retail_chain_program(company)
        today = env["res.partner"]._retail_today(company)
        total = args.cards + args.orm_cards
        t0 = time.perf_counter()
        cr.execute(
            SQL(
                """
                WITH p AS (
                    INSERT INTO res_partner
                        (name, active, company_id, type, autopost_bills)
                    SELECT 'Bench member ' || g, TRUE, %(company)s, 'contact',
                           'ask'
                      FROM generate_series(1, %(total)s) g
                    RETURNING id
                )
                INSERT INTO loyalty_card
                    (program_id, company_id, partner_id, points, code, active)
                SELECT %(program)s, %(company)s, p.id, 100 * %(lots)s,
                       'BENCH' || p.id, TRUE
                  FROM p
                RETURNING id
                """,
                program=program.id,
                company=company.id,
                lots=args.lots_per_card,
                total=total,
            )
        )
        card_ids = sorted(r[0] for r in cr.fetchall())
        cr.execute(
            SQL(
                """
                INSERT INTO loyalty_history (card_id, description, issued, used)
                SELECT c, 'bench', 100 * %(lots)s, 0 FROM unnest(%(cards)s) c;
                INSERT INTO retail_loyalty_lot
                    (card_id, partner_id, program_id, company_id, earned_date,
                     expiry_date, points, remaining, expired_points)
                SELECT c.id, c.partner_id, %(program)s, %(company)s,
                       %(today)s - (400 - 30 * l), %(today)s - (35 - 30 * l),
                       100, 100, 0
                  FROM loyalty_card c, generate_series(0, %(lots)s - 1) l
                 WHERE c.id = ANY(%(cards)s)
                """,
                program=program.id,
                company=company.id,
                lots=args.lots_per_card,
                cards=card_ids,
                today=today,
            )
        )
        env.invalidate_all()
        say(
            f"{total:,} cards, {total * args.lots_per_card:,} lots inserted in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        orm_ids, sql_ids = card_ids[: args.orm_cards], card_ids[args.orm_cards :]

        # the per-record ORM way, on --orm-cards cards
        Lot, History = env["retail.loyalty.lot"], env["loyalty.history"]
        t0 = time.perf_counter()
        for card in env["loyalty.card"].browse(orm_ids):
            due = Lot.search(
                [
                    ("card_id", "=", card.id),
                    ("remaining", ">", 0),
                    ("expiry_date", "<", today),
                ]
            )
            expired = sum(due.mapped("remaining"))
            for lot in due:
                expired_points = lot.expired_points + lot.remaining
                lot.write({"expired_points": expired_points, "remaining": 0})
            History.create(
                {
                    "card_id": card.id,
                    "description": "x",
                    "used": expired,
                    "retail_kind": "expiry",
                }
            )
            card.points -= expired
        env.flush_all()
        orm = time.perf_counter() - t0
        orm_rate = args.orm_cards / orm
        # the set-based selection and cron, on the other cards
        t0 = time.perf_counter()
        soon = env["res.partner"]._retail_points_expiring(30, company)
        select = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = env["loyalty.card"]._cron_retail_expire_points()
        cron = time.perf_counter() - t0
        cr.execute(
            SQL(
                """
                SELECT count(*) FROM loyalty_card c
                  LEFT JOIN (
                      SELECT card_id,
                             SUM(COALESCE(issued, 0) - COALESCE(used, 0)) AS total
                        FROM loyalty_history WHERE card_id = ANY(%s)
                       GROUP BY card_id
                  ) h ON h.card_id = c.id
                 WHERE c.id = ANY(%s) AND c.points IS DISTINCT FROM COALESCE(h.total, 0)
                """,
                card_ids,
                card_ids,
            )
        )
        mismatched = cr.fetchone()[0]
        cr.rollback()
    say(f"expiring-soon selection: {select:.2f} s ({len(soon):,} members)")
    say(
        f"expiry cron (set-based): {done:,} cards in {cron:.1f} s = "
        f"{done / cron:,.0f} cards/s"
    )
    say(
        f"per-record ORM: {args.orm_cards:,} cards in {orm:.1f} s = "
        f"{orm_rate:,.0f} cards/s -> {len(sql_ids) / orm_rate:,.0f} s for "
        f"{len(sql_ids):,} cards"
    )
    say(f"ratio: {(done / cron) / orm_rate:,.1f}x faster")
    say(f"cards whose balance != sum of history: {mismatched}")
    return 0 if mismatched == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
