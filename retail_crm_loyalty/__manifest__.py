# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM Loyalty",
    "summary": "Member points by tier with expiry, stored value, automations, "
    "referral, consent-aware messaging and campaign ROI on Odoo's loyalty",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/retail-crm/retail-crm",
    "author": "Retail CRM developers",
    "license": "LGPL-3",
    "installable": True,
    "depends": [
        "retail_crm",
        "loyalty",
        "sale_loyalty",
        "board",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/retail_touch_rules.xml",
        "data/res_partner_category_data.xml",
        "data/retail_automation_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_touch_views.xml",
        "views/retail_automation_views.xml",
        "views/product_category_views.xml",
        "views/retail_campaign_views.xml",
        "views/retail_campaign_report_views.xml",
        "views/retail_roi_dashboard_views.xml",
        "views/res_config_settings_views.xml",
        "security/retail_loyalty_rules.xml",
        "security/retail_campaign_rules.xml",
        "data/retail_loyalty_data.xml",
        "data/retail_ewallet_data.xml",
        "views/retail_loyalty_views.xml",
        "views/retail_referral_views.xml",
    ],
    "demo": [
        "demo/retail_automation_demo.xml",
        "demo/retail_loyalty_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "retail_crm_loyalty/static/tests/tours/*.js",
        ],
    },
}
