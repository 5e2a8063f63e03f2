# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import wxcrypt
from .common import WEBHOOK_SECRET, WechatCommon

CONTROLLER_LOG = "odoo.addons.retail_crm_wechat.controllers.main"


@tagged("post_install", "-at_install")
class TestMiniProgramWebhook(WechatCommon, HttpCase):
    def post(self, payload, path="order", secret=WEBHOOK_SECRET, timestamp=None):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        timestamp = str(timestamp or int(time.time()))
        return self.url_open(
            f"/retail_wechat/mp/{self.company.id}/{path}",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Timestamp": timestamp,
                "X-Signature": wxcrypt.webhook_signature(secret, timestamp, body),
            },
        )

    def order_payload(self, order_no="MP-0001", **extra):
        return dict(
            {
                "order_no": order_no,
                "store_code": "RCT1",
                "unionid": "union-mp-1",
                "mobile": "13977770001",
                "name": "李先生",
                "date_order": "2026-11-20T10:30:00+08:00",
                "lines": [
                    {"sku": "NOPE-SKU", "name": "T恤", "qty": 2, "price_unit": 99.0},
                    {"sku": "NOPE-2", "name": "袜子", "qty": 1, "price_unit": 20},
                ],
            },
            **extra,
        )

    def orders(self):
        return self.env["sale.order"].search(
            [
                ("company_id", "=", self.company.id),
                ("retail_wechat_order_no", "!=", False),
            ]
        )

    def test_order_created_once(self):
        before = self._member_count()
        response = self.post(self.order_payload())
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json()
        self.assertEqual(data["status"], "created")
        order = self.orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.amount_total, 218.0)
        self.assertEqual(str(order.date_order), "2026-11-20 02:30:00")
        member = order.partner_id
        self.assertEqual(self._member_count(), before + 1)
        self.assertEqual(member.retail_channel, "miniprogram")
        self.assertEqual(member.retail_store_id, self.s1)
        self.assertEqual(member.retail_wechat_unionid, "union-mp-1")
        self.assertEqual(data["member_code"], member.retail_member_code)
        # statistics follow through retail_crm's hooks
        self.assertEqual(member.retail_order_count, 1)
        self.assertEqual(member.retail_total_spent, 218.0)
        # the same order again: nothing new
        again = self.post(self.order_payload())
        self.assertEqual(again.json()["status"], "duplicate")
        self.assertEqual(len(self.orders()), 1)
        self.assertEqual(member.retail_order_count, 1)
        # a second order of the same buyer, found by unionid
        self.post(self.order_payload("MP-0002", mobile=None))
        self.assertEqual(len(self.orders()), 2)
        self.assertEqual(self._member_count(), before + 1)
        self.assertEqual(member.retail_order_count, 2)

    def test_existing_member_by_mobile(self):
        response = self.post(
            self.order_payload(unionid="union-alice", mobile="139 0000 0001")
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.orders().partner_id, self.member_a1)
        self.assertEqual(self.member_a1.retail_wechat_unionid, "union-alice")

    @mute_logger(CONTROLLER_LOG)
    def test_bad_signature_and_time(self):
        payload = self.order_payload()
        self.assertEqual(self.post(payload, secret="wrong").status_code, 401)
        stale = int(time.time()) - 400
        self.assertEqual(self.post(payload, timestamp=stale).status_code, 401)
        response = self.url_open(
            f"/retail_wechat/mp/{self.company.id}/order",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.orders(), "nothing written")

    @mute_logger(CONTROLLER_LOG)
    def test_bad_payload(self):
        before = self._member_count()
        cases = [
            b"not json",
            [1, 2],
            self.order_payload(order_no=""),
            self.order_payload(lines=[]),
            self.order_payload(lines=[{"sku": "x", "qty": "two", "price_unit": 1}]),
            self.order_payload(lines=[{"sku": "x", "qty": -1, "price_unit": 1}]),
            self.order_payload(
                store_code="NOPE", unionid="u-new", mobile="13977770009"
            ),
            self.order_payload(unionid=None, mobile=None),
            self.order_payload(mobile="12345"),
            self.order_payload(date_order="yesterday"),
        ]
        for payload in cases:
            response = self.post(payload)
            self.assertEqual(response.status_code, 400, payload)
            self.assertTrue(response.json()["error"])
        self.assertFalse(self.orders(), "nothing written")
        self.assertEqual(self._member_count(), before)

    @mute_logger(CONTROLLER_LOG)
    def test_body_too_large(self):
        body = json.dumps(self.order_payload(name="x" * 70000)).encode()
        self.assertEqual(self.post(body).status_code, 413)
        self.assertFalse(self.orders())

    def test_bind(self):
        self.server.sessions["CODE1"] = {"openid": "oMP1", "unionid": "union-bind"}
        response = self.post({"code": "CODE1", "mobile": "13900000002"}, path="bind")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json()["member_code"], self.member_a1_2.retail_member_code
        )
        self.assertNotIn("SECRETKEY", response.text, "session_key never returned")
        self.assertEqual(self.member_a1_2.retail_wechat_unionid, "union-bind")
        self.assertEqual(self.member_a1_2.retail_mp_openid, "oMP1")
        # an invalid code
        response = self.post({"code": "BAD", "mobile": "13900000002"}, path="bind")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errcode"], 40029)
        # unknown mobile and no store: no member
        self.server.sessions["CODE2"] = {"openid": "oMP2"}
        response = self.post({"code": "CODE2", "mobile": "13977779999"}, path="bind")
        self.assertEqual(response.status_code, 404)
