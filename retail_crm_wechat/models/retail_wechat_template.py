# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.retail_crm_loyalty.tools.messaging import AUTOMATIONS, render

# Placeholders of a template data mapping (see _retail_touch_values).
TEMPLATE_PLACEHOLDERS = frozenset(
    {
        "subject",
        "body",
        "name",
        "member_code",
        "store",
        "company",
        "coupon_code",
        "coupon_expiry",
        "date",
    }
)


class RetailWechatTemplate(models.Model):
    """Official Account template message of an automation kind.

    Tencent's template messages are not free text: each has a template id
    chosen in the Official Account console and named data fields
    (``thing1``, ``time2``...). The mapping says what goes into each field.
    """

    _name = "retail.wechat.template"
    _description = "Official Account Template Message"
    _order = "company_id, automation"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    automation = fields.Selection(
        AUTOMATIONS,
        string="Automation Kind",
        required=True,
        help="Birthday, coupon, points or tier notices... Messages of this kind "
        "sent through the wechat_oa channel use this template.",
    )
    template_id = fields.Char(
        string="Template ID",
        required=True,
        help="Template id of the Official Account console (模板ID).",
    )
    data_mapping = fields.Text(
        required=True,
        default='{"first": "{subject}", "remark": "{body}"}',
        help="JSON object: data field of the template -> text with "
        "placeholders {subject}, {body}, {name}, {member_code}, {store}, "
        "{company}, {coupon_code}, {coupon_expiry}, {date}.",
    )
    url = fields.Char(
        string="Link", help="Page opened when the member taps the message."
    )

    _sql_constraints = [
        (
            "automation_uniq",
            "unique(company_id, automation)",
            "One Official Account template per automation kind and company.",
        )
    ]

    @api.constrains("data_mapping")
    def _check_data_mapping(self):
        Touch = self.env["retail.touch"]
        for record in self:
            mapping = record._retail_mapping()
            try:
                Touch._retail_check_template(
                    list(mapping.values()), TEMPLATE_PLACEHOLDERS
                )
            except UserError as err:
                raise ValidationError(err.args[0]) from err

    def _retail_mapping(self):
        self.ensure_one()
        try:
            mapping = json.loads(self.data_mapping or "")
        except ValueError:
            mapping = None
        if (
            not isinstance(mapping, dict)
            or not mapping
            or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
            )
        ):
            raise ValidationError(
                self.env._(
                    "%(name)s: the data mapping must be a JSON object of template "
                    'fields and texts, e.g. {"thing1": "{name}"}.',
                    name=self.name,
                )
            )
        return mapping

    def _retail_data(self, values):
        """The ``data`` of a template message rendered with ``values``."""
        self.ensure_one()
        return {
            key: {"value": render(text, values)}
            for key, text in self._retail_mapping().items()
        }
