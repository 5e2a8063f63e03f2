# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RetailStore(models.Model):
    _name = "retail.store"
    _description = "Retail Store"
    _inherit = ["mail.thread"]
    _order = "sequence, code, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code of the store, used in imports and on cards.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Address",
        help="Address of the store.",
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Store Manager",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    staff_user_ids = fields.Many2many(
        "res.users",
        "retail_store_res_users_rel",
        "store_id",
        "user_id",
        string="Staff",
        domain="[('share', '=', False)]",
        help="Users who work in this store: they see its members.",
    )
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The store code must be unique per company.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("retail_store_id", "in", self.ids), ("is_retail_member", "=", True)],
                ["retail_store_id"],
                ["__count"],
            )
        )
        for store in self:
            store.member_count = counts.get(store, 0)

    @api.depends("code")
    def _compute_display_name(self):
        for store in self:
            store.display_name = (
                f"[{store.code}] {store.name}" if store.code else store.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        stores = super().create(vals_list)
        stores._add_manager_to_staff()
        # the record rules on members (cached) read the stores of the user
        self.env.registry.clear_cache()
        return stores

    def write(self, vals):
        res = super().write(vals)
        if "manager_id" in vals or "staff_user_ids" in vals:
            self._add_manager_to_staff()
        if {"manager_id", "staff_user_ids", "active"} & set(vals):
            # the record rules on members (cached) read the stores of the user
            self.env.registry.clear_cache()
        return res

    def _add_manager_to_staff(self):
        for store in self.filtered("manager_id"):
            if store.manager_id not in store.staff_user_ids:
                store.staff_user_ids = [fields.Command.link(store.manager_id.id)]

    def action_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_crm.action_retail_member"
        )
        action["domain"] = [("retail_store_id", "=", self.id)]
        action["context"] = {
            "default_retail_store_id": self.id,
            "default_is_retail_member": True,
        }
        return action
