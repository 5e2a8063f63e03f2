# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

SYSTEM = "base.group_system"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_wecom_corp_id = fields.Char(
        related="company_id.retail_wecom_corp_id", readonly=False, groups=SYSTEM
    )
    retail_wecom_contact_secret = fields.Char(
        related="company_id.retail_wecom_contact_secret", readonly=False, groups=SYSTEM
    )
    retail_wecom_agent_id = fields.Char(
        related="company_id.retail_wecom_agent_id", readonly=False, groups=SYSTEM
    )
    retail_wecom_agent_secret = fields.Char(
        related="company_id.retail_wecom_agent_secret", readonly=False, groups=SYSTEM
    )
    retail_wecom_token = fields.Char(
        related="company_id.retail_wecom_token", readonly=False, groups=SYSTEM
    )
    retail_wecom_aes_key = fields.Char(
        related="company_id.retail_wecom_aes_key", readonly=False, groups=SYSTEM
    )
    retail_wecom_welcome_text = fields.Text(
        related="company_id.retail_wecom_welcome_text", readonly=False
    )
    retail_oa_app_id = fields.Char(
        related="company_id.retail_oa_app_id", readonly=False, groups=SYSTEM
    )
    retail_oa_secret = fields.Char(
        related="company_id.retail_oa_secret", readonly=False, groups=SYSTEM
    )
    retail_oa_token = fields.Char(
        related="company_id.retail_oa_token", readonly=False, groups=SYSTEM
    )
    retail_oa_aes_key = fields.Char(
        related="company_id.retail_oa_aes_key", readonly=False, groups=SYSTEM
    )
    retail_mp_app_id = fields.Char(
        related="company_id.retail_mp_app_id", readonly=False, groups=SYSTEM
    )
    retail_mp_secret = fields.Char(
        related="company_id.retail_mp_secret", readonly=False, groups=SYSTEM
    )
    retail_mp_webhook_secret = fields.Char(
        related="company_id.retail_mp_webhook_secret", readonly=False, groups=SYSTEM
    )
    retail_wechat_base_url = fields.Char(
        related="company_id.retail_wechat_base_url", readonly=False, groups=SYSTEM
    )

    def action_retail_wecom_sync_tags(self):
        self.ensure_one()
        return self.env["res.partner.category"].action_retail_wecom_sync_tags()
