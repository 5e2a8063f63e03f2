# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .res_partner import STATS_FIELDS

# Context value set by the partner merge only: an object, which no RPC
# caller can send, so the context key cannot be forged from the client.
PARTNER_MERGE = object()


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_wechat_unionid = fields.Char(
        string="WeChat UnionID",
        index=True,
        copy=False,
        help="Identifies the member across the WeChat apps of the brand; "
        "used to find duplicates on import.",
    )

    def _retail_check_write_rights(self, vals):
        # A merge copies every stored field of the merged members onto the
        # surviving one, statistics included: these are recomputed from the
        # orders right after the merge (see retail.member.duplicate.merge).
        if self.env.context.get("retail_partner_merge") is PARTNER_MERGE:
            vals = {k: v for k, v in vals.items() if k not in STATS_FIELDS}
        return super()._retail_check_write_rights(vals)
