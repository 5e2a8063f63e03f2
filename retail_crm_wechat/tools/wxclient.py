# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP calls to the WeCom / WeChat JSON APIs, plain functions on ``requests``.

Errors are classified so that the caller can decide what may be retried:
:class:`WeChatApiError` carries Tencent's ``errcode``;
:class:`WeChatTransportError` says whether the request may have reached the
server (``maybe_sent``), which matters for non-idempotent sends.
"""

import requests

WECOM_BASE_URL = "https://qyapi.weixin.qq.com"
OA_BASE_URL = "https://api.weixin.qq.com"
# seconds (connection and each read)
TIMEOUT = 10

# The access token is invalid or expired: refresh it once and retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# Rate limits and "system busy": back off and retry later.
BUSY_ERRORS = frozenset({45009, 45033, -1})
# Rate limits: the request was refused, so even a send may be retried.
RATE_LIMIT_ERRORS = frozenset({45009, 45033})


class WeChatApiError(Exception):
    def __init__(self, errcode, errmsg=""):
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatTransportError(Exception):
    def __init__(self, message, maybe_sent):
        super().__init__(message)
        self.maybe_sent = maybe_sent


def api_url(base_url, path):
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def request_json(method, url, params=None, payload=None, timeout=TIMEOUT):
    """JSON answer of a WeChat API call; raises on errcode != 0."""
    try:
        response = requests.request(
            method, url, params=params, json=payload, timeout=timeout
        )
    except (requests.ConnectTimeout, requests.exceptions.SSLError) as exc:
        raise WeChatTransportError(type(exc).__name__, maybe_sent=False) from exc
    except requests.ConnectionError as exc:
        # the connection may have dropped after the request was sent
        raise WeChatTransportError(type(exc).__name__, maybe_sent=True) from exc
    except requests.RequestException as exc:
        raise WeChatTransportError(type(exc).__name__, maybe_sent=True) from exc
    if response.status_code >= 500:
        raise WeChatTransportError(f"HTTP {response.status_code}", maybe_sent=True)
    try:
        data = response.json()
    except ValueError as exc:
        raise WeChatTransportError("invalid JSON answer", maybe_sent=True) from exc
    if not isinstance(data, dict):
        raise WeChatTransportError("invalid JSON answer", maybe_sent=True)
    errcode = data.get("errcode") or 0
    if errcode:
        raise WeChatApiError(int(errcode), str(data.get("errmsg", "")))
    return data


def download(url, max_bytes=2 * 1024 * 1024, timeout=TIMEOUT):
    """Bytes of a (QR code) image, at most ``max_bytes``."""
    try:
        response = requests.get(url, timeout=timeout, stream=True)
        response.raise_for_status()
        data = response.raw.read(max_bytes + 1, decode_content=True)
    except requests.RequestException as exc:
        raise WeChatTransportError(type(exc).__name__, maybe_sent=False) from exc
    if len(data) > max_bytes:
        raise WeChatTransportError("image too large", maybe_sent=False)
    return data
