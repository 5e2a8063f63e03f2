# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.member_rows import IMPORT_FIELDS


class RetailMemberImportLine(models.TransientModel):
    _name = "retail.member.import.line"
    _description = "Member Import Column"
    _order = "column_index"

    wizard_id = fields.Many2one(
        "retail.member.import", required=True, ondelete="cascade"
    )
    column_index = fields.Integer(readonly=True)
    column_title = fields.Char(string="Column", readonly=True)
    field = fields.Selection(
        IMPORT_FIELDS,
        string="Import As",
        help="Leave empty to ignore the column.",
    )
    sample = fields.Char(readonly=True)
