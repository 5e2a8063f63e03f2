# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html


class RetailFollowupLog(models.TransientModel):
    _name = "retail.followup.log"
    _description = "Log a Follow-up"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Done",
        compute="_compute_activity_id",
        store=True,
        readonly=False,
        domain="[('res_model', '=', 'res.partner'), ('res_id', '=', partner_id),"
        " ('user_id', '=', uid)]",
        help="Your open follow-up on this member that this outcome closes. "
        "Without one, the outcome is logged as a note.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Type",
        compute="_compute_activity_type_id",
        store=True,
        readonly=False,
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'res.partner')]",
    )
    outcome = fields.Text(required=True)
    next_type_id = fields.Many2one(
        "mail.activity.type",
        string="Next Follow-up",
        default=lambda self: self.env.ref(
            "retail_crm.mail_activity_type_revisit", raise_if_not_found=False
        ),
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'res.partner')]",
        help="Leave empty to schedule no next follow-up.",
    )
    next_date = fields.Date(
        string="Next Follow-up On",
        default=lambda self: fields.Date.context_today(self) + relativedelta(days=7),
    )
    next_summary = fields.Char(string="Next Follow-up Summary")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if res.get("partner_id"):
            self._check_member(self.env["res.partner"].browse(res["partner_id"]))
        return res

    def _check_member(self, partner):
        partner = partner.exists()
        if not partner or not partner._filtered_access("read"):
            raise AccessError(
                self.env._(
                    "You cannot log a follow-up on this member: it is not a "
                    "member of the stores you work in."
                )
            )
        if not partner.is_retail_member:
            raise UserError(
                self.env._("%(name)s is not a member.", name=partner.display_name)
            )

    @api.depends("partner_id")
    def _compute_activity_id(self):
        for wizard in self:
            wizard.activity_id = (
                self.env["mail.activity"].search(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "=", wizard.partner_id.id),
                        ("user_id", "=", self.env.uid),
                    ],
                    order="date_deadline, id",
                    limit=1,
                )
                if wizard.partner_id
                else False
            )

    @api.depends("activity_id")
    def _compute_activity_type_id(self):
        for wizard in self:
            wizard.activity_type_id = wizard.activity_id.activity_type_id or (
                self.env.ref(
                    "retail_crm.mail_activity_type_revisit", raise_if_not_found=False
                )
            )

    def action_log(self):
        self.ensure_one()
        member = self.partner_id
        self._check_member(member)
        activity = self.activity_id
        if activity and (
            activity.res_model != "res.partner"
            or activity.res_id != member.id
            or activity.user_id != self.env.user
        ):
            raise UserError(
                self.env._(
                    "Choose one of your own follow-ups of %(name)s.", name=member.name
                )
            )
        if self.next_type_id and not self.next_date:
            raise UserError(self.env._("Set the date of the next follow-up."))
        if self.next_date and self.next_date < fields.Date.context_today(self):
            raise UserError(self.env._("The next follow-up cannot be in the past."))
        if self.next_date and not self.next_type_id:
            raise UserError(self.env._("Choose the type of the next follow-up."))
        if activity:
            if (
                self.activity_type_id
                and activity.activity_type_id != self.activity_type_id
            ):
                activity.activity_type_id = self.activity_type_id
            activity.action_feedback(feedback=self.outcome)
        else:
            member.message_post(
                body=plaintext2html(self.outcome),
                subject=self.activity_type_id.name,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                mail_activity_type_id=self.activity_type_id.id,
            )
        if self.next_type_id:
            member.activity_schedule(
                activity_type_id=self.next_type_id.id,
                date_deadline=self.next_date,
                summary=self.next_summary or False,
                user_id=self.env.uid,
                automated=False,
            )
        return {"type": "ir.actions.act_window_close"}
