# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Marketing campaigns: one-off sends to a chain, a store or a segment.

"Send" selects the eligible members in one query (members of the company,
of the store if any, of the segment if any, not yet touched by this
campaign), then sends by batches through ``retail.touch._retail_send``, so
consent, the contact cap, quiet hours and opt-out apply as for the
automations. The holdout share is put aside deterministically (a hash of
the member and the campaign): logged ``holdout``, never contacted. The
period key ``campaign:<id>`` gives a member one touch per campaign: sending
again only reaches members who became eligible since.
"""

import logging
import threading
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MAX_HOLDOUT = 90.0
# Above this many eligible members, "Send" hands the campaign to a cron job
# (batched, committed per batch) instead of sending in the user's request.
SYNC_SEND_LIMIT = 5000


class RetailCampaign(models.Model):
    _name = "retail.campaign"
    _description = "Marketing Campaign"
    _inherit = ["mail.thread", "retail.message.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    store_id = fields.Many2one(
        "retail.store",
        index=True,
        tracking=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="Only the members of this store (empty: the whole chain).",
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(string="End", required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    segment_id = fields.Many2one(
        "retail.segment",
        string="Target Segment",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Only the members of this segment (empty: all members).",
    )
    body = fields.Text(
        string="Message",
        translate=True,
        help="Placeholders: {name}, {member_code}, {store}, {company}, "
        "{coupon_code}, {coupon_expiry}, {optout_url} (opt-out link).",
    )
    holdout_percent = fields.Float(
        string="Holdout (%)",
        default=10.0,
        help="Share of the eligible members deliberately not contacted, to "
        "measure the uplift (0 to 90 %).",
    )
    retail_send_pending = fields.Boolean(
        string="Sending in Background",
        readonly=True,
        copy=False,
        help="Set by Send when the campaign targets many members: a scheduled "
        "job sends it by batches and clears it when done.",
    )
    touch_count = fields.Integer(compute="_compute_counts", string="Targeted")
    sent_count = fields.Integer(compute="_compute_counts", string="Sent")
    holdout_count = fields.Integer(compute="_compute_counts", string="Holdout")
    coupon_count = fields.Integer(compute="_compute_counts", string="Coupons")

    def _compute_counts(self):
        # sudo: the counters summarise the touches of the campaign for whoever
        # reads it; the touches themselves stay behind their record rules.
        groups = (
            self.env["retail.touch"]
            .sudo()
            ._read_group(
                [("campaign_id", "in", self.ids)],
                ["campaign_id", "state"],
                ["__count"],
            )
        )
        counts = defaultdict(lambda: defaultdict(int))
        for campaign, state, count in groups:
            counts[campaign.id][state] += count
        coupons = dict(
            self.env["loyalty.card"]
            .sudo()
            ._read_group(
                [("retail_campaign_id", "in", self.ids)],
                ["retail_campaign_id"],
                ["__count"],
            )
        )
        for record in self:
            by_state = counts[record.id]
            record.touch_count = sum(by_state.values())
            record.sent_count = by_state["sent"] + by_state["queued"]
            record.holdout_count = by_state["holdout"]
            record.coupon_count = coupons.get(record, 0)

    # ------------------------------------------------------------------
    # Validation (at save time)
    # ------------------------------------------------------------------
    @api.constrains(
        "date_start",
        "date_end",
        "holdout_percent",
        "coupon_validity_days",
        "coupon_program_id",
        "subject",
        "body",
        "channel_sequence",
    )
    def _check_retail_campaign(self):
        for record in self:
            if record.date_end < record.date_start:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the campaign cannot end before it starts.",
                        name=record.name,
                    )
                )
            if not 0 <= record.holdout_percent <= MAX_HOLDOUT:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the holdout share must be between 0 and %(max)s %%.",
                        name=record.name,
                        max=int(MAX_HOLDOUT),
                    )
                )
            if record.coupon_validity_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the number of days cannot be negative.",
                        name=record.name,
                    )
                )
            record._retail_check_message()

    # ------------------------------------------------------------------
    # Selection and sending
    # ------------------------------------------------------------------
    def _retail_period_key(self):
        self.ensure_one()
        return f"campaign:{self.id}"

    def _retail_select(self):
        """Ids of the eligible members not yet touched by this campaign (one
        query). Consent, cap and reachability are checked by the send."""
        self.ensure_one()
        domain = [
            ("is_retail_member", "=", True),
            ("company_id", "=", self.company_id.id),
        ]
        if self.store_id:
            domain.append(("retail_store_id", "=", self.store_id.id))
        if self.segment_id:
            try:
                domain += self.segment_id._retail_member_domain()
            except (ValueError, SyntaxError, NameError) as err:
                raise UserError(
                    self.env._(
                        "The member filter of segment %(name)s is not valid: %(error)s",
                        name=self.segment_id.name,
                        error=err,
                    )
                ) from err
        self.env.flush_all()
        # sudo: the campaign targets every member of its store (or chain)
        # and segment, whatever members the sending user may browse.
        query = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=True)
            ._search(domain)
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id FROM (%(members)s) AS m(id)
                 WHERE NOT EXISTS (
                       SELECT 1 FROM retail_touch t
                        WHERE t.partner_id = m.id AND t.automation = 'campaign'
                          AND t.period_key = %(key)s)
                 ORDER BY m.id
                """,
                members=query.select(),
                key=self._retail_period_key(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _retail_send_batch(self, partner_ids):
        """Send to one batch of members; returns the touches."""
        self.ensure_one()
        key = self._retail_period_key()
        return self._retail_send_by_lang(
            self.env["res.partner"].sudo().browse(partner_ids),
            "campaign",
            dict.fromkeys(partner_ids, key),
            campaign=self,
        )

    def _retail_send_campaign(self, batch_size=5000, ids=None, commit=False):
        """Select and send; returns the number of new touches.

        ``commit``: commit after each batch (the background job), so that an
        interrupted run keeps what it sent and the next run, which selects
        only the members not yet touched, goes on from there.
        """
        self.ensure_one()
        if ids is None:
            ids = self._retail_select()
        count = 0
        cron = self.env["ir.cron"]
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            try:
                with self.env.cr.savepoint():
                    count += len(self._retail_send_batch(batch))
                if commit:
                    cron._notify_progress(
                        done=start + len(batch),
                        remaining=max(len(ids) - start - len(batch), 0),
                    )
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            except Exception:
                _logger.exception(
                    "Campaign %s: the batch of %d members from id %s failed; "
                    "the other batches continue",
                    self.id,
                    len(batch),
                    batch[0],
                )
                self.env.invalidate_all()
        return count

    def action_retail_send(self):
        """Send the campaign now to its eligible members not yet contacted."""
        self.check_access("write")
        for record in self:
            today = self.env["res.partner"]._retail_today(record.company_id)
            if record.state == "done":
                raise UserError(
                    self.env._(
                        "%(name)s is done: it cannot be sent any more.",
                        name=record.name,
                    )
                )
            if not record.date_start <= today <= record.date_end:
                raise UserError(
                    self.env._(
                        "%(name)s runs from %(start)s to %(end)s: it can only "
                        "be sent within these dates.",
                        name=record.name,
                        start=record.date_start,
                        end=record.date_end,
                    )
                )
            ids = record._retail_select()
            limit = self.env.context.get("retail_campaign_sync_limit", SYNC_SEND_LIMIT)
            if len(ids) > limit:
                # too many for the user's request: a cron job sends it
                record.write({"state": "running", "retail_send_pending": True})
                self.env.ref(
                    "retail_crm_loyalty.ir_cron_retail_campaign_send"
                )._trigger()
                record.message_post(
                    body=self.env._(
                        "Sending to %(count)s members in the background.",
                        count=len(ids),
                    )
                )
                continue
            count = record._retail_send_campaign(ids=ids)
            record.state = "running"
            record.message_post(
                body=self.env._(
                    "Sent: %(count)s members targeted.",
                    count=count,
                )
            )
        return True

    @api.model
    def _cron_retail_send_campaigns(self, batch_size=5000):
        """Send the campaigns handed over by "Send", batch per batch.

        Restartable and idempotent: each run selects only the members the
        campaign has not touched yet.
        """
        testing = getattr(threading.current_thread(), "testing", False)
        campaigns = self.search([("retail_send_pending", "=", True)])
        for campaign in campaigns:
            if campaign.state == "done":
                campaign.retail_send_pending = False
                continue
            count = campaign._retail_send_campaign(
                batch_size=batch_size, commit=not testing
            )
            campaign.retail_send_pending = False
            campaign.message_post(
                body=self.env._(
                    "Sent: %(count)s members targeted.",
                    count=count,
                )
            )
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def action_retail_done(self):
        self.check_access("write")
        self.write({"state": "done"})
        return True

    def action_retail_open_touches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm_loyalty.action_retail_touch"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_retail_open_roi(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm_loyalty.action_retail_campaign_report"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        for record in self:
            if record.state != "draft":
                raise UserError(
                    self.env._(
                        "%(name)s was sent: it cannot be deleted, set it to "
                        "done instead.",
                        name=record.name,
                    )
                )
