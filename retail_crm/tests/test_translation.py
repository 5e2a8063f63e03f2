# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The errors members see are translated (zh_CN)."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RetailCrmCommon


@tagged("post_install", "-at_install")
class TestTranslation(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["retail_crm"], ["zh_CN"])

    def test_errors_in_chinese(self):
        Partner = self.Partner.with_context(lang="zh_CN")
        count = self._member_count()
        with self.assertRaises(ValidationError) as caught:
            Partner.create(
                {
                    "name": "Landline",
                    "is_retail_member": True,
                    "company_id": self.company.id,
                    "retail_store_id": self.s1.id,
                    "mobile": "010-12345678",
                }
            )
        self.assertIn("不是手机号", str(caught.exception))
        self.assertIn("010-12345678", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            Partner.with_user(self.associate_nostore).create(
                {"name": "No Store", "is_retail_member": True}
            )
        self.assertRegex(str(caught.exception), "[\u4e00-\u9fff]")
        # nothing was written
        self.assertEqual(self._member_count(), count)

    def test_labels_in_chinese(self):
        fields = self.Partner.with_context(lang="zh_CN").fields_get(
            ["retail_store_id", "retail_marketing_consent"], ["string"]
        )
        for description in fields.values():
            self.assertRegex(description["string"], "[\u4e00-\u9fff]")
