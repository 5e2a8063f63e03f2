# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailExportLog(models.Model):
    """One line per export of member data, readable by HQ."""

    _name = "retail.export.log"
    _description = "Member Export Log"
    _order = "date desc, id desc"

    user_id = fields.Many2one("res.users", required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    model = fields.Char(required=True, readonly=True)
    record_count = fields.Integer(readonly=True)
    member_count = fields.Integer(readonly=True)
    field_names = fields.Text(string="Exported Fields", readonly=True)
