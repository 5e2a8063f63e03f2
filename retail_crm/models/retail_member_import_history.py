# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

DUPLICATE_STRATEGIES = [
    ("skip", "Skip existing members"),
    ("fill", "Fill empty fields only"),
    ("overwrite", "Overwrite with the file's values"),
]


class RetailMemberImportHistory(models.Model):
    _name = "retail.member.import.history"
    _description = "Member Import History"
    _order = "id desc"
    _rec_name = "file_name"

    file_name = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Imported By", readonly=True, index=True
    )
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    store_id = fields.Many2one("retail.store", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    duplicate_strategy = fields.Selection(DUPLICATE_STRATEGIES, readonly=True)
    dry_run = fields.Boolean(readonly=True)
    mapping = fields.Text(readonly=True, help="Column -> field, as imported.")
    count_total = fields.Integer(string="Rows", readonly=True)
    count_new = fields.Integer(string="New", readonly=True)
    count_update = fields.Integer(string="Updated", readonly=True)
    count_duplicate_file = fields.Integer(string="Duplicates in File", readonly=True)
    count_duplicate_existing = fields.Integer(
        string="Existing (unchanged)", readonly=True
    )
    count_invalid = fields.Integer(string="Invalid", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True)
    error_file = fields.Binary(attachment=True, readonly=True)
    error_file_name = fields.Char(readonly=True)
    message = fields.Text(readonly=True)
