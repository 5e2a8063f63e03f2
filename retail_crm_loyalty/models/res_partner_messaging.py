# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools.misc import consteq, hmac

OPTOUT_SCOPE = "retail_crm_loyalty.optout"


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

    # ------------------------------------------------------------------
    # Opt-out link
    # ------------------------------------------------------------------
    @api.model
    def _retail_optout_token(self, partner_id):
        # sudo: the database secret signs the link
        return hmac(self.env(su=True), OPTOUT_SCOPE, int(partner_id))

    @api.model
    def _retail_optout_urls(self, partner_ids):
        """{partner id: opt-out link} (the ``{optout_url}`` placeholder)."""
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return {
            pid: f"{base}/retail/optout/{pid}/{self._retail_optout_token(pid)}"
            for pid in partner_ids
        }

    @api.model
    def _retail_optout_member(self, partner_id, token):
        """The member of a valid opt-out link, else an empty recordset."""
        member = self.sudo().browse(int(partner_id)).exists()
        if (
            not member
            or not member.is_retail_member
            or not consteq(str(token or ""), self._retail_optout_token(member.id))
        ):
            return self.browse()
        return member

    @api.model
    def _retail_optout(self, partner_id, token):
        """Withdraw the marketing consent of the member of a valid link, at
        once (the consent history logs it). Returns the member or empty."""
        member = self._retail_optout_member(partner_id, token)
        if member and member.retail_marketing_consent:
            # sudo: the signed link is the member's own authentication
            member.sudo().with_context(
                retail_consent_channel=False,
                retail_consent_note=self.env._("Opt-out link"),
            ).write({"retail_marketing_consent": False})
        return member
