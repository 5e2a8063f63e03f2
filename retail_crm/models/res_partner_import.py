# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models

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

    def write(self, vals):
        # A merge copies every stored field of the merged members onto the
        # surviving one, derived ones included (statistics, stage, tier,
        # scores): these are recomputed right after the merge (see
        # retail.member.duplicate.merge), so they are not copied. This file
        # is imported last, so that this runs before the features' guards.
        if self.env.context.get("retail_partner_merge") is PARTNER_MERGE:
            derived = self._retail_derived_fields()
            vals = {k: v for k, v in vals.items() if k not in derived}
        return super().write(vals)
