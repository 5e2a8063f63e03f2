# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
from datetime import datetime

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, mute_logger
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

from ..tools.parallel import run_batches_in_workers

_logger = logging.getLogger(__name__)

# Table of res.partner.category_id (many2many).
TAG_REL = "res_partner_res_partner_category_rel"


class RetailSegment(models.Model):
    _name = "retail.segment"
    _description = "Member Segment"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Members of this company only; empty: of every company.",
    )
    store_ids = fields.Many2many(
        "retail.store",
        "retail_segment_retail_store_rel",
        "segment_id",
        "store_id",
        string="Visible to Stores",
        help="Staff of these stores see the segment; empty: all stores. "
        "Everyone counts only the members they may see.",
    )
    domain = fields.Char(
        string="Members",
        required=True,
        default="[]",
        tracking=True,
        help="Which members belong to the segment (an Odoo domain on members; "
        "it may use context_today(), datetime, relativedelta and uid).",
    )
    member_count = fields.Integer(
        compute="_compute_member_count",
        help="Members of the segment that you may see.",
    )
    auto_tag = fields.Boolean(
        string="Auto-tag",
        tracking=True,
        help="Keep a tag on exactly the members of the segment: refreshed "
        "every night and with the Refresh button.",
    )
    tag_id = fields.Many2one(
        "res.partner.category",
        ondelete="restrict",
        tracking=True,
        help="Tag kept equal to the segment. Created from the segment name when empty.",
    )
    last_refresh_date = fields.Datetime(string="Tag Refreshed On", readonly=True)
    last_refresh_count = fields.Integer(string="Tagged Members", readonly=True)

    # ------------------------------------------------------------------
    # Domain
    # ------------------------------------------------------------------
    def _retail_today(self):
        """Today in the time zone of the segment's company (or the user's)."""
        company = self.company_id or self.env.company
        tz = company.retail_timezone or self.env.user.tz or "Asia/Shanghai"
        return datetime.now(pytz.timezone(tz)).date()

    def _retail_eval_context(self):
        return {
            "context_today": self._retail_today,
            "datetime": safe_datetime,
            "relativedelta": relativedelta,
            "uid": self.env.uid,
        }

    def _retail_member_domain(self):
        """The evaluated domain of the segment, members only (may raise)."""
        self.ensure_one()
        domain = safe_eval(self.domain or "[]", self._retail_eval_context())
        if not isinstance(domain, list | tuple):
            raise ValueError(
                self.env._("the domain must be a list, not %(value)r", value=domain)
            )
        domain = expression.normalize_domain(list(domain))
        base = [("is_retail_member", "=", True)]
        if self.company_id:
            base.append(("company_id", "=", self.company_id.id))
        return expression.AND([base, domain])

    @api.constrains("domain", "company_id")
    def _check_domain(self):
        """Evaluate and run each domain now: a bad one fails at save time."""
        Partner = self.env["res.partner"]
        for segment in self:
            try:
                domain = segment._retail_member_domain()
                # mute: a value PostgreSQL refuses (e.g. a bad date) is
                # reported to the user below, not logged as a server error
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    Partner.search_count(domain, limit=1)
            except (
                ValueError,
                TypeError,
                KeyError,
                NameError,
                SyntaxError,
                AttributeError,
                psycopg2.Error,
                UserError,
            ) as err:
                raise ValidationError(
                    self.env._(
                        "The member filter of segment %(name)s is not valid: %(error)s",
                        name=segment.name,
                        error=err,
                    )
                ) from err

    @api.constrains("auto_tag", "tag_id", "active")
    def _check_tag_unique(self):
        for segment in self.filtered(lambda s: s.auto_tag and s.tag_id and s.active):
            others = self.search_count(
                [
                    ("id", "!=", segment.id),
                    ("auto_tag", "=", True),
                    ("tag_id", "=", segment.tag_id.id),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "The tag %(tag)s is already kept by another segment: "
                        "two segments cannot share one auto-tag.",
                        tag=segment.tag_id.display_name,
                    )
                )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_member_count(self):
        # with the user's record rules: each one counts the members they see
        Partner = self.env["res.partner"]
        for segment in self:
            try:
                segment.member_count = Partner.search_count(
                    segment._retail_member_domain()
                )
            except (ValueError, NameError, SyntaxError, TypeError):
                segment.member_count = 0

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        segments._retail_ensure_tag()
        return segments

    def write(self, vals):
        res = super().write(vals)
        if vals.get("auto_tag") or "tag_id" in vals:
            self._retail_ensure_tag()
        return res

    def _retail_ensure_tag(self):
        """Give auto-tag segments without a tag one named after them."""
        parent = self.env.ref(
            "retail_crm.partner_category_segment", raise_if_not_found=False
        )
        for segment in self.filtered(lambda s: s.auto_tag and not s.tag_id):
            segment.tag_id = self.env["res.partner.category"].create(
                {"name": segment.name, "parent_id": parent.id if parent else False}
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_member"
        )
        action["domain"] = self._retail_member_domain()
        action["display_name"] = self.name
        action["context"] = {"default_is_retail_member": True}
        return action

    def action_refresh_tag(self):
        """Refresh the tag of these segments now (HQ, from the form)."""
        self.check_access("write")
        self.filtered("auto_tag")._retail_sync_tag()
        return True

    # ------------------------------------------------------------------
    # Auto-tag
    # ------------------------------------------------------------------
    def _retail_sync_tag(self):
        """Make the tag of each segment equal to its members, in SQL.

        Returns ``{segment_id: (members, added, removed)}``. Idempotent: a
        second run adds and removes nothing.
        """
        result = {}
        self.env.flush_all()
        for segment in self:
            if not segment.auto_tag or not segment.tag_id:
                continue
            # sudo: the tag is the same for everybody, every member of the
            # segment gets it, whatever stores the refreshing user sees.
            query = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=True)
                ._search(segment._retail_member_domain())
            )
            result[segment.id] = self._retail_sync_tag_sql(
                query.select(), segment.tag_id.id
            )
        if result:
            self.env["res.partner"].invalidate_model(["category_id"])
            self.env["res.partner.category"].invalidate_model(["partner_ids"])
            now = fields.Datetime.now()
            for segment in self.browse(list(result)):
                # sudo: the refresh bookkeeping is written by the cron and by
                # HQ alike; the fields are read-only in the form.
                segment.sudo().write(
                    {
                        "last_refresh_date": now,
                        "last_refresh_count": result[segment.id][0],
                    }
                )
        return result

    @api.model
    def _retail_sync_tag_sql(self, members, tag_id):
        """Make the rows of ``tag_id`` in the tag table equal to ``members``
        (an SQL query selecting partner ids); return (members, added,
        removed).

        The members go to an indexed, analysed temporary table first: with a
        CTE, stale statistics (e.g. right after the RFM pass rewrote the
        scores) can make PostgreSQL rescan the whole member list for each
        tagged row, quadratic at a million members.
        """
        cr = self.env.cr
        table = SQL.identifier("retail_segment_sync_members")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(
            SQL("CREATE TEMPORARY TABLE %s (id int4 PRIMARY KEY) ON COMMIT DROP", table)
        )
        cr.execute(
            SQL(
                "INSERT INTO %s (id) %s ON CONFLICT DO NOTHING",
                table,
                members,
            )
        )
        count = cr.rowcount
        cr.execute(SQL("ANALYZE %s", table))
        rel = SQL.identifier(TAG_REL)
        cr.execute(
            SQL(
                """
                DELETE FROM %(rel)s rel
                 WHERE rel.category_id = %(tag)s
                   AND NOT EXISTS (
                       SELECT 1 FROM %(table)s t WHERE t.id = rel.partner_id)
                """,
                rel=rel,
                tag=tag_id,
                table=table,
            )
        )
        removed = cr.rowcount
        cr.execute(
            SQL(
                """
                INSERT INTO %(rel)s (category_id, partner_id)
                SELECT %(tag)s, t.id
                  FROM %(table)s t
                 WHERE NOT EXISTS (
                       SELECT 1 FROM %(rel)s rel
                        WHERE rel.category_id = %(tag)s AND rel.partner_id = t.id)
                """,
                rel=rel,
                tag=tag_id,
                table=table,
            )
        )
        added = cr.rowcount
        cr.execute(SQL("DROP TABLE %s", table))
        return (count, added, removed)

    @api.model
    def _cron_retail_refresh_segments(self):
        """Nightly: RFM scores, then the tags of the auto-tag segments."""
        # registry.in_test_mode() is only set by HTTP tests: use the flag of
        # the test runner, set for every test.
        testing = getattr(threading.current_thread(), "testing", False)
        return self._retail_refresh_segments(commit=not testing)

    @api.model
    def _retail_refresh_segments(self, commit=False):
        """RFM scores, then the tags of every active auto-tag segment.

        Each segment is refreshed in a savepoint (and committed on its own
        when ``commit``): a failing one is logged and the others go on.
        With ``commit``, the segments are refreshed on
        :meth:`res.partner._retail_nightly_workers` database connections at
        once (each segment in a transaction of its own, the workers reading
        what is committed). Idempotent. Returns the segments that failed.
        """
        self.env["res.partner"]._retail_refresh_rfm()
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return self.search([("auto_tag", "=", True)])._retail_sync_tags(commit=commit)

    def _retail_sync_tags(self, commit=False, workers=None):
        """Refresh the tags of the segments of ``self`` (see
        :meth:`_retail_refresh_segments`); ``workers``: database connections
        (by default :meth:`res.partner._retail_nightly_workers` with
        ``commit``, else 1). Returns the segments that failed."""
        segments = self
        cron = self.env["ir.cron"]
        failed = []
        progress = {"done": 0}

        def sync(env, segment_id):
            segment = env["retail.segment"].browse(segment_id)
            try:
                with env.cr.savepoint():
                    segment._retail_sync_tag()
            except Exception:
                _logger.exception(
                    "Segment %s (id %s): the tag refresh failed, skipped",
                    segment.name,
                    segment.id,
                )
                env.invalidate_all()
                return False
            return True

        def done(segment_id, synced):
            if not synced:
                failed.append(segment_id)
            progress["done"] += 1
            cron._notify_progress(
                done=progress["done"], remaining=len(segments) - progress["done"]
            )
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

        if workers is None:
            workers = self.env["res.partner"]._retail_nightly_workers() if commit else 1
        if workers > 1 and len(segments) > 1:

            def take(env, position):
                if position >= len(segments):
                    return None
                return segments.ids[position], position + 1

            try:
                run_batches_in_workers(self.env, workers, 0, take, sync, done)
            finally:
                # the workers changed tags behind this environment's cache
                self.env.invalidate_all()
        else:
            for segment in segments:
                done(segment.id, sync(self.env, segment.id))
        return self.browse(failed)
