# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.retail_service_request import SERVICE_OUTCOMES


class RetailServiceRequestClose(models.TransientModel):
    _name = "retail.service.request.close"
    _description = "Close a Service Request"

    request_id = fields.Many2one(
        "retail.service.request", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="request_id.partner_id")
    outcome = fields.Selection(SERVICE_OUTCOMES, required=True)
    outcome_note = fields.Text(string="Note")
    schedule_followup = fields.Boolean(
        string="Schedule a Satisfaction Follow-up",
        default=True,
        help="An after-sales follow-up on the member, to check the member "
        "is satisfied.",
    )
    followup_date = fields.Date(
        string="Follow-up On",
        default=lambda self: fields.Date.context_today(self) + relativedelta(days=3),
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up By",
        compute="_compute_followup_user_id",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )

    @api.depends("request_id")
    def _compute_followup_user_id(self):
        for wizard in self:
            wizard.followup_user_id = (
                wizard.request_id.user_id
                or wizard.request_id.partner_id.user_id
                or self.env.user
            )

    def action_close(self):
        self.ensure_one()
        request = self.request_id
        if self.schedule_followup:
            if not self.followup_date:
                raise UserError(self.env._("Set the date of the follow-up."))
            if self.followup_date < fields.Date.context_today(self):
                raise UserError(self.env._("The follow-up cannot be in the past."))
            if not self.followup_user_id:
                raise UserError(self.env._("Choose who makes the follow-up."))
        request._retail_close(self.outcome, self.outcome_note)
        if self.schedule_followup:
            request.partner_id.activity_schedule(
                "retail_crm.mail_activity_type_after_sales",
                date_deadline=self.followup_date,
                summary=self.env._(
                    "Satisfaction follow-up of %(request)s", request=request.name
                ),
                user_id=self.followup_user_id.id,
            )
        return {"type": "ir.actions.act_window_close"}
