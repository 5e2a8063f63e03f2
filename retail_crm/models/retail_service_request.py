# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SERVICE_OUTCOMES = [
    ("resolved", "Resolved"),
    ("repaired", "Repaired"),
    ("replaced", "Replaced"),
    ("refunded", "Refunded"),
    ("declined", "Declined"),
]


class RetailServiceRequest(models.Model):
    """After-sales (售后) request of a member, served by the member's store."""

    _name = "retail.service.request"
    _description = "After-sales Service Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "request_date desc, id desc"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    subject = fields.Char(required=True, tracking=True)
    description = fields.Text()
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('is_retail_member', '=', True)]",
    )
    retail_store_id = fields.Many2one(
        "retail.store",
        string="Store",
        readonly=True,
        index=True,
        ondelete="restrict",
        help="Home store of the member when the request was opened: its staff "
        "serve the request.",
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        [("new", "New"), ("in_progress", "In Progress"), ("closed", "Closed")],
        default="new",
        required=True,
        tracking=True,
        index=True,
    )
    request_date = fields.Datetime(
        string="Requested On", required=True, default=fields.Datetime.now
    )
    target_response_hours = fields.Integer(
        string="Response Target (hours)",
        help="Defaults to the target of the company (Settings).",
    )
    response_deadline = fields.Datetime(
        compute="_compute_response_deadline", store=True, index=True
    )
    response_date = fields.Datetime(string="Responded On", readonly=True, copy=False)
    close_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    response_hours = fields.Float(
        string="Response Time (hours)",
        compute="_compute_response_hours",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Not responded and past its response deadline.",
    )
    escalation_date = fields.Datetime(
        string="Escalated On",
        readonly=True,
        copy=False,
        help="When the store manager got an activity for this overdue request "
        "(once per request).",
    )
    outcome = fields.Selection(SERVICE_OUTCOMES, readonly=True, tracking=True)
    outcome_note = fields.Text(readonly=True)

    @api.depends("request_date", "target_response_hours")
    def _compute_response_deadline(self):
        for request in self:
            request.response_deadline = request.request_date and (
                request.request_date
                + timedelta(hours=request.target_response_hours or 0)
            )

    @api.depends("request_date", "response_date")
    def _compute_response_hours(self):
        for request in self:
            if request.request_date and request.response_date:
                delta = request.response_date - request.request_date
                request.response_hours = max(delta.total_seconds(), 0) / 3600.0
            else:
                request.response_hours = 0.0

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for request in self:
            request.is_overdue = bool(
                request.state == "new"
                and request.response_deadline
                and request.response_deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search: {operator} {value}")
        now = fields.Datetime.now()
        if (operator == "=") == value:
            return [("state", "=", "new"), ("response_deadline", "<", now)]
        return ["|", ("state", "!=", "new"), ("response_deadline", ">=", now)]

    @api.constrains("target_response_hours")
    def _check_target_response_hours(self):
        if any(r.target_response_hours <= 0 for r in self):
            raise ValidationError(
                self.env._("The response target must be at least one hour.")
            )

    # ------------------------------------------------------------------
    # Creation: the store comes from the member
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._retail_prepare_vals(vals)
        return super().create(vals_list)

    def _retail_prepare_vals(self, vals):
        """Check the member of a new request and fill its store and company.

        Raises a :class:`UserError` (nothing created) when the partner is not
        a member or is a member of a store the current user does not work in.
        """
        # sudo: read the member's store to explain why it is refused, even
        # when the record rules hide the member from the current user
        member = self.env["res.partner"].sudo().browse(vals.get("partner_id")).exists()
        if not member or not member.is_retail_member:
            raise UserError(
                self.env._(
                    "A service request needs a member: %(name)s is not a member.",
                    name=member.display_name or "-",
                )
            )
        store = member.retail_store_id
        if not store:
            raise UserError(
                self.env._(
                    "%(member)s has no home store: set it before opening a "
                    "service request.",
                    member=member.display_name,
                )
            )
        user = self.env.user
        if user._retail_role() != "hq" and store not in user.retail_store_ids:
            raise UserError(
                self.env._(
                    "%(member)s is a member of the store %(store)s, which is not "
                    "one of your stores: the request must be opened by that store.",
                    member=member.display_name,
                    store=store.display_name,
                )
            )
        vals["retail_store_id"] = store.id
        vals["company_id"] = member.company_id.id or store.company_id.id
        if not vals.get("target_response_hours"):
            company = member.company_id or store.company_id
            vals["target_response_hours"] = company.retail_service_response_hours or 24
        if vals.get("name", "/") == "/":
            # sudo: the sequence is technical data associates cannot read
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code(
                "retail.service.request"
            ) or self.env._("New")

    @api.constrains("user_id", "retail_store_id")
    def _check_user_store(self):
        for request in self:
            user = request.user_id
            if (
                user
                and request.retail_store_id
                and request.retail_store_id not in user.retail_store_ids
                and user._retail_role() != "hq"
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in the store %(store)s and cannot "
                        "be assigned its service requests.",
                        user=user.name,
                        store=request.retail_store_id.display_name,
                    )
                )

    def write(self, vals):
        if "partner_id" in vals and any(
            r.partner_id.id != vals["partner_id"] for r in self
        ):
            raise UserError(
                self.env._(
                    "The member of a service request cannot be changed: open a "
                    "new request."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_respond(self):
        """Record the first response to the member."""
        if any(r.state != "new" for r in self):
            raise UserError(self.env._("Only new requests can be marked responded."))
        self.write({"state": "in_progress", "response_date": fields.Datetime.now()})
        return True

    def action_close(self):
        self.ensure_one()
        if self.state == "closed":
            raise UserError(
                self.env._("The request %(name)s is already closed.", name=self.name)
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_service_request_close"
        )
        action["context"] = {"default_request_id": self.id}
        return action

    def _retail_close(self, outcome, note=False):
        """Close the requests with ``outcome``; a request never responded to
        counts its closure as its response."""
        now = fields.Datetime.now()
        if any(r.state == "closed" for r in self):
            raise UserError(
                self.env._(
                    "The request %(name)s is already closed.",
                    name=self.filtered(lambda r: r.state == "closed")[:1].name,
                )
            )
        for request in self:
            request.write(
                {
                    "state": "closed",
                    "close_date": now,
                    "response_date": request.response_date or now,
                    "outcome": outcome,
                    "outcome_note": note,
                }
            )

    # ------------------------------------------------------------------
    # Escalation of overdue requests (cron)
    # ------------------------------------------------------------------
    def _retail_overdue_query(self, now, after_id, limit):
        return SQL(
            """
            SELECT r.id
              FROM retail_service_request r
              JOIN retail_store s ON s.id = r.retail_store_id
              JOIN res_users u ON u.id = s.manager_id AND u.active
             WHERE r.state = 'new'
               AND r.escalation_date IS NULL
               AND r.response_deadline < %(now)s
               AND r.id > %(after)s
             ORDER BY r.id
             LIMIT %(limit)s
            """,
            now=now,
            after=after_id,
            limit=limit,
        )

    @api.model
    def _cron_retail_escalate_overdue(self, batch_size=500):
        """Give the store manager an activity on each overdue request.

        Set-based per batch (one query, one create of the activities, one
        write), committed per batch outside tests, restartable and
        idempotent: an escalated request is never escalated again. A failing
        batch is logged and skipped.
        """
        testing = getattr(threading.current_thread(), "testing", False)
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM (%s) q",
                self._retail_overdue_query(now, 0, None),
            )
        )
        remaining = self.env.cr.fetchone()[0]
        done, after = 0, 0
        while True:
            self.env.flush_all()
            self.env.cr.execute(self._retail_overdue_query(now, after, batch_size))
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            after = ids[-1]
            requests = self.browse(ids)
            try:
                with self.env.cr.savepoint():
                    requests._retail_escalate(now)
                done += len(ids)
            except Exception:
                _logger.exception("Escalation of service requests %s failed", ids)
            remaining = max(remaining - len(ids), 0)
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _retail_escalate(self, now):
        """One activity per request for its store manager, created at once."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": request.id,
                "activity_type_id": todo.id,
                "user_id": request.retail_store_id.manager_id.id,
                "date_deadline": today,
                "summary": self.env._(
                    "Overdue service request %(name)s", name=request.name
                ),
                "automated": True,
            }
            for request in self
        ]
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )
        self.write({"escalation_date": now})
