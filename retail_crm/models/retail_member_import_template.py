# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models

from .retail_member_import_history import DUPLICATE_STRATEGIES


class RetailMemberImportTemplate(models.Model):
    _name = "retail.member.import.template"
    _description = "Member Import Mapping Template"
    _order = "store_id, name, id"

    name = fields.Char(required=True)
    store_id = fields.Many2one(
        "retail.store", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    duplicate_strategy = fields.Selection(DUPLICATE_STRATEGIES, default="skip")
    mapping = fields.Text(
        default="{}",
        help="JSON object: normalized column title -> field ('' to ignore).",
    )

    @api.model
    def _mapping_dict(self, text):
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _get_mapping(self):
        self.ensure_one()
        return self._mapping_dict(self.mapping)
