# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM",
    "summary": "Members, stores and roles for retail chains: "
    "one customer record per mobile, store-scoped access, purchase statistics",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/retail-crm/retail-crm",
    "author": "Retail CRM developers",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "contacts",
        "sales_team",
        "sale_management",
        "sms",
        "phone_validation",
    ],
    "external_dependencies": {"python": ["phonenumbers", "openpyxl", "xlrd"]},
    "data": [
        "security/retail_crm_security.xml",
        "security/ir.model.access.csv",
        "security/retail_crm_rules.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_store_views.xml",
        "views/res_partner_views.xml",
        "views/retail_consent_log_views.xml",
        "views/retail_export_log_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/retail_crm_menus.xml",
        "security/retail_member_import_security.xml",
        "views/retail_member_import_views.xml",
        "views/retail_member_duplicate_views.xml",
    ],
    "demo": [
        "demo/retail_crm_demo.xml",
        "demo/retail_crm_demo_members.xml",
    ],
}
