# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class RetailStore(models.Model):
    _inherit = "retail.store"

    retail_challenge_ids = fields.One2many(
        "gamification.challenge", "retail_store_id", string="Challenges"
    )

    def _retail_challenge_user_domain(self):
        """Associates (not managers) working in this store."""
        self.ensure_one()
        return str(
            [
                ("retail_store_ids", "in", [self.id]),
                ("share", "=", False),
                (
                    "groups_id",
                    "in",
                    [self.env.ref("retail_crm.group_retail_associate").id],
                ),
                (
                    "groups_id",
                    "not in",
                    [self.env.ref("retail_crm.group_retail_store_manager").id],
                ),
            ]
        )

    def action_retail_start_challenge(self):
        """Start the monthly Digital Pioneer (数字化先锋) challenge of the store,
        a copy of the chain's template, once per store."""
        self.ensure_one()
        user = self.env.user
        if user._retail_role() != "hq" and user != self.manager_id:
            raise AccessError(
                self.env._(
                    "Only the manager of %(store)s or HQ can start its challenge.",
                    store=self.display_name,
                )
            )
        Challenge = self.env["gamification.challenge"]
        existing = Challenge.search(
            [("retail_store_id", "=", self.id), ("state", "!=", "done")], limit=1
        )
        if existing:
            raise UserError(
                self.env._(
                    "%(store)s already runs the challenge %(challenge)s.",
                    store=self.display_name,
                    challenge=existing.name,
                )
            )
        template = self.env.ref(
            "retail_crm.challenge_digital_pioneer", raise_if_not_found=False
        )
        if not template or not template.line_ids:
            raise UserError(
                self.env._(
                    "The chain's Digital Pioneer challenge is missing or has no "
                    "goals: HQ must set it up first."
                )
            )
        # sudo: challenges and goals are created by gamification managers only;
        # the store manager's right was checked above
        challenge = template.sudo().copy(
            {
                "name": self.env._(
                    "%(challenge)s - %(store)s",
                    challenge=template.name,
                    store=self.name,
                ),
                "retail_store_id": self.id,
                "manager_id": (self.manager_id or user).id,
                "user_domain": self._retail_challenge_user_domain(),
                "user_ids": [fields.Command.clear()],
                "invited_user_ids": [fields.Command.clear()],
                "state": "draft",
            }
        )
        challenge.write({"state": "inprogress"})
        return self.action_retail_open_leaderboard()

    def action_retail_open_leaderboard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_leaderboard"
        )
        action["domain"] = [("store_id", "=", self.id)]
        return action
