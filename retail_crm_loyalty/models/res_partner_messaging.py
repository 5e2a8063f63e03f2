# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_touch_ids = fields.One2many(
        "retail.touch", "partner_id", string="Contacts", readonly=True
    )

    def _retail_on_purchase_stats_changed(self):
        res = super()._retail_on_purchase_stats_changed()
        # sudo: conversions are facts of the touches, whoever sold
        self.env["retail.touch"].sudo()._retail_record_conversions(self.ids)
        return res

    def _retail_on_tier_changed(self, old_tiers):
        """Congratulate the members who moved up a tier (once per tier and
        year), through the tier upgrade automation when it is enabled."""
        res = super()._retail_on_tier_changed(old_tiers)
        automation = self.env["retail.automation"]._retail_get("tier_upgrade")
        if not automation:
            return res
        Tier = self.env["retail.member.tier"].sudo()
        rows = []
        # sudo: the upgrade may follow the purchase of any user
        for member in self.sudo():
            old = Tier.browse(old_tiers.get(member.id) or [])
            new = member.retail_tier_id
            if old and new and (new.sequence, new.id) > (old.sequence, old.id):
                year = fields.Date.context_today(member).year
                rows.append(
                    (
                        member.id,
                        f"{new.id}:{year}",
                        {"tier": new.with_context(lang=member.lang).name},
                    )
                )
        if rows:
            automation._retail_send_rows(rows)
        return res
