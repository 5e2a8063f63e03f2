# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The referral errors members and staff see are translated (zh_CN)."""

from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RetailLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyTranslation(RetailLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["retail_crm_loyalty"], ["zh_CN"]
        )

    def test_errors_in_chinese(self):
        member = self.member_a1.with_context(lang="zh_CN")
        with self.assertRaises(UserError) as caught:
            member._retail_apply_referral_code("NOPE")
        self.assertIn("不是有效的推荐码", str(caught.exception))
        self.assertIn("NOPE", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            member._retail_apply_referral_code(member.retail_referral_code)
        self.assertIn("不能使用自己的推荐码", str(caught.exception))

    def test_labels_in_chinese(self):
        fields = (
            self.env["retail.member.tier"]
            .with_context(lang="zh_CN")
            .fields_get(["points_multiplier"], ["string"])
        )
        self.assertEqual(fields["points_multiplier"]["string"], "积分倍率")

    def test_campaign_error_in_chinese(self):
        today = self.Partner._retail_today(self.company)
        Campaign = self.env["retail.campaign"].with_context(lang="zh_CN")
        with self.assertRaises(ValidationError) as caught:
            Campaign.create(
                {
                    "name": "Bad dates",
                    "company_id": self.company.id,
                    "date_start": today,
                    "date_end": today - timedelta(days=1),
                }
            )
        self.assertIn("结束日期不能早于开始日期", str(caught.exception))
