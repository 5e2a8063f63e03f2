# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM WeChat",
    "summary": "WeCom customer contacts, WeChat Official Account and mini-program "
    "orders for retail members: signed callbacks, queued API calls",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/retail-crm/retail-crm",
    "author": "Retail CRM developers",
    "license": "LGPL-3",
    "installable": True,
    "depends": [
        "retail_crm",
        "retail_crm_loyalty",
        "queue_job",
    ],
    "external_dependencies": {"python": ["requests", "cryptography"]},
    "data": [
        "security/ir.model.access.csv",
        "security/retail_wechat_rules.xml",
        "data/queue_job_data.xml",
        "data/product_data.xml",
        "views/res_config_settings_views.xml",
        "views/retail_wecom_contact_way_views.xml",
        "views/retail_store_views.xml",
        "views/res_users_views.xml",
        "views/res_partner_views.xml",
        "views/retail_wechat_event_views.xml",
        "report/retail_wecom_poster.xml",
        "views/retail_wechat_template_views.xml",
        "views/retail_touch_views.xml",
        "views/retail_wechat_register_templates.xml",
        "views/retail_wecom_sidebar_templates.xml",
    ],
}
