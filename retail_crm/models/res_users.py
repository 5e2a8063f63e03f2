# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"

    retail_store_ids = fields.Many2many(
        "retail.store",
        "retail_store_res_users_rel",
        "user_id",
        "store_id",
        string="Stores",
        help="Stores this user works in. Associates and store managers see "
        "the members of these stores only.",
    )
    retail_default_store_id = fields.Many2one(
        "retail.store",
        string="Default Store",
        help="Home store given to the members this user registers.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "retail_store_ids",
            "retail_default_store_id",
        ]

    @api.constrains("retail_default_store_id", "retail_store_ids")
    def _check_retail_default_store(self):
        for user in self:
            store = user.retail_default_store_id
            if store and store not in user.retail_store_ids:
                raise ValidationError(
                    self.env._(
                        "The default store %(store)s of %(user)s must be one "
                        "of the stores the user works in.",
                        store=store.display_name,
                        user=user.name,
                    )
                )

    def _get_invalidation_fields(self):
        # the record rules on members read the user's stores: they are cached
        return super()._get_invalidation_fields() | {"retail_store_ids"}

    def _retail_home_store(self):
        """The store given to members this user registers, or an empty set."""
        self.ensure_one()
        if self.retail_default_store_id:
            return self.retail_default_store_id
        return self.retail_store_ids[:1]

    def _retail_role(self):
        """Return ``hq``, ``manager``, ``associate`` or ``False``."""
        self.ensure_one()
        if self._is_superuser() or self.has_group("retail_crm.group_retail_hq"):
            return "hq"
        if self.has_group("retail_crm.group_retail_store_manager"):
            return "manager"
        if self.has_group("retail_crm.group_retail_associate"):
            return "associate"
        return False
