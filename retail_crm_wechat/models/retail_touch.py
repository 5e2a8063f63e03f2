# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""WeChat channels of retail_crm_loyalty's messaging (retail.touch).

- ``wechat_oa``: Official Account template message to the member's openid,
  with the template of the automation kind (retail.wechat.template);
- ``wecom``: WeCom customer-contact message (add_msg_template) to the
  member's external userid, sent by their associate.

Consent, cap, quiet hours, holdout and fallback order are applied by
``retail.touch._retail_send`` before a channel is called. The channel writes
the touch ``sent`` (handed over to WeChat) and queues a job that calls
Tencent; the job claims each touch in a transaction of its own before the
call, so a message that may have reached Tencent is never sent again.
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools import wxclient
from .retail_wechat_token import own_transaction

_logger = logging.getLogger(__name__)

# Touches per delivery job.
JOB_BATCH = 100
# Official Account: the follower unsubscribed (43004) or blocked messages.
OA_UNREACHABLE_ERRORS = frozenset({43004, 43101})
WECHAT_STATES = [
    ("pending", "Pending"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("unknown", "Unknown (not retried)"),
    ("failed", "Failed"),
]


class RetailTouch(models.Model):
    _inherit = "retail.touch"

    channel = fields.Selection(
        selection_add=[
            ("wechat_oa", "WeChat Official Account"),
            ("wecom", "WeCom"),
        ],
        ondelete={"wechat_oa": "set null", "wecom": "set null"},
    )
    retail_wechat_state = fields.Selection(
        WECHAT_STATES, string="WeChat Delivery", readonly=True, copy=False
    )
    retail_wechat_msgid = fields.Char(
        string="WeChat Message ID",
        readonly=True,
        copy=False,
        help="Id of the message given by Tencent (template msgid or WeCom "
        "msgid of the customer-contact task).",
    )

    # ------------------------------------------------------------------
    # Reachability: a linked, not deleted follower / contact
    # ------------------------------------------------------------------
    @api.model
    def _retail_channel_reachable_wechat_oa(self, partners):
        if not partners:
            return partners
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s)"
                " AND COALESCE(retail_oa_openid, '') <> ''"
                " AND COALESCE(retail_oa_status, 'subscribed') = 'subscribed'",
                partners.ids,
            )
        )
        return partners.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _retail_channel_reachable_wecom(self, partners):
        if not partners:
            return partners
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s)"
                " AND COALESCE(retail_wecom_external_userid, '') <> ''"
                " AND COALESCE(retail_wecom_follow_userid, '') <> ''"
                " AND retail_wecom_status = 'active'",
                partners.ids,
            )
        )
        return partners.browse([row[0] for row in self.env.cr.fetchall()])

    # ------------------------------------------------------------------
    # Sending: hand over to jobs
    # ------------------------------------------------------------------
    def _retail_channel_send_wechat_oa(self, touches):
        templates = {
            (t.company_id.id, t.automation): t
            for t in self.env["retail.wechat.template"]
            .sudo()
            .search([("company_id", "in", touches.company_id.ids)])
        }
        missing = touches.filtered(
            lambda t: (t.company_id.id, t.automation) not in templates
        )
        for touch in missing:
            touch.write(
                {
                    "state": "failed",
                    "reason": self.env._(
                        "No Official Account template for %(kind)s messages.",
                        kind=dict(
                            touch._fields["automation"]._description_selection(self.env)
                        ).get(touch.automation),
                    ),
                }
            )
        self._retail_wechat_enqueue(touches - missing)

    def _retail_channel_send_wecom(self, touches):
        self._retail_wechat_enqueue(touches)

    def _retail_wechat_enqueue(self, touches):
        """Sent (handed over to WeChat): one job per batch delivers them."""
        if not touches:
            return
        touches.write({"state": "sent", "retail_wechat_state": "pending"})
        ids = touches.ids
        for start in range(0, len(ids), JOB_BATCH):
            batch = touches.browse(ids[start : start + JOB_BATCH])
            batch.with_delay(
                identity_key=f"retail_touch_wechat:{batch[0].id}:{len(batch)}",
                description=f"WeChat messages {batch[0].id}..{batch[-1].id}",
            )._retail_wechat_deliver()

    # ------------------------------------------------------------------
    # Delivery (job, non-idempotent)
    # ------------------------------------------------------------------
    def _retail_wechat_move(self, from_state, to_state, msgid=None, reason=None):
        """Move the WeChat state of one touch in a transaction of its own;
        False when it was not in ``from_state`` (two jobs never both claim
        it). A failure also fails the touch."""
        self.ensure_one()
        with own_transaction(self.env) as cr:
            cr.execute(
                SQL(
                    "UPDATE retail_touch SET retail_wechat_state = %(to)s,"
                    " retail_wechat_msgid = COALESCE(%(msgid)s, retail_wechat_msgid),"
                    " state = CASE WHEN %(to)s = 'failed' THEN 'failed'"
                    " ELSE state END,"
                    " reason = COALESCE(%(reason)s, reason),"
                    " write_date = now() at time zone 'UTC'"
                    " WHERE id = %(id)s AND retail_wechat_state = %(from)s"
                    " RETURNING id",
                    to=to_state,
                    msgid=msgid,
                    reason=reason and reason[:200],
                    id=self.id,
                    **{"from": from_state},
                )
            )
            moved = bool(cr.fetchone())
        self.invalidate_recordset(
            ["retail_wechat_state", "retail_wechat_msgid", "state", "reason"]
        )
        return moved

    def _retail_wechat_deliver(self):
        """Send the pending WeChat touches of ``self`` (job).

        Each touch is claimed (``sending``, committed) before the call:
        - answer ok: ``sent`` with Tencent's msgid;
        - rate limit (refused, not delivered): claim given back, the job
          backs off and is retried;
        - other API errors: ``failed`` (the touch too);
        - network error or "busy" after the request may have reached
          Tencent: ``unknown``, never re-sent.
        """
        counts = dict.fromkeys(("sent", "unknown", "failed", "skipped"), 0)
        for touch in self.sudo():
            if not touch._retail_wechat_move("pending", "sending"):
                counts["skipped"] += 1
                continue
            try:
                msgid = touch._retail_wechat_call()
            except RetryableJobError:
                touch._retail_wechat_move("sending", "pending")
                raise
            except wxclient.WeChatApiError as exc:
                touch._retail_wechat_api_error(exc)
                state = "unknown" if exc.errcode == -1 else "failed"
                touch._retail_wechat_move("sending", state, reason=str(exc))
                counts[state] += 1
                continue
            except wxclient.WeChatTransportError as exc:
                _logger.info("WeChat message of touch %s: %s", touch.id, exc)
                touch._retail_wechat_move("sending", "unknown", reason=str(exc))
                counts["unknown"] += 1
                continue
            except ValueError as exc:
                # a template mapping broken after the touch was queued
                touch._retail_wechat_move("sending", "failed", reason=str(exc))
                counts["failed"] += 1
                continue
            touch._retail_wechat_move("sending", "sent", msgid=msgid)
            counts["sent"] += 1
        return ", ".join(f"{count} {state}" for state, count in counts.items())

    def _retail_wechat_api_error(self, exc):
        """The follower left: the Official Account channel stops using them."""
        if self.channel == "wechat_oa" and exc.errcode in OA_UNREACHABLE_ERRORS:
            self.partner_id.sudo().write({"retail_oa_status": "unsubscribed"})

    def _retail_wechat_call(self):
        """Call Tencent for one touch; returns the msgid."""
        self.ensure_one()
        partner = self.partner_id
        Api = self.env["retail.wechat.api"]
        if self.channel == "wechat_oa":
            template = (
                self.env["retail.wechat.template"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", self.company_id.id),
                        ("automation", "=", self.automation),
                    ],
                    limit=1,
                )
            )
            if not template:
                raise ValueError(
                    self.env._("The Official Account template was removed.")
                )
            payload = {
                "touser": partner.retail_oa_openid,
                "template_id": template.template_id,
                "data": template._retail_data(self._retail_wechat_values()),
            }
            if template.url:
                payload["url"] = template.url
            data = Api._retail_call(
                self.company_id,
                "oa",
                "POST",
                "cgi-bin/message/template/send",
                payload=payload,
                idempotent=False,
            )
            return str(data.get("msgid") or "")
        text = "\n".join(filter(None, [self.subject, self.body]))
        data = Api._retail_call(
            self.company_id,
            "wecom_contact",
            "POST",
            "cgi-bin/externalcontact/add_msg_template",
            payload={
                "chat_type": "single",
                "external_userid": [partner.retail_wecom_external_userid],
                "sender": partner.retail_wecom_follow_userid,
                "text": {"content": text},
            },
            idempotent=False,
        )
        if data.get("fail_list"):
            raise wxclient.WeChatApiError(
                0, self.env._("WeCom refused the customer of this message.")
            )
        return str(data.get("msgid") or "")

    def _retail_wechat_values(self):
        self.ensure_one()
        partner = self.partner_id
        card = self.coupon_id
        expiry = card.expiration_date if card else False
        return {
            "subject": self.subject or "",
            "body": self.body or "",
            "name": partner.name or "",
            "member_code": partner.retail_member_code or "",
            "store": self.store_id.name or "",
            "company": self.company_id.name or "",
            "coupon_code": card.code if card else "",
            "coupon_expiry": fields.Date.to_string(expiry) if expiry else "",
            "date": fields.Date.to_string(fields.Date.context_today(self)),
        }
