# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The keys of the lifecycle stage of a member (res.partner.retail_stage).
RETAIL_STAGES = [
    ("prospect", "Prospect"),
    ("first_contact", "First Contact"),
    ("first_purchase", "First Purchase"),
    ("active", "Active"),
    ("loyal", "Loyal"),
    ("at_risk", "At Risk"),
    ("lapsed", "Lapsed"),
]


class RetailStagePlan(models.Model):
    _name = "retail.stage.plan"
    _description = "Activity Plan of a Lifecycle Stage"
    _order = "stage, sequence, id"

    stage = fields.Selection(
        RETAIL_STAGES,
        required=True,
        index=True,
        help="The plan is launched on the members entering this stage.",
    )
    plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Activity Plan",
        required=True,
        ondelete="cascade",
        domain="[('res_model', '=', 'res.partner')]",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to use the plan in every company that has no plan "
        "of its own for this stage.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    template_count = fields.Integer(related="plan_id.steps_count", string="Steps")

    _sql_constraints = [
        (
            "stage_plan_company_uniq",
            "unique(stage, plan_id, company_id)",
            "This plan is already launched for this stage.",
        ),
    ]

    @api.constrains("plan_id")
    def _check_plan(self):
        for mapping in self:
            plan = mapping.plan_id
            if plan.res_model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The plan %(plan)s does not apply to contacts: it cannot "
                        "be launched on members.",
                        plan=plan.name,
                    )
                )
            if not plan.template_ids:
                raise ValidationError(
                    self.env._(
                        "The plan %(plan)s has no activities: add at least one "
                        "activity to it before launching it on a stage.",
                        plan=plan.name,
                    )
                )

    @api.model
    def _retail_plans_for(self, stage, company):
        """The plans to launch on members of ``company`` entering ``stage``.

        The plans of the company itself win over the plans without company.
        """
        mappings = self.search(
            [("stage", "=", stage), ("company_id", "in", [company.id, False])]
        )
        own = mappings.filtered(lambda m: m.company_id == company)
        return (own or mappings).plan_id
