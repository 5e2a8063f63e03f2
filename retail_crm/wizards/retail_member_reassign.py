# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class RetailMemberReassign(models.TransientModel):
    _name = "retail.member.reassign"
    _description = "Reassign the Members of an Associate"

    from_user_id = fields.Many2one(
        "res.users", string="Associate", required=True, ondelete="cascade"
    )
    store_id = fields.Many2one(
        "retail.store",
        required=True,
        ondelete="cascade",
        compute="_compute_store_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    mode = fields.Selection(
        [
            ("user", "To one associate"),
            ("round_robin", "Spread over the store's other associates"),
        ],
        required=True,
        default="user",
    )
    to_user_id = fields.Many2one(
        "res.users",
        string="New Associate",
        ondelete="cascade",
        domain="[('id', 'in', staff_user_ids), ('id', '!=', from_user_id)]",
    )
    staff_user_ids = fields.Many2many(
        "res.users", compute="_compute_staff_user_ids", string="Staff"
    )
    member_count = fields.Integer(compute="_compute_member_count", string="Members")

    @api.depends("from_user_id")
    def _compute_store_id(self):
        for wizard in self:
            if (
                wizard.store_id
                and wizard.from_user_id in wizard.store_id.staff_user_ids
            ):
                continue
            # sudo: the stores of another user are not readable by managers
            stores = wizard.from_user_id.sudo().retail_store_ids
            wizard.store_id = stores[:1] if len(stores) == 1 else wizard.store_id

    @api.depends("store_id")
    def _compute_staff_user_ids(self):
        for wizard in self:
            wizard.staff_user_ids = wizard.store_id.staff_user_ids.filtered("active")

    @api.depends("store_id", "from_user_id")
    def _compute_member_count(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        for wizard in self:
            wizard.member_count = (
                Partner.search_count(
                    [
                        ("is_retail_member", "=", True),
                        ("retail_store_id", "=", wizard.store_id.id),
                        ("user_id", "=", wizard.from_user_id.id),
                    ]
                )
                if wizard.store_id and wizard.from_user_id
                else 0
            )

    def action_reassign(self):
        self.ensure_one()
        store = self.store_id
        user = self.env.user
        if user._retail_role() != "hq" and store not in user.retail_store_ids:
            raise AccessError(
                self.env._(
                    "You can only reassign the members of the stores you manage."
                )
            )
        target = self.env["res.users"]
        if self.mode == "user":
            target = self.to_user_id
            if not target:
                raise UserError(self.env._("Choose the new associate."))
            if (
                target not in store.staff_user_ids
                or not target.active
                or target == self.from_user_id
            ):
                raise UserError(
                    self.env._(
                        "%(user)s does not work in %(store)s: members can only "
                        "be reassigned to the store's other staff.",
                        user=target.name,
                        store=store.display_name,
                    )
                )
        elif not store._retail_reassign_candidates(self.from_user_id):
            raise UserError(
                self.env._(
                    "Nobody else works in %(store)s to take over the members.",
                    store=store.display_name,
                )
            )
        members = store._retail_reassign_members(
            self.from_user_id,
            target=target or None,
            reason=self.env._("Reassigned by %(user)s.", user=user.name),
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassigned Members"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("retail_crm.view_retail_member_list").id, "list"),
                (self.env.ref("retail_crm.view_retail_member_form").id, "form"),
            ],
            "domain": [("id", "in", members.ids)],
        }
