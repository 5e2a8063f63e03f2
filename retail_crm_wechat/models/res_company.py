# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.wxclient import OA_BASE_URL, WECOM_BASE_URL

SYSTEM = "base.group_system"


class ResCompany(models.Model):
    _inherit = "res.company"

    # WeCom (企业微信)
    retail_wecom_corp_id = fields.Char(string="WeCom Corp ID", groups=SYSTEM)
    retail_wecom_contact_secret = fields.Char(
        string="WeCom Customer Contact Secret", groups=SYSTEM
    )
    retail_wecom_agent_id = fields.Char(string="WeCom App Agent ID", groups=SYSTEM)
    retail_wecom_agent_secret = fields.Char(string="WeCom App Secret", groups=SYSTEM)
    retail_wecom_token = fields.Char(string="WeCom Callback Token", groups=SYSTEM)
    retail_wecom_aes_key = fields.Char(
        string="WeCom EncodingAESKey", groups=SYSTEM, size=43
    )
    retail_wecom_welcome_text = fields.Text(
        string="WeCom Welcome Message",
        translate=True,
        help="Sent once to each new customer added through a Contact Me QR code.",
    )
    # Official Account (公众号)
    retail_oa_app_id = fields.Char(string="Official Account AppID", groups=SYSTEM)
    retail_oa_secret = fields.Char(string="Official Account AppSecret", groups=SYSTEM)
    retail_oa_token = fields.Char(string="Official Account Token", groups=SYSTEM)
    retail_oa_aes_key = fields.Char(
        string="Official Account EncodingAESKey", groups=SYSTEM, size=43
    )
    # Mini-program (小程序)
    retail_mp_app_id = fields.Char(string="Mini-program AppID", groups=SYSTEM)
    retail_mp_secret = fields.Char(string="Mini-program AppSecret", groups=SYSTEM)
    retail_mp_webhook_secret = fields.Char(
        string="Mini-program Webhook Secret", groups=SYSTEM
    )
    retail_wechat_base_url = fields.Char(
        string="WeChat API Base URL",
        groups=SYSTEM,
        help="Leave empty to call Tencent's servers. Set it to the address of a "
        "local fake server to test or demonstrate the addon (sandbox).",
    )

    def _retail_wechat_base_url(self, app):
        """Base URL of the API of ``app`` (wecom_* or oa/mp)."""
        self.ensure_one()
        # sudo: a technical setting, read by jobs and callbacks of any user
        custom = self.sudo().retail_wechat_base_url
        if custom:
            return custom.rstrip("/")
        return WECOM_BASE_URL if app.startswith("wecom") else OA_BASE_URL
