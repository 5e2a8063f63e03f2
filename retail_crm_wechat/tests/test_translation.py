# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Messages, labels and the poster in Chinese (zh_CN)."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.retail_wechat_miniprogram import MiniProgramPayloadError
from .common import WechatCommon


@tagged("post_install", "-at_install")
class TestWechatTranslation(WechatCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["retail_crm", "retail_crm_wechat"], ["zh_CN"]
        )

    def test_webhook_error_in_chinese(self):
        Mp = self.env["retail.wechat.miniprogram"].with_context(lang="zh_CN")
        with self.assertRaises(MiniProgramPayloadError) as cm:
            Mp._retail_mp_order(
                self.company, {"order_no": "MP-1", "unionid": "u1", "lines": []}
            )
        self.assertIn("订单须有 1 至 200 行", str(cm.exception))
        self.assertFalse(
            self.env["sale.order"].search([("retail_wechat_order_no", "=", "MP-1")])
        )

    def test_labels_and_poster_in_chinese(self):
        fields = (
            self.env["retail.wecom.contact.way"]
            .with_context(lang="zh_CN")
            .fields_get(["user_id", "tag_ids"], ["string"])
        )
        self.assertEqual(fields["user_id"]["string"], "导购")
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="zh_CN")
            ._render_qweb_html(
                "retail_crm_wechat.report_retail_wecom_poster", self.way_a1.ids
            )[0]
            .decode()
        )
        self.assertIn("微信扫一扫，添加我们的企业微信", html)
        self.assertIn("您的专属导购", html)

    def test_registration_page_in_chinese(self):
        """The H5 page and its messages (zh_CN)."""
        html = str(
            self.env["ir.qweb"]
            .with_context(lang="zh_CN")
            ._render(
                "retail_crm_wechat.oa_register_form",
                {
                    "company": self.company,
                    "lang": "zh-CN",
                    "action": "/x",
                    "csrf_token": "t",
                    "values": {},
                    "error": None,
                    "store": self.s1,
                    "stores": self.s1,
                },
            )
        )
        self.assertIn("成为会员", html)
        self.assertIn("我同意通过公众号接收优惠和会员资讯", html)
        Register = self.env["retail.wechat.register"].with_context(lang="zh_CN")
        with self.assertRaises(UserError) as cm:
            Register._retail_register(
                self.company, "oZH", self.s1, {"name": "王", "mobile": ""}
            )
        self.assertEqual(str(cm.exception), "请输入您的手机号。")
        self.assertFalse(Register._retail_member_of(self.company, "oZH"))
