# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Channels through which members join or give consent."""

RETAIL_CHANNELS = [
    ("store", "Store"),
    ("pos", "Point of Sale"),
    ("wecom", "WeCom"),
    ("official_account", "WeChat Official Account"),
    ("miniprogram", "Mini-program"),
    ("ecommerce", "E-commerce"),
    ("import", "Import"),
    ("referral", "Referral"),
]
