# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    retail_wecom_userid = fields.Char(
        string="WeCom User ID",
        copy=False,
        index=True,
        help="The associate's account (userid) in the company's WeCom.",
    )
    retail_wecom_contact_way_ids = fields.One2many(
        "retail.wecom.contact.way", "user_id", string="WeCom QR Codes"
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["retail_wecom_userid"]
