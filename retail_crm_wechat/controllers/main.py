# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Callbacks of WeCom and of the Official Account, mini-program webhook.

Public routes without CSRF token (Tencent and the mini-program backend cannot
send one) but every request is authenticated: WXBizMsgCrypt signature,
decryption and receive id, timestamp window and nonce replay protection for
the callbacks; HMAC-SHA256 for the webhook. Bodies are limited in size. The
callbacks answer at once and leave the work to queue jobs.
"""

import json
import logging
import time

import psycopg2
from werkzeug.exceptions import RequestEntityTooLarge

from odoo import SUPERUSER_ID, http
from odoo.http import request
from odoo.tools import SQL

from ..models.retail_wechat_miniprogram import MiniProgramPayloadError
from ..tools import wxclient, wxcrypt

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


class RejectedRequest(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _text(body, status=200):
    return request.make_response(
        body, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status
    )


def _json(data, status=200):
    return request.make_response(
        json.dumps(data, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8")],
        status=status,
    )


def _read_body():
    httprequest = request.httprequest
    length = httprequest.content_length
    if length is not None and length > MAX_BODY:
        raise RejectedRequest(413, "body too large")
    # bodies without a length (chunked) are cut at the limit by werkzeug
    httprequest.max_content_length = MAX_BODY
    try:
        data = httprequest.get_data(cache=True)
    except RequestEntityTooLarge as exc:
        raise RejectedRequest(413, "body too large") from exc
    if len(data) > MAX_BODY:
        raise RejectedRequest(413, "body too large")
    return data


def _company(company_id):
    # sudo: a callback has no user; the company's secrets authenticate it
    company = request.env["res.company"].sudo().browse(company_id).exists()
    if not company:
        raise RejectedRequest(404, "unknown company")
    return company


def _wecom_settings(company_id):
    """(token, EncodingAESKey, corp id) of the company's WeCom callbacks.

    One SQL query: the callback path avoids the ORM (a company record reads
    and caches every column of res_company, with access checks).
    """
    request.env.cr.execute(
        SQL(
            "SELECT retail_wecom_token, retail_wecom_aes_key, retail_wecom_corp_id "
            "FROM res_company WHERE id = %s",
            company_id,
        )
    )
    row = request.env.cr.fetchone()
    if not row:
        raise RejectedRequest(404, "unknown company")
    if not all(row):
        raise RejectedRequest(404, "WeCom callbacks not configured")
    return row


def _check_timestamp(params):
    if not (params.get("timestamp") and params.get("nonce")):
        raise RejectedRequest(400, "missing parameters")
    try:
        return wxcrypt.check_timestamp(params["timestamp"], int(time.time()))
    except wxcrypt.WeChatCryptoError as exc:
        raise RejectedRequest(
            400 if exc.code == "bad_timestamp" else 403, exc.code
        ) from exc


def _decrypt(aes_key, encrypted, receive_id):
    try:
        return wxcrypt.decrypt(aes_key, encrypted, receive_id)
    except wxcrypt.WeChatCryptoError as exc:
        raise RejectedRequest(
            403 if exc.code == "bad_receive_id" else 400, exc.code
        ) from exc


def _parse(xml):
    try:
        return wxcrypt.parse_xml(xml)
    except wxcrypt.WeChatCryptoError as exc:
        raise RejectedRequest(400, exc.code) from exc


def _receive(company, source, params, values):
    """Nonce check, then record the event once and queue its processing."""
    env = request.env(user=SUPERUSER_ID)
    timestamp = int(params["timestamp"])
    if not env["retail.wechat.nonce"]._retail_use(
        company, source, params["nonce"], timestamp
    ):
        raise RejectedRequest(409, "replayed nonce")
    env["retail.wechat.event"]._retail_receive(company, source, values)


class RetailWechatController(http.Controller):
    def _reject(self, exc, what, as_json=False):
        _logger.info("WeChat %s rejected: %s", what, exc.reason)
        if as_json:
            return _json({"error": exc.reason}, status=exc.status)
        return _text(exc.reason, status=exc.status)

    # ------------------------------------------------------------------
    # WeCom
    # ------------------------------------------------------------------
    @http.route(
        "/retail_wechat/wecom/<int:company_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def wecom_callback(self, company_id, **params):
        try:
            token, aes_key, corp_id = _wecom_settings(company_id)
            _check_timestamp(params)
            signature = params.get("msg_signature")
            if request.httprequest.method == "GET":
                echostr = params.get("echostr") or ""
                if not wxcrypt.check_signature(
                    signature, token, params["timestamp"], params["nonce"], echostr
                ):
                    raise RejectedRequest(403, "bad signature")
                return _text(_decrypt(aes_key, echostr, corp_id))
            outer = _parse(_read_body())
            encrypted = outer.get("Encrypt")
            if not encrypted:
                raise RejectedRequest(400, "no Encrypt element")
            if not wxcrypt.check_signature(
                signature, token, params["timestamp"], params["nonce"], encrypted
            ):
                raise RejectedRequest(403, "bad signature")
            values = _parse(_decrypt(aes_key, encrypted, corp_id))
            company = request.env["res.company"].browse(company_id)
            _receive(company, "wecom", params, values)
        except RejectedRequest as exc:
            return self._reject(exc, "WeCom callback")
        return _text("success")

    # ------------------------------------------------------------------
    # Official Account
    # ------------------------------------------------------------------
    @http.route(
        "/retail_wechat/oa/<int:company_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def oa_callback(self, company_id, **params):
        try:
            company = _company(company_id)
            token = company.retail_oa_token
            aes_key = company.retail_oa_aes_key
            app_id = company.retail_oa_app_id
            if not (token and app_id):
                raise RejectedRequest(404, "Official Account callbacks not configured")
            _check_timestamp(params)
            if not wxcrypt.check_signature(
                params.get("signature"), token, params["timestamp"], params["nonce"]
            ):
                raise RejectedRequest(403, "bad signature")
            if request.httprequest.method == "GET":
                return _text(params.get("echostr") or "")
            body = _parse(_read_body())
            if aes_key:
                # safe mode required when a key is configured
                encrypted = body.get("Encrypt")
                if params.get("encrypt_type") != "aes" or not encrypted:
                    raise RejectedRequest(400, "safe mode required")
                if not wxcrypt.check_signature(
                    params.get("msg_signature"),
                    token,
                    params["timestamp"],
                    params["nonce"],
                    encrypted,
                ):
                    raise RejectedRequest(403, "bad signature")
                body = _parse(_decrypt(aes_key, encrypted, app_id))
            _receive(company, "oa", params, body)
        except RejectedRequest as exc:
            return self._reject(exc, "Official Account callback")
        return _text("success")

    # ------------------------------------------------------------------
    # Mini-program
    # ------------------------------------------------------------------
    def _mp_payload(self, company):
        secret = company.retail_mp_webhook_secret
        if not secret:
            raise RejectedRequest(404, "mini-program webhook not configured")
        headers = request.httprequest.headers
        timestamp = headers.get("X-Timestamp", "")
        try:
            wxcrypt.check_timestamp(timestamp, int(time.time()))
        except wxcrypt.WeChatCryptoError as exc:
            raise RejectedRequest(401, exc.code) from exc
        body = _read_body()
        if not wxcrypt.check_webhook_signature(
            secret, timestamp, body, headers.get("X-Signature", "")
        ):
            raise RejectedRequest(401, "bad signature")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise RejectedRequest(400, "invalid JSON") from exc

    @http.route(
        "/retail_wechat/mp/<int:company_id>/order",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def mp_order(self, company_id):
        try:
            company = _company(company_id)
            payload = self._mp_payload(company)
            # superuser: the request is authenticated by its HMAC signature
            env = request.env(user=SUPERUSER_ID)
            Mp = env["retail.wechat.miniprogram"].with_company(company)
            try:
                with env.cr.savepoint():
                    order, created = Mp._retail_mp_order(company, payload)
            except psycopg2.IntegrityError:
                # the same order sent twice at the same time
                order, created = Mp._retail_mp_order(company, payload)
        except RejectedRequest as exc:
            return self._reject(exc, "mini-program order", as_json=True)
        except MiniProgramPayloadError as exc:
            return _json({"error": str(exc)}, status=400)
        return _json(
            {
                "status": "created" if created else "duplicate",
                "order": order.name,
                "member_code": order.partner_id.retail_member_code,
            }
        )

    @http.route(
        "/retail_wechat/mp/<int:company_id>/bind",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def mp_bind(self, company_id):
        try:
            company = _company(company_id)
            payload = self._mp_payload(company)
            env = request.env(user=SUPERUSER_ID)
            if not isinstance(payload, dict):
                raise MiniProgramPayloadError(env._("The payload must be an object."))
            Mp = env["retail.wechat.miniprogram"].with_company(company)
            with env.cr.savepoint():
                member = Mp._retail_mp_bind(company, payload)
        except RejectedRequest as exc:
            return self._reject(exc, "mini-program binding", as_json=True)
        except MiniProgramPayloadError as exc:
            return _json({"error": str(exc)}, status=400)
        except wxclient.WeChatApiError as exc:
            return _json({"error": "code2session", "errcode": exc.errcode}, status=400)
        except wxclient.WeChatTransportError:
            return _json({"error": "code2session unavailable"}, status=503)
        if not member:
            return _json({"error": "no member"}, status=404)
        return _json({"status": "bound", "member_code": member.retail_member_code})
