# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..models.res_partner_import import PARTNER_MERGE

# Unique among the active members of a company: moved, never copied.
UNIQUE_MEMBER_FIELDS = ("mobile", "retail_member_code", "retail_wechat_unionid")


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_values(self, src_partners, dst_partner):
        members = (src_partners | dst_partner).filtered("is_retail_member")
        if not members:
            return super()._update_values(src_partners, dst_partner)
        dst_partner = dst_partner.with_context(retail_partner_merge=PARTNER_MERGE)
        src_partners = src_partners.with_context(retail_partner_merge=PARTNER_MERGE)
        # The destination keeps its own mobile, code and UnionID; it takes a
        # source's only when it has none. Sources lose theirs first, so the
        # unique index on active members' mobiles is never violated.
        taken = {}
        for fname in UNIQUE_MEMBER_FIELDS:
            if not dst_partner[fname]:
                donor = src_partners.filtered(fname)[:1]
                if donor:
                    taken[fname] = donor[fname]
        to_clear = {
            fname: False
            for fname in UNIQUE_MEMBER_FIELDS
            if src_partners.filtered(fname)
        }
        if to_clear:
            src_partners.write(to_clear)
        res = super()._update_values(src_partners, dst_partner)
        if taken:
            dst_partner.write(taken)
        return res
