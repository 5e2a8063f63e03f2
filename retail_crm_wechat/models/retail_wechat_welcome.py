# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .retail_wechat_token import own_transaction

WELCOME_STATES = [
    ("none", "Not sent"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("already_sent", "Already sent"),
    ("unknown", "Unknown (not retried)"),
    ("failed", "Failed"),
]


class RetailWechatWelcome(models.Model):
    """The welcome message of a WeCom event, claimed before it is sent.

    A table of its own, written in transactions of their own committed at
    once: the claim survives a job that fails after the message left, and
    never conflicts with the job's writes on the event.
    """

    _name = "retail.wechat.welcome"
    _description = "WeCom Welcome Message"

    event_id = fields.Many2one(
        "retail.wechat.event", required=True, readonly=True, ondelete="cascade"
    )
    state = fields.Selection(WELCOME_STATES, required=True, readonly=True)

    _sql_constraints = [
        ("event_uniq", "unique(event_id)", "One welcome message per event.")
    ]

    @api.model
    def _retail_move(self, event, from_state, to_state):
        """Move the welcome state of ``event``; False when it was not in
        ``from_state`` (atomic: two jobs can never both claim it)."""
        with own_transaction(self.env) as cr:
            if from_state == "none":
                cr.execute(
                    SQL(
                        "INSERT INTO retail_wechat_welcome (event_id, state, "
                        "create_date, write_date) VALUES (%s, %s, "
                        "now() at time zone 'UTC', now() at time zone 'UTC') "
                        "ON CONFLICT (event_id) DO NOTHING RETURNING id",
                        event.id,
                        to_state,
                    )
                )
            else:
                cr.execute(
                    SQL(
                        "UPDATE retail_wechat_welcome SET state = %s, "
                        "write_date = now() at time zone 'UTC' "
                        "WHERE event_id = %s AND state = %s RETURNING id",
                        to_state,
                        event.id,
                        from_state,
                    )
                )
            moved = bool(cr.fetchone())
            if to_state == "none" and moved:
                cr.execute(
                    SQL(
                        "DELETE FROM retail_wechat_welcome WHERE event_id = %s",
                        event.id,
                    )
                )
        self.invalidate_model()
        event.invalidate_recordset(["welcome_state"])
        return moved
