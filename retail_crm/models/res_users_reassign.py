# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import models


# A class of its own (not merged into res_users.py) so that the follow-ups
# merge cleanly with the work done in parallel on res_users.py.
class ResUsers(models.Model):
    _inherit = "res.users"

    def action_archive(self):
        # before mail's action_archive, which deletes the user's activities:
        # the follow-ups of their members go to whoever takes the members over
        # (sudo: the stores of other users are not readable by everyone)
        self._retail_reassign_leaving(
            {user: user.sudo().retail_store_ids for user in self}, archiving=True
        )
        return super().action_archive()

    def write(self, vals):
        archiving = "active" in vals and not vals["active"]
        if not archiving and "retail_store_ids" not in vals:
            return super().write(vals)
        # sudo: the stores of other users are not readable by everyone
        before = {user: user.sudo().retail_store_ids for user in self}
        res = super().write(vals)
        if archiving:
            left = before
        else:
            left = {
                user: stores - user.sudo().retail_store_ids
                for user, stores in before.items()
            }
        self._retail_reassign_leaving(left, archiving=archiving)
        return res

    def _retail_reassign_leaving(self, stores_by_user, archiving=False):
        """Reassign the members of users leaving stores.

        ``stores_by_user``: ``{user: stores they leave}``.
        """
        leaving = defaultdict(lambda: self.env["res.users"])
        for user, stores in stores_by_user.items():
            for store in stores:
                leaving[store] |= user
        for store, users in leaving.items():
            if archiving:
                reason = self.env._("The associate was archived.")
            else:
                reason = self.env._(
                    "%(users)s left the store.", users=", ".join(users.mapped("name"))
                )
            # sudo: changing a user's stores or archiving a user is an
            # administrator's decision; its consequence must reach every
            # member of the store whatever the administrator's record rules.
            store.sudo()._retail_reassign_members(users, reason=reason)

    def action_retail_reassign_members(self):
        """Open the wizard reassigning this user's members."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_member_reassign"
        )
        action["context"] = {"default_from_user_id": self.id}
        return action
