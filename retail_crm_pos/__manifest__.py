# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM POS",
    "summary": "Members at the Odoo Point of Sale: store-scoped preload, lookup "
    "by any phone format or card, tier badge and pricelist, quick registration, "
    "exactly-once purchase statistics",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-crm/retail-crm",
    "author": "Retail CRM developers",
    "license": "LGPL-3",
    "installable": True,
    "depends": [
        "retail_crm",
        "retail_crm_loyalty",
        "point_of_sale",
        "pos_loyalty",
    ],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "data/barcode_rule_data.xml",
        "data/loyalty_program_data.xml",
        "data/ir_cron_data.xml",
        "views/pos_config_views.xml",
    ],
    "demo": [
        "demo/pos_config_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "retail_crm_pos/static/src/app/**/*",
        ],
        "web.assets_tests": [
            "retail_crm_pos/static/tests/tours/**/*",
        ],
    },
}
