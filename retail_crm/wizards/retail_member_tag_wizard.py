# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class RetailMemberTagWizard(models.TransientModel):
    _name = "retail.member.tag.wizard"
    _description = "Tag or Untag Members"

    partner_ids = fields.Many2many(
        "res.partner",
        "retail_member_tag_wizard_partner_rel",
        "wizard_id",
        "partner_id",
        string="Members",
    )
    member_count = fields.Integer(compute="_compute_member_count")
    add_tag_ids = fields.Many2many(
        "res.partner.category",
        "retail_member_tag_wizard_add_rel",
        "wizard_id",
        "category_id",
        string="Add Tags",
    )
    remove_tag_ids = fields.Many2many(
        "res.partner.category",
        "retail_member_tag_wizard_remove_rel",
        "wizard_id",
        "category_id",
        string="Remove Tags",
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        context = self.env.context
        if (
            "partner_ids" in fields_list
            and context.get("active_model") == "res.partner"
            and context.get("active_ids")
        ):
            res["partner_ids"] = [Command.set(context["active_ids"])]
        return res

    @api.depends("partner_ids")
    def _compute_member_count(self):
        for wizard in self:
            # sudo: only the number of selected ids; reading them as the user
            # would fail on a member the user may not read.
            wizard.member_count = len(wizard.sudo().partner_ids)

    def action_apply(self):
        """Add and remove the tags on the members with one ORM write.

        Only the members the user may write are changed (the record rules of
        their stores); the others are counted as skipped.
        """
        self.ensure_one()
        if not self.add_tag_ids and not self.remove_tag_ids:
            raise UserError(self.env._("Choose tags to add or to remove."))
        both = self.add_tag_ids & self.remove_tag_ids
        if both:
            raise UserError(
                self.env._(
                    "A tag cannot be added and removed at once: %(tags)s.",
                    tags=", ".join(both.mapped("display_name")),
                )
            )
        # sudo: only to get the selected ids; what the user may change is
        # checked right below, with the user's rights.
        partners = self.env["res.partner"].browse(self.sudo().partner_ids.ids)
        writable = partners._filtered_access("write")
        if writable:
            writable.write(
                {
                    "category_id": [Command.link(t.id) for t in self.add_tag_ids]
                    + [Command.unlink(t.id) for t in self.remove_tag_ids]
                }
            )
        skipped = len(partners) - len(writable)
        message = self.env._("Tags updated on %(count)s members.", count=len(writable))
        if skipped:
            message += " " + self.env._(
                "%(count)s members were skipped: you may not change them.",
                count=skipped,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if skipped else "success",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
