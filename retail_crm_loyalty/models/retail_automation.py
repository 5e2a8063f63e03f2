# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member automations: one record per kind, each switchable with its template,
channel fallback, timing, holdout share and coupon program.

The hourly cron first delivers the messages held by quiet hours, then runs
each enabled automation once a day per company, from its local send hour.
Selection is one SQL query per automation and company; the members it
returns are sent by batches (committed per batch). A member gets one touch
per (automation, period key) (unique index), so a second run, or a run
interrupted and restarted, sends nothing and issues no coupon twice.
"""

import calendar
import logging
import threading
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.messaging import (
    AUTOMATIONS,
    birthday_target,
    hour_to_time,
)

_logger = logging.getLogger(__name__)

DONE_KEY = "retail_crm_loyalty.automation_done.%s.%s"
# Automations run by the daily selection (the others are triggered by events).
SCHEDULED = ("birthday", "first_purchase", "winback", "repurchase")
# Placeholders an automation adds to the base ones.
EXTRA_PLACEHOLDERS = {
    "birthday": {"birthday"},
    "repurchase": {"category"},
    "tier_upgrade": {"tier"},
}


class RetailAutomation(models.Model):
    _name = "retail.automation"
    _description = "Member Automation"
    _inherit = ["retail.message.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    automation = fields.Selection(
        AUTOMATIONS, string="Kind", required=True, readonly=True
    )
    enabled = fields.Boolean(
        help="Switch the automation on or off (its history stays)."
    )
    body = fields.Text(
        string="Message",
        translate=True,
        help="Placeholders: {name}, {member_code}, {store}, {company}, "
        "{coupon_code}, {coupon_expiry}, {optout_url} (opt-out link), and for "
        "some kinds {birthday}, {category}, {tier}.",
    )
    days = fields.Integer(
        default=0,
        help="Birthday: days before the birthday (0: on the day). First "
        "purchase: within this many days of the first order. Win-back: "
        "members who entered 'at risk' within this many days. Repurchase: "
        "days of grace after the consumption cycle is due.",
    )
    send_hour = fields.Float(
        string="Send From (local time)",
        default=9.0,
        help="Local time (company retail time zone) from which the daily run sends.",
    )
    holdout_percent = fields.Float(
        string="Holdout (%)",
        default=10.0,
        help="Share of the eligible members deliberately not contacted, to "
        "measure the uplift.",
    )
    tag_id = fields.Many2one(
        "res.partner.category",
        help="Tag added to the selected members (e.g. churn risk).",
    )
    create_activity = fields.Boolean(
        string="Win-back Activity",
        default=True,
        help="Schedule a win-back call for the member's associate (unless "
        "the company launches activity plans on the 'at risk' stage).",
    )
    touch_count = fields.Integer(compute="_compute_touch_count", string="Contacts")

    _sql_constraints = [
        ("automation_uniq", "unique(automation)", "One record per automation kind."),
    ]

    def _compute_touch_count(self):
        counts = dict(
            self.env["retail.touch"]._read_group(
                [("automation", "in", self.mapped("automation"))],
                ["automation"],
                ["__count"],
            )
        )
        for record in self:
            record.touch_count = counts.get(record.automation, 0)

    # ------------------------------------------------------------------
    # Validation (at save time)
    # ------------------------------------------------------------------
    @api.constrains(
        "subject",
        "body",
        "channel_sequence",
        "days",
        "send_hour",
        "holdout_percent",
        "coupon_validity_days",
        "coupon_program_id",
    )
    def _check_retail_automation(self):
        for record in self:
            if record.days < 0 or record.coupon_validity_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the number of days cannot be negative.",
                        name=record.name,
                    )
                )
            if not 0 <= record.send_hour < 24:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the send time must be a local time between "
                        "00:00 and 23:59.",
                        name=record.name,
                    )
                )
            if not 0 <= record.holdout_percent <= 50:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the holdout share must be between 0 and 50 %%.",
                        name=record.name,
                    )
                )
            record._retail_check_message(EXTRA_PLACEHOLDERS.get(record.automation, ()))

    # ------------------------------------------------------------------
    # Selection (set-based, one query per automation and company)
    # ------------------------------------------------------------------
    def _retail_select(self, company, today):
        """[(partner id, period key, values)] of the members due today.

        Members already touched for their period are excluded, so a rerun
        selects nothing more.
        """
        self.ensure_one()
        method = getattr(self, f"_retail_select_{self.automation}")
        self.env.flush_all()
        self.env.cr.execute(method(company, today))
        return self.env.cr.fetchall()

    def _retail_not_touched(self, key_sql):
        return SQL(
            "NOT EXISTS (SELECT 1 FROM retail_touch t WHERE t.partner_id = p.id"
            " AND t.automation = %s AND t.period_key = %s)",
            self.automation,
            key_sql,
        )

    def _retail_member_filter(self, company):
        return SQL("p.is_retail_member AND p.active AND p.company_id = %s", company.id)

    def _retail_select_birthday(self, company, today):
        target = birthday_target(today, self.days)
        days = [target.strftime("%m-%d")]
        if days == ["02-28"] and not calendar.isleap(target.year):
            days.append("02-29")  # leaplings are greeted on 28 February
        key = str(target.year)
        return SQL(
            """
            SELECT p.id, %(key)s, json_build_object('birthday', %(target)s)
              FROM res_partner p
             WHERE %(members)s AND p.retail_birthday IS NOT NULL
               AND to_char(p.retail_birthday, 'MM-DD') = ANY(%(days)s)
               AND %(fresh)s
             ORDER BY p.id
            """,
            key=key,
            target=target.strftime("%m-%d"),
            members=self._retail_member_filter(company),
            days=days,
            fresh=self._retail_not_touched(SQL("%s", key)),
        )

    def _retail_select_first_purchase(self, company, today):
        return SQL(
            """
            SELECT p.id, 'first', '{}'::json
              FROM res_partner p
              JOIN retail_member_stats st ON st.partner_id = p.id
             WHERE %(members)s
               AND st.first_purchase_date BETWEEN %(since)s AND %(today)s
               AND %(fresh)s
             ORDER BY p.id
            """,
            members=self._retail_member_filter(company),
            since=today - timedelta(days=self.days),
            today=today,
            fresh=self._retail_not_touched(SQL("'first'")),
        )

    def _retail_select_winback(self, company, today):
        key = SQL("'at_risk:' || p.retail_stage_date::text")
        return SQL(
            """
            SELECT p.id, %(key)s, '{}'::json
              FROM res_partner p
             WHERE %(members)s AND p.retail_stage = 'at_risk'
               AND p.retail_stage_date BETWEEN %(since)s AND %(today)s
               AND %(fresh)s
             ORDER BY p.id
            """,
            key=key,
            members=self._retail_member_filter(company),
            since=today - timedelta(days=self.days),
            today=today,
            fresh=self._retail_not_touched(key),
        )

    def _retail_select_repurchase(self, company, today):
        """Members whose last purchase of a category with a consumption cycle
        is due (cycle ended within the last ``days`` + 1 days) and who did not
        buy in that category since. One category per member and run."""
        self.env.cr.execute(
            "SELECT max(retail_consumption_days) FROM product_category"
            " WHERE retail_consumption_days > 0"
        )
        longest = self.env.cr.fetchone()[0] or 0
        tz = company.retail_timezone or "Asia/Shanghai"
        since_local = today - timedelta(days=longest + self.days + 1)
        since = (
            pytz.timezone(tz)
            .localize(fields.Datetime.to_datetime(since_local))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        key = SQL("'c' || due.categ_id || ':' || due.last_day::text")
        return SQL(
            """
            WITH due AS (
                SELECT so.partner_id, pt.categ_id, c.retail_consumption_days,
                       max(so.date_order AT TIME ZONE 'UTC'
                           AT TIME ZONE %(tz)s)::date AS last_day
                  FROM sale_order so
                  JOIN sale_order_line l ON l.order_id = so.id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category c ON c.id = pt.categ_id
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.date_order >= %(since)s
                   AND c.retail_consumption_days > 0
                 GROUP BY so.partner_id, pt.categ_id, c.retail_consumption_days
            )
            SELECT DISTINCT ON (p.id) p.id, %(key)s,
                   json_build_object('category', c.complete_name)
              FROM due
              JOIN res_partner p ON p.id = due.partner_id
              JOIN product_category c ON c.id = due.categ_id
             WHERE %(members)s
               AND due.last_day + due.retail_consumption_days
                   BETWEEN %(grace)s AND %(today)s
               AND %(fresh)s
             ORDER BY p.id, due.categ_id
            """,
            tz=tz,
            company=company.id,
            since=since,
            key=key,
            members=self._retail_member_filter(company),
            grace=today - timedelta(days=self.days),
            today=today,
            fresh=self._retail_not_touched(key),
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _retail_send_rows(self, rows):
        """Send to the selected ``rows`` (one batch); returns the touches."""
        self.ensure_one()
        if not rows:
            return self.env["retail.touch"].sudo().browse()
        keys = {pid: key for pid, key, _values in rows}
        values = {pid: dict(vals or {}) for pid, _key, vals in rows}
        partners = self.env["res.partner"].sudo().browse(list(keys))
        touches = self._retail_send_by_lang(
            partners, self.automation, keys, values_by_partner=values
        )
        self._retail_after_send(partners, touches)
        return touches

    def _retail_after_send(self, partners, touches):
        """Tag the selected members, schedule win-back calls."""
        if self.tag_id and partners:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO res_partner_res_partner_category_rel"
                    " (partner_id, category_id)"
                    " SELECT unnest(%s::int[]), %s ON CONFLICT DO NOTHING",
                    partners.ids,
                    self.tag_id.id,
                )
            )
            partners.invalidate_recordset(["category_id"])
        if self.automation == "winback" and self.create_activity:
            contacted = touches.filtered(lambda t: t.state in ("sent", "queued"))
            self._retail_winback_activities(contacted.partner_id)

    def _retail_winback_activities(self, members):
        """A win-back call for the associate (else the store manager) of each
        member, unless the company launches plans on the 'at risk' stage
        (retail_crm already did on the stage change)."""
        activity_type = self.env.ref(
            "retail_crm.mail_activity_type_winback", raise_if_not_found=False
        )
        if not members or not activity_type:
            return self.env["mail.activity"]
        Plan = self.env["retail.stage.plan"].sudo()
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for company in members.company_id:
            if Plan._retail_plans_for("at_risk", company):
                continue
            today = self.env["res.partner"]._retail_today(company)
            for member in members.filtered(lambda m, c=company: m.company_id == c):
                user = member._retail_followup_responsible()
                if not user:
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": member.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": today
                        + timedelta(days=activity_type.delay_count or 0),
                        "automated": True,
                    }
                )
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------
    def _retail_run(self, company, batch_size=5000, on_batch=None):
        """Select and send for ``company`` (today, local). Returns touches count."""
        self.ensure_one()
        today = self._retail_local_today(company)
        rows = self._retail_select(company, today)
        count = 0
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            try:
                with self.env.cr.savepoint():
                    count += len(self._retail_send_rows(batch))
            except Exception:
                _logger.exception(
                    "Automation %s of %s: the batch of %d members from id %s "
                    "failed; the other batches continue",
                    self.automation,
                    company.name,
                    len(batch),
                    batch[0][0],
                )
                self.env.invalidate_all()
            if on_batch:
                on_batch(len(batch), len(rows) - start - len(batch))
        return count

    @api.model
    def _retail_local_today(self, company):
        """Today in the retail time zone (context ``retail_today`` or
        ``retail_now`` force it, for tests)."""
        if self.env.context.get("retail_today"):
            return self.env["res.partner"]._retail_today(company)
        now = self.env["retail.touch"]._retail_now()
        tz = pytz.timezone(company.retail_timezone or "Asia/Shanghai")
        return pytz.utc.localize(now).astimezone(tz).date()

    def _retail_due(self, company, now):
        """True when the automation runs now for ``company`` (local send hour
        reached, not yet completed today)."""
        self.ensure_one()
        tz = pytz.timezone(company.retail_timezone or "Asia/Shanghai")
        local = pytz.utc.localize(now).astimezone(tz)
        if local.time() < hour_to_time(self.send_hour):
            return False
        done = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(DONE_KEY % (self.automation, company.id))
        )
        return done != local.date().isoformat()

    @api.model
    def _cron_retail_automations(self, batch_size=5000):
        """Hourly: deliver held messages, then the daily automations due."""
        Touch = self.env["retail.touch"].sudo()
        testing = getattr(threading.current_thread(), "testing", False)

        def on_dispatched(count):
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit

        Touch._retail_dispatch_due(batch_size, on_dispatched)
        now = Touch._retail_now()
        params = self.env["ir.config_parameter"].sudo()
        companies = self.env["res.partner"]._retail_member_companies()
        automations = self.sudo().search(
            [("enabled", "=", True), ("automation", "in", SCHEDULED)]
        )
        cron = self.env["ir.cron"]
        progress = {"done": 0}

        def on_batch(count, remaining):
            progress["done"] += count
            cron._notify_progress(done=progress["done"], remaining=remaining)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit

        for automation in automations:
            for company in companies:
                if not automation._retail_due(company, now):
                    continue
                automation._retail_run(company, batch_size, on_batch)
                today = self._retail_local_today(company)
                params.set_param(
                    DONE_KEY % (automation.automation, company.id), today.isoformat()
                )
                if not testing:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _retail_get(self, automation):
        """The enabled automation record of kind ``automation``, or empty."""
        return self.sudo().search(
            [("automation", "=", automation), ("enabled", "=", True)], limit=1
        )

    def action_retail_open_touches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm_loyalty.action_retail_touch"
        )
        action["domain"] = [("automation", "=", self.automation)]
        return action
