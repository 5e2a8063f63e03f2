# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    responsible_type = fields.Selection(
        selection_add=[
            ("retail_associate", "Member's associate (else store manager)"),
        ],
        ondelete={"retail_associate": "set default"},
    )

    @api.constrains("plan_id", "responsible_type")
    def _check_responsible_retail(self):
        for template in self:
            if (
                template.responsible_type == "retail_associate"
                and template.plan_id.res_model != "res.partner"
            ):
                raise ValidationError(
                    self.env._(
                        "The member's associate can only be responsible for "
                        "activities of contact plans."
                    )
                )

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type != "retail_associate":
            return super()._determine_responsible(
                on_demand_responsible, applied_on_record
            )
        responsible = applied_on_record._retail_followup_responsible()
        error = False
        if not responsible:
            error = self.env._(
                "%(member)s has no associate and the store has no manager: "
                "nobody can be assigned %(activity)s.",
                member=applied_on_record.display_name,
                activity=self.summary or self.activity_type_id.name,
            )
        return {"responsible": responsible, "error": error}
