# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.tests import BaseCase, tagged

from ..tools import wxcrypt
from .common import load_vectors


@tagged("post_install", "-at_install")
class TestWxCrypt(BaseCase):
    """WXBizMsgCrypt against the published vectors (wechatpy's tests)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vectors = load_vectors()
        cls.wecom = cls.vectors["wecom"]

    def test_official_account_plain_signature(self):
        v = self.vectors["official_account_plain_signature"]
        args = (v["token"], v["timestamp"], v["nonce"])
        self.assertEqual(wxcrypt.signature(*args), v["signature"])
        self.assertTrue(wxcrypt.check_signature(v["signature"], *args))
        self.assertFalse(wxcrypt.check_signature(v["must_fail_signature"], *args))
        self.assertFalse(wxcrypt.check_signature(None, *args))

    def test_wecom_verify_url(self):
        w = self.wecom
        v = w["verify_url"]
        self.assertTrue(
            wxcrypt.check_signature(
                v["msg_signature"], w["token"], v["timestamp"], v["nonce"], v["echostr"]
            )
        )
        self.assertFalse(
            wxcrypt.check_signature(
                v["msg_signature"],
                w["token"],
                v["timestamp"],
                v["must_fail_with_nonce"],
                v["echostr"],
            )
        )
        plain = wxcrypt.decrypt(w["encoding_aes_key"], v["echostr"], w["corp_id"])
        self.assertEqual(plain, v["expected_plaintext"])

    def test_wecom_decrypt_message(self):
        w = self.wecom
        v = w["decrypt_message"]
        self.assertTrue(
            wxcrypt.check_signature(
                v["msg_signature"], w["token"], v["timestamp"], v["nonce"], v["encrypt"]
            )
        )
        fields = wxcrypt.parse_xml(
            wxcrypt.decrypt(w["encoding_aes_key"], v["encrypt"], w["corp_id"])
        )
        for key, value in v["expected_fields"].items():
            self.assertEqual(fields[key], value)
        self.assertEqual(fields["AgentID"], v["agent_id"])

    def test_wecom_encrypt_message(self):
        w = self.wecom
        v = w["encrypt_message"]
        encrypted = wxcrypt.encrypt(
            w["encoding_aes_key"], v["plaintext"], w["corp_id"], v["random_prefix"]
        )
        self.assertEqual(encrypted, v["expected_encrypt"])
        self.assertEqual(
            wxcrypt.signature(w["token"], v["timestamp"], v["nonce"], encrypted),
            v["expected_msg_signature"],
        )
        # and back, with a random prefix
        again = wxcrypt.encrypt(w["encoding_aes_key"], v["plaintext"], w["corp_id"])
        self.assertNotEqual(again, encrypted)
        self.assertEqual(
            wxcrypt.decrypt(w["encoding_aes_key"], again, w["corp_id"]), v["plaintext"]
        )

    def test_wrong_receive_id(self):
        w = self.wecom
        with self.assertRaises(wxcrypt.WeChatCryptoError) as cm:
            wxcrypt.decrypt(
                w["encoding_aes_key"], w["decrypt_message"]["encrypt"], "wxOTHER"
            )
        self.assertEqual(cm.exception.code, "bad_receive_id")

    def test_padding(self):
        # 32-byte blocks as Tencent: a 32-byte plaintext gets a full block
        self.assertEqual(len(wxcrypt.pkcs7_pad(b"x" * 32)), 64)
        self.assertEqual(wxcrypt.pkcs7_pad(b"x" * 31)[-1], 1)
        self.assertEqual(wxcrypt.pkcs7_unpad(wxcrypt.pkcs7_pad(b"abc")), b"abc")
        for bad in (b"a" * 31 + b"\x00", b"a" * 31 + b"\x21", b"a" * 30 + b"\x01\x02"):
            with self.assertRaises(wxcrypt.WeChatCryptoError) as cm:
                wxcrypt.pkcs7_unpad(bad)
            self.assertEqual(cm.exception.code, "bad_padding")

    def test_tampered_ciphertext(self):
        w = self.wecom
        data = bytearray(base64.b64decode(w["decrypt_message"]["encrypt"]))
        data[-1] ^= 0x55
        with self.assertRaises(wxcrypt.WeChatCryptoError):
            wxcrypt.decrypt(
                w["encoding_aes_key"], base64.b64encode(bytes(data)), w["corp_id"]
            )
        for bad in ("not base64!", "", base64.b64encode(b"short").decode()):
            with self.assertRaises(wxcrypt.WeChatCryptoError):
                wxcrypt.decrypt(w["encoding_aes_key"], bad, w["corp_id"])

    def test_bad_key(self):
        for key in ("", "short", "!" * 43):
            with self.assertRaises(wxcrypt.WeChatCryptoError) as cm:
                wxcrypt.aes_key(key)
            self.assertEqual(cm.exception.code, "bad_key")

    def test_safe_xml(self):
        self.assertEqual(
            wxcrypt.parse_xml("<xml><A><![CDATA[1]]></A><B>2</B></xml>"),
            {"A": "1", "B": "2"},
        )
        xxe = (
            '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM '
            '"file:///etc/passwd">]><xml><A>&xxe;</A></xml>'
        )
        billion = (
            '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<xml><A>&lol2;</A></xml>"
        )
        for bad in (
            xxe,
            billion,
            xxe.replace("DOCTYPE", "doctype"),
            "<xml><A>&amp;</A>",
            "<xml><A>&undefined;</A></xml>",
            "<other><A>1</A></other>",
            "",
            "not xml",
        ):
            with self.assertRaises(wxcrypt.WeChatCryptoError) as cm:
                wxcrypt.parse_xml(bad)
            self.assertEqual(cm.exception.code, "bad_xml", bad)

    def test_timestamp_window(self):
        self.assertEqual(wxcrypt.check_timestamp("1000", 1300), 1000)
        self.assertEqual(wxcrypt.check_timestamp("1600", 1300), 1600)
        with self.assertRaises(wxcrypt.WeChatCryptoError) as cm:
            wxcrypt.check_timestamp("999", 1300)
        self.assertEqual(cm.exception.code, "stale_timestamp")
        with self.assertRaises(wxcrypt.WeChatCryptoError) as cm:
            wxcrypt.check_timestamp("abc", 1300)
        self.assertEqual(cm.exception.code, "bad_timestamp")

    def test_webhook_signature(self):
        sig = wxcrypt.webhook_signature("secret", "1700000000", b'{"a": 1}')
        self.assertEqual(len(sig), 64)
        self.assertTrue(
            wxcrypt.check_webhook_signature("secret", "1700000000", b'{"a": 1}', sig)
        )
        self.assertTrue(
            wxcrypt.check_webhook_signature(
                "secret", "1700000000", b'{"a": 1}', sig.upper()
            )
        )
        self.assertFalse(
            wxcrypt.check_webhook_signature("secret", "1700000001", b'{"a": 1}', sig)
        )
        self.assertFalse(
            wxcrypt.check_webhook_signature("secret", "1700000000", b'{"a": 2}', sig)
        )
        self.assertFalse(
            wxcrypt.check_webhook_signature("other", "1700000000", b'{"a": 1}', sig)
        )
        self.assertFalse(wxcrypt.check_webhook_signature("", "1", b"", ""))
