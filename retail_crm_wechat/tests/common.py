# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixture of the WeChat tests: the retail_crm fixture, a fake WeChat server
on loopback selected through the base URL setting, and a synchronous runner
of the queued jobs (real queue.job records, performed in the test)."""

import base64
import json
import os
import time
import uuid
from xml.sax.saxutils import escape

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.retail_crm.tests.common import RetailCrmCommon

from ..tools import wxcrypt
from .fake_wechat_server import FakeWechatServer

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VECTORS_PATH = os.path.join(
    REPO_ROOT, "..", "shared", "reference", "wechat-crypto-vectors.json"
)


def load_vectors():
    """The published WeChat crypto vectors (../shared/reference of the repo)."""
    if not os.path.isfile(VECTORS_PATH):
        raise AssertionError(
            "The published WeChat crypto vectors are missing: expected "
            f"{os.path.normpath(VECTORS_PATH)} (../shared/reference/"
            "wechat-crypto-vectors.json from the repository root)."
        )
    with open(VECTORS_PATH, encoding="utf-8") as f:
        return json.load(f)


CORP_ID = "wwretailcorp0001"
CALLBACK_TOKEN = "retailtoken"
AES_KEY = base64.b64encode(b"retail-crm-wechat-test-aes-key!!").decode()[:43]
OA_APP_ID = "wxretailoa000001"
OA_TOKEN = "oatoken"
OA_AES_KEY = base64.b64encode(b"retail-crm-official-account-key!").decode()[:43]
WEBHOOK_SECRET = "mp-webhook-secret"


class WechatCommon(RetailCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeWechatServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls.company.write(
            {
                "retail_wecom_corp_id": CORP_ID,
                "retail_wecom_contact_secret": "contact-secret",
                "retail_wecom_agent_id": "1000002",
                "retail_wecom_agent_secret": "agent-secret",
                "retail_wecom_token": CALLBACK_TOKEN,
                "retail_wecom_aes_key": AES_KEY,
                "retail_wecom_welcome_text": "欢迎光临！",
                "retail_oa_app_id": OA_APP_ID,
                "retail_oa_secret": "oa-secret",
                "retail_oa_token": OA_TOKEN,
                "retail_oa_aes_key": OA_AES_KEY,
                "retail_mp_app_id": "wxretailmp000001",
                "retail_mp_secret": "mp-secret",
                "retail_mp_webhook_secret": WEBHOOK_SECRET,
                "retail_wechat_base_url": cls.server.base_url,
            }
        )
        cls.a1.retail_wecom_userid = "wx_a1"
        cls.a1b.retail_wecom_userid = "wx_a1b"
        cls.m1.retail_wecom_userid = "wx_m1"
        cls.Tag = cls.env["res.partner.category"]
        cls.tag_vip = cls.Tag.create(
            {"name": "Test VIP", "retail_wecom_tag_id": "etVIP"}
        )
        cls.way_a1 = cls.env["retail.wecom.contact.way"].create(
            {
                "name": "A1 QR",
                "store_id": cls.s1.id,
                "user_id": cls.a1.id,
                "tag_ids": [(6, 0, cls.tag_vip.ids)],
            }
        )

    def setUp(self):
        super().setUp()
        self.server.reset()

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    def _jobs(self, states=("pending", "enqueued")):
        return self.env["queue.job"].search(
            [("state", "in", list(states)), ("channel", "=", "root.retail_wechat")],
            order="priority, id",
        )

    def run_jobs(self):
        """Perform the queued WeChat jobs once each, as the job runner would
        (new jobs they enqueue are performed too). A job that raises
        RetryableJobError is rolled back and stays pending; returns the
        list of (method name, exception) of those."""
        postponed = []
        done = set()
        while True:
            records = self._jobs().filtered(lambda j: j.uuid not in done)
            if not records:
                return postponed
            for record in records:
                done.add(record.uuid)
                job = Job.load(self.env, record.uuid)
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except RetryableJobError as exc:
                    postponed.append((record.method_name, exc))
                    continue
                job.set_done()
                job.store()
            self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Callbacks
    # ------------------------------------------------------------------
    @staticmethod
    def xml(values):
        fields = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in values.items())
        return f"<xml>{fields}</xml>"

    def wecom_event(self, change_type, external_userid, userid="wx_a1", **extra):
        values = {
            "ToUserName": CORP_ID,
            "FromUserName": "sys",
            "CreateTime": str(int(time.time())),
            "MsgType": "event",
            "Event": "change_external_contact",
            "ChangeType": change_type,
            "UserID": userid,
            "ExternalUserID": external_userid,
        }
        values.update(extra)
        return values

    def wecom_post(
        self,
        values=None,
        inner=None,
        nonce=None,
        timestamp=None,
        receive_id=CORP_ID,
        signature=None,
        body=None,
    ):
        """POST a WeCom callback signed and encrypted as WeCom does."""
        inner = inner if inner is not None else self.xml(values)
        encrypted = wxcrypt.encrypt(AES_KEY, inner, receive_id)
        timestamp = str(timestamp or int(time.time()))
        nonce = nonce or uuid.uuid4().hex[:10]
        signature = signature or wxcrypt.signature(
            CALLBACK_TOKEN, timestamp, nonce, encrypted
        )
        if body is None:
            body = (
                f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{escape(encrypted)}]]></Encrypt>"
                "<AgentID><![CDATA[1000002]]></AgentID></xml>"
            )
        return self.url_open(
            f"/retail_wechat/wecom/{self.company.id}?msg_signature={signature}"
            f"&timestamp={timestamp}&nonce={nonce}",
            data=body.encode() if isinstance(body, str) else body,
            headers={"Content-Type": "text/xml"},
        )

    def events(self):
        return self.env["retail.wechat.event"].search(
            [("company_id", "=", self.company.id)]
        )

    def add_contact(self, external_userid, name="微信客户", unionid=None, **follow):
        contact = {"external_userid": external_userid, "name": name, "type": 1}
        if unionid:
            contact["unionid"] = unionid
        follow_user = dict({"userid": "wx_a1", "state": "", "tags": []}, **follow)
        self.server.contacts[external_userid] = {
            "external_contact": contact,
            "follow_user": [follow_user],
        }
