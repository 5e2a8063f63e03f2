# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import escape

from odoo import models
from odoo.exceptions import UserError

from ..tools.round_robin import round_robin


class RetailStore(models.Model):
    _inherit = "retail.store"

    def write(self, vals):
        old_staff = {}
        if "staff_user_ids" in vals:
            old_staff = {store.id: store.staff_user_ids for store in self}
        res = super().write(vals)
        for store in self.filtered(lambda s: s.id in old_staff):
            removed = old_staff[store.id] - store.staff_user_ids
            if removed:
                # sudo: the staff change is authorised by itself (only HQ may
                # write stores); its consequence must reach every member of
                # the store whatever the record rules of who made it.
                store.sudo()._retail_reassign_members(
                    removed,
                    reason=self.env._(
                        "%(users)s left the store.",
                        users=", ".join(removed.mapped("name")),
                    ),
                )
        return res

    def _retail_reassign_candidates(self, leaving):
        """Staff who may take over members: the store's other active
        associates, else its manager. An empty recordset when nobody."""
        self.ensure_one()
        staff = (self.staff_user_ids - leaving).filtered("active").sorted("id")
        associates = (staff - self.manager_id).filtered(
            lambda u: u._retail_role() in ("associate", "manager")
        )
        if associates:
            return associates
        return staff & self.manager_id

    def _retail_reassign_members(self, leaving, target=None, reason=None):
        """Give the members of these stores assigned to ``leaving`` users,
        and those members' open activities assigned to them, to ``target``
        (who must be on the store's staff), or else round-robin to the
        store's remaining associates, else to its manager. One note is logged
        on each member. Customers do not leave with the associate.

        When nobody is left in the store, the members are left without
        associate and their activities go to the user making the change.

        Returns the reassigned members.
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        Activity = self.env["mail.activity"].with_context(
            active_test=False, mail_activity_quick_update=True
        )
        reassigned = Partner
        for store in self:
            if target and (target not in store.staff_user_ids or target in leaving):
                raise UserError(
                    self.env._(
                        "%(user)s does not work in %(store)s: members can only "
                        "be reassigned to the store's staff.",
                        user=target.name,
                        store=store.display_name,
                    )
                )
            members = Partner.search(
                [
                    ("is_retail_member", "=", True),
                    ("retail_store_id", "=", store.id),
                    ("user_id", "in", leaving.ids),
                ],
                order="id",
            )
            if not members:
                continue
            if target:
                assignment = dict.fromkeys(members, target)
            else:
                candidates = store._retail_reassign_candidates(leaving)
                loads = dict(
                    Partner._read_group(
                        [
                            ("is_retail_member", "=", True),
                            ("retail_store_id", "=", store.id),
                            ("user_id", "in", candidates.ids),
                        ],
                        ["user_id"],
                        ["__count"],
                    )
                )
                assignment = round_robin(members, candidates, loads)
            activities = Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", members.ids),
                    ("user_id", "in", leaving.ids),
                ]
            )
            by_user = defaultdict(list)
            bodies = {}
            for member in members:
                user = assignment.get(member, self.env["res.users"])
                by_user[user].append(member.id)
                bodies[member.id] = self._retail_reassign_note(
                    member.user_id, user, reason
                )
            for user, ids in by_user.items():
                Partner.browse(ids).write({"user_id": user.id})
                activities.filtered(lambda a, ids=set(ids): a.res_id in ids).write(
                    {"user_id": user.id or self.env.uid}
                )
            members._message_log_batch(bodies=bodies)
            reassigned |= members
        return reassigned

    def _retail_reassign_note(self, old_user, user, reason):
        if user:
            text = self.env._(
                "Member reassigned from %(old)s to %(new)s.",
                old=old_user.name,
                new=user.name,
            )
        else:
            text = self.env._(
                "%(old)s no longer follows this member and nobody is left in "
                "the store to take over: the member has no associate.",
                old=old_user.name,
            )
        return escape(f"{text} {reason}" if reason else text)
