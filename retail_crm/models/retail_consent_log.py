# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.channels import RETAIL_CHANNELS


class RetailConsentLog(models.Model):
    """Append-only history of a member's marketing consent (PIPL).

    Lines are written by the member's own ``write``/``create`` only; nobody
    has write or unlink access, so the history cannot be rewritten.
    """

    _name = "retail.consent.log"
    _description = "Marketing Consent History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    consent = fields.Boolean(string="Consent Given", readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    channel = fields.Selection(RETAIL_CHANNELS, readonly=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    note = fields.Char(readonly=True)
