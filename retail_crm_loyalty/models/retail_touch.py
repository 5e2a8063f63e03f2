# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One row per contact attempt of a member, and the one way to send.

Every automation, campaign and other addon calls
``env["retail.touch"]._retail_send(...)``: consent, the contact cap, quiet
hours and the holdout group are applied there, so they hold across all
automations and channels.

A channel is a selection value of ``channel`` plus two methods on this
model::

    _retail_channel_reachable_<code>(partners) -> partners with an address
    _retail_channel_send_<code>(touches)        -> deliver, set sent/failed

Quiet hours: marketing due inside them is *held*, not dropped: the touch is
written ``queued`` with the local end of the quiet hours as
``scheduled_date`` and delivered by the automation cron then, after consent
and cap are checked again.
"""

import logging
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html

from ..tools.messaging import (
    AUTOMATIONS,
    BASE_PLACEHOLDERS,
    CHANNELS,
    MESSAGE_KINDS,
    TemplateError,
    in_quiet_hours,
    quiet_hours_end,
    render,
    unknown_placeholders,
)

_logger = logging.getLogger(__name__)

CAP_DAYS = 30
# A purchase within this many days after a touch converts it.
CONVERSION_DAYS = 30


def holdout_sql(partner_column, automation, period_key, percent):
    """SQL twin of tools.messaging.is_holdout for ``partner_column``."""
    return SQL(
        "mod((('x' || substr(md5(%(col)s::text || ':' || %(auto)s || ':' || %(key)s),"
        " 1, 8))::bit(32)::int & 2147483647), 10000) < %(limit)s",
        col=partner_column,
        auto=automation,
        key=period_key or "",
        limit=round((percent or 0) * 100),
    )


class RetailTouch(models.Model):
    _name = "retail.touch"
    _description = "Member Contact"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    store_id = fields.Many2one("retail.store", readonly=True, index=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    automation = fields.Selection(AUTOMATIONS, required=True, readonly=True)
    kind = fields.Selection(MESSAGE_KINDS, required=True, readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
            ("holdout", "Holdout"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    reason = fields.Char(readonly=True)
    date = fields.Datetime(required=True, readonly=True, index=True)
    scheduled_date = fields.Datetime(
        readonly=True, help="When a queued (held) message is delivered."
    )
    period_key = fields.Char(
        readonly=True,
        help="A member gets one touch per automation and period key "
        "(e.g. the year of a birthday).",
    )
    subject = fields.Char(readonly=True)
    body = fields.Text(readonly=True)
    coupon_id = fields.Many2one("loyalty.card", readonly=True, index="btree_not_null")
    campaign_id = fields.Many2one(
        "retail.campaign",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The campaign that contacted (or held out) the member.",
    )
    res_model = fields.Char(string="Origin Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Origin", model_field="res_model", readonly=True
    )
    converted_date = fields.Date(
        readonly=True,
        help="First purchase of the member within 30 days after the touch "
        "(for a win-back: the recovery).",
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS retail_touch_period_uniq
                ON retail_touch (partner_id, automation, period_key)
             WHERE period_key IS NOT NULL
            """
        )
        # the cap counts the recent marketing of members
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS retail_touch_cap_idx
                ON retail_touch (partner_id, date)
             WHERE kind = 'marketing' AND state = 'sent'
            """
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _retail_now(self):
        """Now, UTC naive (context ``retail_now`` forces it, for tests)."""
        forced = self.env.context.get("retail_now")
        if forced:
            return fields.Datetime.to_datetime(forced)
        return fields.Datetime.now()

    @api.model
    def _retail_channel_codes(self):
        return [code for code, _label in self._fields["channel"].selection]

    @api.model
    def _retail_check_template(self, templates, extra=()):
        """Raise a UserError when a template has unknown placeholders."""
        allowed = BASE_PLACEHOLDERS | set(extra)
        for template in templates:
            try:
                unknown = unknown_placeholders(template or "", allowed)
            except TemplateError as err:
                raise UserError(
                    self.env._(
                        "The template cannot be read near %(part)s: write "
                        "placeholders as {name} and a literal brace as {{ or }}.",
                        part=str(err),
                    )
                ) from err
            if unknown:
                raise UserError(
                    self.env._(
                        "Unknown placeholders in the template: %(unknown)s. "
                        "Available: %(allowed)s.",
                        unknown=", ".join(f"{{{name}}}" for name in unknown),
                        allowed=", ".join(f"{{{name}}}" for name in sorted(allowed)),
                    )
                )

    @api.model
    def _retail_check_channels(self, channels):
        known = self._retail_channel_codes()
        bad = [code for code in channels or [] if code not in known]
        if not channels or bad:
            raise UserError(
                self.env._(
                    "Unknown message channels: %(bad)s. Known channels: %(known)s.",
                    bad=", ".join(bad) or "-",
                    known=", ".join(known),
                )
            )

    @api.model
    def _retail_sent_marketing_counts(self, partner_ids, now):
        """{partner id: marketing touches sent in the CAP_DAYS days before now}."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, count(*) FROM retail_touch"
                " WHERE partner_id = ANY(%s) AND kind = 'marketing'"
                " AND state = 'sent' AND date > %s GROUP BY partner_id",
                list(partner_ids),
                now - timedelta(days=CAP_DAYS),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _retail_partner_rows(self, partner_ids):
        """{partner id: row} of the columns the send needs (one query)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.company_id, p.retail_store_id, p.lang,
                       p.retail_marketing_consent, p.name, p.retail_member_code,
                       s.name AS store_name, c.name AS company_name,
                       c.retail_timezone, c.retail_marketing_cap,
                       c.retail_quiet_start, c.retail_quiet_end
                  FROM res_partner p
             LEFT JOIN retail_store s ON s.id = p.retail_store_id
             LEFT JOIN res_company c ON c.id = p.company_id
                 WHERE p.id = ANY(%s)
                """,
                list(partner_ids),
            )
        )
        names = [desc[0] for desc in self.env.cr.description]
        return {
            row[0]: dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()
        }

    @staticmethod
    def _retail_local(now, tz_name):
        tz = pytz.timezone(tz_name or "Asia/Shanghai")
        return pytz.utc.localize(now).astimezone(tz), tz

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    @api.model
    def _retail_send(
        self,
        partners,
        automation,
        kind,
        channels,
        subject,
        body_template,
        values_by_partner=None,
        coupon_by_partner=None,
        period_key=None,
        coupon_program=None,
        coupon_validity_days=0,
        holdout_percent=0.0,
        res_model=None,
        res_id=None,
        campaign=None,
    ):
        """Contact ``partners`` for ``automation``; returns the new touches.

        - ``kind``: ``marketing`` (consent, cap, quiet hours and holdout
          apply) or ``service`` (always delivered when reachable);
        - ``channels``: ordered fallback list of channel codes; the first
          where the member has an address is used, none -> ``skipped``;
        - ``subject``/``body_template``: ``{placeholder}`` templates, see
          BASE_PLACEHOLDERS plus the keys of ``values_by_partner``
          ({partner id: {name: value}}); unknown placeholders raise;
        - ``period_key``: a string or {partner id: string}: a member gets
          one touch per (automation, period key), so a rerun (or a run
          interrupted and restarted) sends nothing twice and issues no
          second coupon;
        - ``coupon_by_partner``: {partner id: loyalty.card} given by the
          caller, or ``coupon_program``: a loyalty program of type coupon of
          which one card is issued per contacted member (valid
          ``coupon_validity_days`` days, 0: no end);
        - ``holdout_percent``: share of the members (marketing only) kept as
          control group: logged ``holdout``, never contacted;
        - ``campaign``: the ``retail.campaign`` the touches and the coupons
          issued belong to (ROI per campaign).
        """
        values_by_partner = values_by_partner or {}
        extra = set()
        for values in values_by_partner.values():
            extra |= set(values)
        self._retail_check_template([subject, body_template], extra)
        self._retail_check_channels(channels)
        if kind not in dict(MESSAGE_KINDS):
            raise UserError(self.env._("Unknown message kind %(kind)s.", kind=kind))
        # sudo: touches are facts written for every member by the automations
        # (crons) or by a purchase of any user; nobody edits them by hand.
        self = self.sudo()
        ids = list(dict.fromkeys(partners.ids))
        keys = {
            pid: (period_key.get(pid) if isinstance(period_key, dict) else period_key)
            for pid in ids
        }
        ids = self._retail_untouched(ids, automation, keys)
        info = self._retail_partner_rows(ids)
        ids = [pid for pid in ids if pid in info]
        if not ids:
            return self.browse()
        now = self._retail_now()
        rows = self._retail_classify(
            ids, info, automation, kind, channels, keys, holdout_percent, now
        )
        given = {
            pid: getattr(card, "id", card)
            for pid, card in (coupon_by_partner or {}).items()
        }
        coupons = dict(given)
        if coupon_program:
            missing = [
                pid for pid in ids if rows[pid][0] == "queued" and pid not in coupons
            ]
            coupons.update(
                self._retail_issue_coupons(
                    coupon_program, missing, coupon_validity_days, now, campaign
                )
            )
        insert_rows = self._retail_render_rows(
            ids, info, rows, keys, coupons, subject, body_template, values_by_partner
        )
        touches = self.browse(
            self._retail_insert(
                insert_rows, automation, kind, now, res_model, res_id, campaign
            )
        )
        # a concurrent run inserted some of them first: drop our coupons
        orphans = (
            set(coupons.values()) - set(given.values()) - set(touches.coupon_id.ids)
        )
        if orphans:
            self.env["loyalty.card"].sudo().browse(list(orphans)).unlink()
        due = touches.filtered(
            lambda t: t.state == "queued" and t.scheduled_date <= now
        )
        if due:
            due._retail_dispatch()
        return touches

    @api.model
    def _retail_untouched(self, ids, automation, keys):
        """``ids`` without the members already touched for their period."""
        keyed = [pid for pid in ids if keys[pid]]
        if not keyed:
            return ids
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, period_key FROM retail_touch"
                " WHERE automation = %s AND partner_id = ANY(%s)"
                " AND period_key IS NOT NULL",
                automation,
                keyed,
            )
        )
        done = set(self.env.cr.fetchall())
        return [pid for pid in ids if (pid, keys[pid]) not in done]

    @api.model
    def _retail_classify(
        self, ids, info, automation, kind, channels, keys, holdout_percent, now
    ):
        """{partner id: (state, reason, channel, scheduled date)}.

        In this order: holdout, consent, cap (marketing only), then the first
        reachable channel (none: skipped), then quiet hours (marketing held).
        """
        rows = {}
        marketing = kind == "marketing"
        pending = list(ids)
        if marketing and holdout_percent:
            holdout = self._retail_holdout_ids(
                pending, automation, keys, holdout_percent
            )
            for pid in holdout:
                rows[pid] = ("holdout", self.env._("control group"), False, False)
            pending = [pid for pid in pending if pid not in holdout]
        if marketing:
            counts = self._retail_sent_marketing_counts(pending, now)
            for pid in pending:
                if not info[pid]["retail_marketing_consent"]:
                    reason = self.env._("no marketing consent")
                elif counts.get(pid, 0) >= (info[pid]["retail_marketing_cap"] or 0):
                    reason = self.env._("contact cap reached")
                else:
                    continue
                rows[pid] = ("skipped", reason, False, False)
            pending = [pid for pid in pending if pid not in rows]
        Partner = self.env["res.partner"].sudo()
        for code in channels:
            if not pending:
                break
            reachable = getattr(self, f"_retail_channel_reachable_{code}")(
                Partner.browse(pending)
            )
            for pid in reachable.ids:
                rows[pid] = ("queued", False, code, now)
            pending = [pid for pid in pending if pid not in rows]
        for pid in pending:
            rows[pid] = ("skipped", self.env._("no address"), False, False)
        if marketing:
            for pid, (state, _reason, code, _date) in rows.items():
                if state == "queued":
                    held = self._retail_quiet_until(info[pid], now)
                    if held:
                        rows[pid] = (
                            "queued",
                            self.env._("held: quiet hours"),
                            code,
                            held,
                        )
        return rows

    @api.model
    def _retail_quiet_until(self, row, now):
        """UTC end of the quiet hours of the member's company, if ``now`` is
        inside them; else None."""
        local, tz = self._retail_local(now, row["retail_timezone"])
        start, end = row["retail_quiet_start"] or 0.0, row["retail_quiet_end"] or 0.0
        if not in_quiet_hours(local, start, end):
            return None
        end_local = tz.localize(quiet_hours_end(local, start, end))
        return end_local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _retail_render_rows(
        self, ids, info, rows, keys, coupons, subject, body, values_by_partner
    ):
        """The rows to insert, messages rendered for the contacted members."""
        cards = {
            card.id: card
            for card in self.env["loyalty.card"].sudo().browse(list(coupons.values()))
        }
        optout = self.env["res.partner"]._retail_optout_urls(
            [pid for pid in ids if rows[pid][0] == "queued"]
        )
        insert_rows = []
        for pid in ids:
            state, reason, code, scheduled = rows[pid]
            row = info[pid]
            contact = state == "queued"
            card = cards.get(coupons.get(pid)) if contact else None
            expiry = card.expiration_date if card else False
            values = {
                "name": row["name"] or "",
                "member_code": row["retail_member_code"] or "",
                "store": _translated(row["store_name"], row["lang"]),
                "company": row["company_name"] or "",
                "coupon_code": card.code if card else "",
                "coupon_expiry": fields.Date.to_string(expiry) if expiry else "",
                "optout_url": optout.get(pid, ""),
            }
            values.update((values_by_partner or {}).get(pid, {}))
            insert_rows.append(
                (
                    pid,
                    row["company_id"],
                    row["retail_store_id"],
                    code or None,
                    state,
                    reason or None,
                    scheduled or None,
                    keys[pid] or None,
                    render(subject, values) if contact else None,
                    render(body, values) if contact else None,
                    card.id if card else None,
                )
            )
        return insert_rows

    @api.model
    def _retail_holdout_ids(self, partner_ids, automation, keys, percent):
        by_key = defaultdict(list)
        for pid in partner_ids:
            by_key[keys[pid]].append(pid)
        holdout = set()
        for key, pids in by_key.items():
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM unnest(%s::int[]) AS id WHERE %s",
                    pids,
                    holdout_sql(SQL("id"), automation, key, percent),
                )
            )
            holdout.update(row[0] for row in self.env.cr.fetchall())
        return holdout

    @api.model
    def _retail_issue_coupons(
        self, program, partner_ids, validity_days, now, campaign=None
    ):
        """One card of the coupon ``program`` per partner: {partner id: card id}."""
        if not partner_ids:
            return {}
        expiry = (
            (now + timedelta(days=validity_days)).date() if validity_days else False
        )
        # loyalty_no_mail: the coupon travels in our message, under consent,
        # cap and quiet hours, not in the program's own "at creation" e-mail
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(loyalty_no_mail=True)
            .create(
                [
                    {
                        "program_id": program.id,
                        "partner_id": pid,
                        "points": 1,
                        "expiration_date": expiry,
                        "retail_campaign_id": campaign.id if campaign else False,
                    }
                    for pid in partner_ids
                ]
            )
        )
        return dict(zip(partner_ids, cards.ids, strict=True))

    @api.model
    def _retail_insert(
        self, rows, automation, kind, now, res_model, res_id, campaign=None
    ):
        """Insert the touches at once; rows of a period already touched are
        skipped (unique key). Returns the new ids."""
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_touch
                       (partner_id, company_id, store_id, channel, state, reason,
                        scheduled_date, period_key, subject, body, coupon_id,
                        automation, kind, date, res_model, res_id, campaign_id,
                        create_uid, create_date, write_uid, write_date)
                SELECT r.*, %(automation)s, %(kind)s, %(now)s, %(res_model)s,
                       %(res_id)s, %(campaign)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(pid)s::int[], %(company)s::int[], %(store)s::int[],
                              %(channel)s::varchar[], %(state)s::varchar[],
                              %(reason)s::varchar[], %(scheduled)s::timestamp[],
                              %(key)s::varchar[], %(subject)s::varchar[],
                              %(body)s::text[], %(coupon)s::int[]) AS r
                ON CONFLICT (partner_id, automation, period_key)
                   WHERE period_key IS NOT NULL DO NOTHING
                RETURNING id
                """,
                pid=list(columns[0]),
                company=list(columns[1]),
                store=list(columns[2]),
                channel=list(columns[3]),
                state=list(columns[4]),
                reason=list(columns[5]),
                scheduled=list(columns[6]),
                key=list(columns[7]),
                subject=list(columns[8]),
                body=list(columns[9]),
                coupon=list(columns[10]),
                automation=automation,
                kind=kind,
                now=now,
                res_model=res_model,
                res_id=res_id or None,
                campaign=campaign.id if campaign else None,
                uid=self.env.uid,
            )
        )
        new_ids = sorted(row[0] for row in self.env.cr.fetchall())
        self.invalidate_model()
        return new_ids

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------
    def _retail_dispatch(self):
        """Deliver the queued touches of ``self`` through their channels.

        Consent and cap are checked again here: a member who withdrew the
        consent after being selected (e.g. while held by quiet hours) is not
        contacted, and two held messages never exceed the cap together.
        """
        touches = self.filtered(lambda t: t.state == "queued")
        if not touches:
            return
        now = self._retail_now()
        marketing = touches.filtered(lambda t: t.kind == "marketing")
        if marketing:
            info = self._retail_partner_rows(marketing.partner_id.ids)
            counts = self._retail_sent_marketing_counts(marketing.partner_id.ids, now)
            withdrawn, capped = self.browse(), self.browse()
            for touch in marketing.sorted("id"):
                row = info.get(touch.partner_id.id)
                if not row or not row["retail_marketing_consent"]:
                    withdrawn |= touch
                elif counts.get(touch.partner_id.id, 0) >= row["retail_marketing_cap"]:
                    capped |= touch
                else:
                    counts[touch.partner_id.id] = counts.get(touch.partner_id.id, 0) + 1
            withdrawn.write(
                {"state": "skipped", "reason": self.env._("consent withdrawn")}
            )
            capped.write(
                {"state": "skipped", "reason": self.env._("contact cap reached")}
            )
            touches -= withdrawn | capped
        touches.write({"date": now, "reason": False})
        for code in self._retail_channel_codes():
            batch = touches.filtered(lambda t, c=code: t.channel == c)
            if not batch:
                continue
            try:
                with self.env.cr.savepoint():
                    getattr(self, f"_retail_channel_send_{code}")(batch)
            except Exception as err:  # pylint: disable=broad-except
                # a channel must not raise; if it does, its batch fails and
                # the other channels are still delivered
                _logger.warning(
                    "Channel %s failed on %d messages: %s", code, len(batch), err
                )
                self.env.invalidate_all()
                batch.write({"state": "failed", "reason": str(err)[:200] or "error"})

    @api.model
    def _retail_dispatch_due(self, batch_size=5000, on_batch=None):
        """Deliver the held messages whose time has come (cron), by batches
        (``on_batch(count)`` after each: progress, commit). Returns the count."""
        now = self._retail_now()
        done = 0
        last_id = 0
        while True:
            touches = self.sudo().search(
                [
                    ("state", "=", "queued"),
                    ("scheduled_date", "<=", now),
                    ("id", ">", last_id),
                ],
                order="id",
                limit=batch_size,
            )
            if not touches:
                return done
            touches._retail_dispatch()
            done += len(touches)
            last_id = touches[-1].id
            if on_batch:
                on_batch(len(touches))

    # ------------------------------------------------------------------
    # Channels: email and SMS
    # ------------------------------------------------------------------
    @api.model
    def _retail_channel_reachable_email(self, partners):
        if not partners:
            return partners
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s)"
                " AND email IS NOT NULL AND email LIKE %s",
                partners.ids,
                "%@%",
            )
        )
        return partners.browse([row[0] for row in self.env.cr.fetchall()])

    def _retail_channel_send_email(self, touches):
        """Queue one mail.mail per touch (Odoo's mail queue sends them).

        Marketing e-mails end with the member's opt-out link."""
        urls = self.env["res.partner"]._retail_optout_urls(
            touches.filtered(lambda t: t.kind == "marketing").partner_id.ids
        )
        vals_list = []
        for touch in touches:
            body = touch.body or ""
            url = urls.get(touch.partner_id.id)
            if url and url not in body:
                body += "\n\n" + self.env._(
                    "No more marketing messages: %(url)s", url=url
                )
            vals_list.append(
                {
                    "subject": touch.subject or "",
                    "body_html": plaintext2html(body),
                    "email_to": touch.partner_id.email,
                    "recipient_ids": [(4, touch.partner_id.id)],
                    "model": "res.partner",
                    "res_id": touch.partner_id.id,
                    "auto_delete": True,
                }
            )
        self.env["mail.mail"].sudo().create(vals_list)
        touches.write({"state": "sent"})

    @api.model
    def _retail_channel_reachable_sms(self, partners):
        if not partners:
            return partners
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s)"
                " AND COALESCE(retail_mobile, mobile, '') <> ''",
                partners.ids,
            )
        )
        return partners.browse([row[0] for row in self.env.cr.fetchall()])

    def _retail_channel_send_sms(self, touches):
        """Queue one sms.sms per touch (Odoo's SMS queue sends them)."""
        self.env["sms.sms"].sudo().create(
            [
                {
                    "number": touch.partner_id.retail_mobile or touch.partner_id.mobile,
                    "body": "\n".join(filter(None, [touch.subject, touch.body])),
                    "partner_id": touch.partner_id.id,
                    "state": "outgoing",
                }
                for touch in touches
            ]
        )
        touches.write({"state": "sent"})

    # ------------------------------------------------------------------
    # Conversions
    # ------------------------------------------------------------------
    @api.model
    def _retail_record_conversions(self, partner_ids):
        """Mark the recent touches of members who just purchased as converted.

        A touch (sent or holdout, so that the uplift compares like with
        like) converts with the first purchase on or after its day, within
        CONVERSION_DAYS days.
        """
        if not partner_ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_touch t
                   SET converted_date = st.last_purchase_date
                  FROM retail_member_stats st
                 WHERE st.partner_id = t.partner_id AND t.partner_id = ANY(%(ids)s)
                   AND t.converted_date IS NULL
                   AND t.state IN ('sent', 'holdout')
                   AND st.last_purchase_date >= t.date::date
                   AND st.last_purchase_date
                       < t.date::date + %(days)s
                """,
                ids=list(partner_ids),
                days=CONVERSION_DAYS,
            )
        )
        if self.env.cr.rowcount:
            self.invalidate_model(["converted_date"])


def _translated(value, lang=None):
    """Text of a translated (jsonb) column read in SQL, in ``lang`` if any."""
    if isinstance(value, dict):
        return (
            value.get(lang or "en_US")
            or value.get("en_US")
            or next(iter(value.values()), "")
        )
    return value or ""
