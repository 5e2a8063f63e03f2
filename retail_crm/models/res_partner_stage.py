# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
"""Lifecycle stages of members, and the nightly tier/stage job."""

import logging
import threading

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.lifecycle import STAGES
from ..tools.parallel import run_batches_in_workers
from ..tools.planner import local_settings
from .res_partner import _sql_int_array

_logger = logging.getLogger(__name__)

STAGE_SYSTEM_FIELDS = frozenset({"retail_stage", "retail_stage_date"})
LIFECYCLE_CURSOR_KEY = "retail_crm.lifecycle_cursor"


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_stage = fields.Selection(
        STAGES,
        string="Lifecycle Stage",
        readonly=True,
        index=True,
        copy=False,
        help="Derived every night and after each purchase from the member's "
        "statistics and follow-ups (thresholds in the Retail CRM settings).",
    )
    retail_stage_date = fields.Date(string="Stage Since", readonly=True, copy=False)
    retail_stage_history_ids = fields.One2many(
        "retail.member.stage.history",
        "partner_id",
        string="Stage History",
        readonly=True,
    )

    def _retail_on_members_created(self):
        res = super()._retail_on_members_created()
        self._retail_log_initial_stages()
        self._retail_refresh_stages()
        return res

    @api.model
    def _retail_bulk_precompute(self, vals_list):
        # A new member has neither purchases nor follow-ups yet: a prospect.
        # Inserted with the row rather than written over it right after;
        # _retail_on_members_created logs it in the stage history.
        res = super()._retail_bulk_precompute(vals_list)
        todays = {}
        for vals in vals_list:
            if not vals.get("retail_stage"):
                company_id = vals.get("company_id") or self.env.company.id
                if company_id not in todays:
                    todays[company_id] = self._retail_today(
                        self.env["res.company"].browse(company_id)
                    )
                vals["retail_stage"] = "prospect"
                vals["retail_stage_date"] = todays[company_id]
        return res

    def _retail_log_initial_stages(self):
        """History line of the members created with a stage and none yet
        (the bulk creation of imports), as the first stage refresh writes."""
        members = self.filtered("is_retail_member")
        if not members:
            return
        self.env.flush_all()
        now = fields.Datetime.now()
        cr = self.env.cr
        # With stale statistics the planner's cost estimate can exceed the JIT
        # threshold: compiling then takes 0.2 s for a millisecond insert.
        with local_settings(cr, jit="off"):
            cr.execute(
                SQL(
                    """
                    INSERT INTO retail_member_stage_history
                           (partner_id, company_id, from_stage, to_stage, date,
                            create_uid, create_date, write_uid, write_date)
                    SELECT p.id, p.company_id, NULL, p.retail_stage, %(now)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      -- driven by the ids, one index probe per member (LATERAL
                      -- ... LIMIT 1): in the transaction of a large import the
                      -- statistics of res_partner and of the history are stale
                      -- (empty tables for the planner), which made PostgreSQL
                      -- scan the retail_stage index and the whole history for
                      -- each member of each batch (quadratic: 1.2 s a batch of
                      -- 1,000 at 20,000 imported members)
                      FROM unnest(%(ids)s::int4[]) AS u(id)
                     CROSS JOIN LATERAL (
                           SELECT p.id, p.company_id, p.retail_stage
                             FROM res_partner p
                            WHERE p.id = u.id
                            LIMIT 1) p
                      LEFT JOIN LATERAL (
                           SELECT 1 AS found
                             FROM retail_member_stage_history h
                            WHERE h.partner_id = p.id
                            LIMIT 1) h ON TRUE
                     WHERE p.retail_stage IS NOT NULL AND h.found IS NULL
                 RETURNING partner_id
                    """,
                    ids=list(dict.fromkeys(members.ids)),
                    now=now,
                    uid=self.env.uid,
                )
            )
            logged = [row[0] for row in cr.fetchall()]
        if logged:
            changed = self.browse(logged)
            changed.invalidate_recordset(["retail_stage_history_ids"])
            self.env["retail.member.stage.history"].invalidate_model()
            changed._retail_on_stage_changed(dict.fromkeys(logged, False))

    @api.model
    def _retail_derived_fields(self):
        return super()._retail_derived_fields() | STAGE_SYSTEM_FIELDS

    def write(self, vals):
        if not self.env.su and STAGE_SYSTEM_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The lifecycle stage of a member is derived from purchases "
                    "and follow-ups and cannot be edited."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Derivation (SQL twin of tools/lifecycle.py)
    # ------------------------------------------------------------------
    @api.model
    def _retail_stage_expression(self, company, today):
        """SQL expression of the stage of the member row ``p``."""
        return SQL(
            """
            CASE
            WHEN COALESCE(st.order_count, 0) = 0
                 OR st.last_purchase_date IS NULL THEN
                CASE WHEN EXISTS (
                        SELECT 1 FROM mail_message mm
                         WHERE mm.model = 'res.partner' AND mm.res_id = p.id
                           AND mm.mail_activity_type_id IS NOT NULL)
                     THEN 'first_contact' ELSE 'prospect' END
            WHEN %(today)s - st.last_purchase_date >= %(lapsed)s THEN 'lapsed'
            WHEN %(today)s - st.last_purchase_date >= GREATEST(
                    %(risk_days)s::numeric,
                    CASE WHEN st.order_count >= 2
                              AND st.first_purchase_date IS NOT NULL
                         THEN %(factor)s::numeric
                              * (st.last_purchase_date
                                 - st.first_purchase_date)
                              / (st.order_count - 1)::numeric
                         ELSE 0 END)
                THEN 'at_risk'
            WHEN st.order_count = 1 THEN 'first_purchase'
            WHEN COALESCE(st.window_order_count, 0) >= %(loyal)s THEN 'loyal'
            WHEN %(today)s - st.last_purchase_date < %(active)s THEN 'active'
            ELSE 'at_risk'
            END
            """,
            today=today,
            lapsed=company.retail_stage_lapsed_days,
            risk_days=company.retail_stage_at_risk_days,
            factor=str(company.retail_stage_at_risk_factor),
            loyal=company.retail_stage_loyal_orders,
            active=company.retail_stage_active_days,
        )

    @api.model
    def _retail_stage_update_sql(self, company, member_ids):
        """Derive and write the stages of ``member_ids`` (members of ``company``).

        One UPDATE of the rows whose stage changes with the INSERT of their
        history lines. Returns {member id: old stage} of the changed members.
        """
        if not member_ids:
            return {}
        today = self._retail_today(company)
        now = fields.Datetime.now()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH m AS (
                    SELECT p.id, p.retail_stage AS old, %(stage)s AS new
                      -- driven by the ids (primary key lookups), whatever
                      -- the statistics say (stale during a large import)
                      FROM unnest(%(ids)s) AS u(id)
                      JOIN res_partner p ON p.id = u.id
                      LEFT JOIN retail_member_stats st ON st.partner_id = p.id
                     WHERE p.is_retail_member
                ),
                upd AS (
                    UPDATE res_partner p
                       SET retail_stage = m.new, retail_stage_date = %(today)s
                      FROM m
                     WHERE p.id = m.id AND p.retail_stage IS DISTINCT FROM m.new
                       AND p.id BETWEEN %(lo)s AND %(hi)s
                 RETURNING p.id, m.old, m.new
                ),
                ins AS (
                    INSERT INTO retail_member_stage_history
                           (partner_id, company_id, from_stage, to_stage, date,
                            create_uid, create_date, write_uid, write_date)
                    SELECT upd.id, %(company)s, upd.old, upd.new, %(now)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM upd
                )
                SELECT id, old FROM upd
                """,
                stage=self._retail_stage_expression(company, today),
                # one array literal, not 50,000 constants to parse
                ids=_sql_int_array(dict.fromkeys(member_ids)),
                lo=min(member_ids),
                hi=max(member_ids),
                today=today,
                company=company.id,
                now=now,
                uid=self.env.uid,
            )
        )
        old_stages = dict(cr.fetchall())
        if old_stages:
            changed = self.browse(list(old_stages))
            changed.invalidate_recordset(
                ["retail_stage", "retail_stage_date", "retail_stage_history_ids"]
            )
            self.env["retail.member.stage.history"].invalidate_model()
            changed._retail_on_stage_changed(old_stages)
        return old_stages

    def _retail_refresh_stages(self):
        """Refresh the stages of the members of ``self`` (set-based)."""
        members = self.filtered("is_retail_member")
        if not members:
            return {}
        self.env.flush_all()
        changed = {}
        for company in members.company_id:
            ids = members.filtered(lambda m, c=company: m.company_id == c).ids
            changed.update(self._retail_stage_update_sql(company, ids))
        return changed

    def _retail_on_stage_changed(self, old_stages):
        """Hook called with the members whose lifecycle stage just changed.

        ``old_stages``: {member id: previous stage key or False}. The new stage
        is ``member.retail_stage``. Override it to react (activity plans...).
        """

    def _retail_on_purchase_stats_changed(self):
        res = super()._retail_on_purchase_stats_changed()
        self._retail_refresh_stages()
        return res

    # ------------------------------------------------------------------
    # Batches and the nightly job
    # ------------------------------------------------------------------
    @api.model
    def _retail_run_member_batches(
        self,
        company,
        work,
        label,
        cursor=0,
        batch_size=50000,
        on_batch=None,
        workers=1,
    ):
        """Run ``work(env, ids)`` on the members of ``company`` in batches of ids.

        Each batch runs in a savepoint: a failing batch is logged and the
        others continue. ``on_batch(last_id, count)`` is called after each
        batch (progress, restart position, commit), in the order of the
        batches. With ``workers`` > 1 the batches run on as many database
        connections at once, each committed when done
        (:func:`..tools.parallel.run_batches_in_workers`): ``work`` gets the
        worker's environment, and the workers read committed data only.
        Returns the number of changed members reported by ``work``.
        """

        def run(env, ids):
            try:
                with env.cr.savepoint():
                    return len(work(env, ids))
            except Exception:
                _logger.exception(
                    "%s of %s: the batch of %d members from id %s failed; "
                    "the other batches continue",
                    label,
                    company.name,
                    len(ids),
                    ids[0],
                )
                env.invalidate_all()
                return 0

        changed = {"count": 0}

        def done(ids, count):
            changed["count"] += count
            if on_batch:
                on_batch(ids[-1], len(ids))

        if workers > 1:

            def take(env, position):
                ids = env["res.partner"]._retail_member_batch(
                    company, position, batch_size
                )
                return (ids, ids[-1]) if ids else None

            self.env.flush_all()
            try:
                run_batches_in_workers(self.env, workers, cursor, take, run, done)
            finally:
                # the workers changed members behind this environment's cache
                self.env.invalidate_all()
            return changed["count"]
        while True:
            ids = self._retail_member_batch(company, cursor, batch_size)
            if not ids:
                return changed["count"]
            done(ids, run(self.env, ids))
            cursor = ids[-1]

    @api.model
    def _retail_refresh_all_stages(self, batch_size=50000):
        """Stages of every member, batch per batch. Returns the changed count."""
        changed = 0
        for company in self._retail_member_companies():
            changed += self._retail_run_member_batches(
                company,
                lambda env, ids, c=company: env["res.partner"]._retail_stage_update_sql(
                    c.with_env(env), ids
                ),
                "Lifecycle stages",
                batch_size=batch_size,
            )
        return changed

    @api.model
    def _retail_member_companies(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT DISTINCT company_id FROM res_partner"
            " WHERE is_retail_member AND company_id IS NOT NULL ORDER BY company_id"
        )
        return self.env["res.company"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )

    @api.model
    def _retail_lifecycle_jobs(self):
        """Jobs of the nightly run: ``[(kind, record)]``, in a fixed order."""
        jobs = [("stage", company) for company in self._retail_member_companies()]
        # sudo: the cron reads the configuration of every company
        programs = self.env["retail.tier.program"].sudo().search([], order="id")
        for program in programs:
            today = self._retail_today(program.company_id)
            if program.tier_ids and (
                not program.next_review_date or program.next_review_date <= today
            ):
                jobs.append(("tier", program))
        return jobs

    @api.model
    def _cron_retail_lifecycle(self, batch_size=50000):
        """Nightly: lifecycle stages of all members, then the due tier reviews.

        Batched, committed per batch and restartable: the position is kept in
        ``retail_crm.lifecycle_cursor`` as ``<date>|<job>|<last member id>``;
        an interrupted run resumes there on the same day. Both steps are
        idempotent, so a rerun changes nothing. The batches of each step run
        on :meth:`_retail_nightly_workers` database connections at once.
        """
        params = self.env["ir.config_parameter"].sudo()
        today = fields.Date.to_string(fields.Date.today())
        day, job_key, last = (
            (params.get_param(LIFECYCLE_CURSOR_KEY) or "") + "||"
        ).split("|")[:3]
        jobs = self._retail_lifecycle_jobs()
        keys = [f"{kind}:{record.id}" for kind, record in jobs]
        start, cursor = 0, 0
        if day == today and job_key in keys and last.isdigit():
            start, cursor = keys.index(job_key), int(last)
        self.env.cr.execute(
            "SELECT company_id, count(*) FROM res_partner WHERE is_retail_member"
            " GROUP BY company_id"
        )
        per_company = dict(self.env.cr.fetchall())
        total = sum(
            per_company.get((record if kind == "stage" else record.company_id).id, 0)
            for kind, record in jobs[start:]
        )
        progress = {"done": 0}
        cron = self.env["ir.cron"]
        testing = getattr(threading.current_thread(), "testing", False)
        workers = self._retail_nightly_workers()

        for index in range(start, len(jobs)):
            kind, record = jobs[index]
            key = keys[index]

            def on_batch(last_id, count, key=key):
                params.set_param(LIFECYCLE_CURSOR_KEY, f"{today}|{key}|{last_id}")
                progress["done"] += count
                cron._notify_progress(
                    done=progress["done"], remaining=max(total - progress["done"], 0)
                )
                if not testing:
                    self.env.cr.commit()  # pylint: disable=invalid-commit

            if workers > 1:
                # the workers read committed data only
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if kind == "stage":
                self._retail_run_member_batches(
                    record,
                    lambda env, ids, c=record: env[
                        "res.partner"
                    ]._retail_stage_update_sql(c.with_env(env), ids),
                    "Lifecycle stages",
                    cursor=cursor,
                    batch_size=batch_size,
                    on_batch=on_batch,
                    workers=workers,
                )
            else:
                record._retail_run_review(
                    batch_size=batch_size,
                    cursor=cursor,
                    on_batch=on_batch,
                    workers=workers,
                )
            cursor = 0
        params.set_param(LIFECYCLE_CURSOR_KEY, False)
        return True
