# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""WeChat / WeCom message crypto (Tencent's WXBizMsgCrypt scheme), plain functions.

- signature: sha1 of the sorted concatenation of token, timestamp, nonce
  (and the encrypted text for WeCom / safe mode), hex;
- AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[:16], PKCS#7
  padding to 32-byte blocks (as Tencent does);
- plaintext = 16 random bytes + 4-byte big-endian length + message + receive
  id (CorpID or AppID), checked after decryption;
- a safe XML parser: no DTD, no entities, no network;
- the HMAC-SHA256 signature of the mini-program webhook.

No database, no Odoo: unit-tested against the published vectors.
"""

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lxml import etree

BLOCK_SIZE = 32
TIMESTAMP_WINDOW = 300


class WeChatCryptoError(ValueError):
    """A message that fails a check. ``code`` says which one."""

    def __init__(self, code, message=None):
        super().__init__(message or code)
        self.code = code


def signature(*parts):
    """sha1 hex of the sorted concatenation of ``parts`` (str)."""
    return hashlib.sha1(
        "".join(sorted(str(p) for p in parts)).encode(), usedforsecurity=False
    ).hexdigest()


def check_signature(expected, *parts):
    """Constant-time comparison of ``expected`` with :func:`signature`."""
    if not expected or not isinstance(expected, str):
        return False
    return hmac.compare_digest(expected.lower().encode(), signature(*parts).encode())


def aes_key(encoding_aes_key):
    """The 32-byte AES key of a 43-character EncodingAESKey."""
    if not encoding_aes_key or len(encoding_aes_key) != 43:
        raise WeChatCryptoError("bad_key", "EncodingAESKey must have 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except ValueError as exc:
        raise WeChatCryptoError("bad_key", "EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise WeChatCryptoError("bad_key", "EncodingAESKey must decode to 32 bytes")
    return key


def pkcs7_pad(data, block_size=BLOCK_SIZE):
    pad = block_size - len(data) % block_size
    return data + bytes([pad]) * pad


def pkcs7_unpad(data, block_size=BLOCK_SIZE):
    if not data or len(data) % 16:
        raise WeChatCryptoError("bad_padding")
    pad = data[-1]
    if not 1 <= pad <= block_size or data[-pad:] != bytes([pad]) * pad:
        raise WeChatCryptoError("bad_padding")
    return data[:-pad]


def _cipher(key):
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(encoding_aes_key, message, receive_id, random_prefix=None):
    """Base64 text of the encrypted ``message`` (str) for ``receive_id``."""
    key = aes_key(encoding_aes_key)
    prefix = random_prefix if random_prefix is not None else os.urandom(16)
    if isinstance(prefix, str):
        prefix = prefix.encode()
    body = message.encode()
    plain = prefix + struct.pack(">I", len(body)) + body + receive_id.encode()
    encryptor = _cipher(key).encryptor()
    data = encryptor.update(pkcs7_pad(plain)) + encryptor.finalize()
    return base64.b64encode(data).decode()


def decrypt(encoding_aes_key, encrypted, receive_id):
    """The message (str) of a base64 ``encrypted`` text; checks the padding,
    the length and that the receive id is ``receive_id``."""
    key = aes_key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted or "", validate=True)
    except ValueError as exc:
        raise WeChatCryptoError("bad_base64") from exc
    if not data or len(data) % 16:
        raise WeChatCryptoError("bad_length")
    decryptor = _cipher(key).decryptor()
    plain = pkcs7_unpad(decryptor.update(data) + decryptor.finalize())
    if len(plain) < 20:
        raise WeChatCryptoError("bad_length")
    (length,) = struct.unpack(">I", plain[16:20])
    if 20 + length > len(plain):
        raise WeChatCryptoError("bad_length")
    message = plain[20 : 20 + length]
    from_id = plain[20 + length :]
    if not hmac.compare_digest(from_id, (receive_id or "").encode()):
        raise WeChatCryptoError("bad_receive_id")
    try:
        return message.decode()
    except UnicodeDecodeError as exc:
        raise WeChatCryptoError("bad_encoding") from exc


def encrypt_reply(token, encoding_aes_key, receive_id, message, timestamp, nonce):
    """(encrypt, msg_signature) of a passive reply or of a test callback."""
    enc = encrypt(encoding_aes_key, message, receive_id)
    return enc, signature(token, timestamp, nonce, enc)


def check_timestamp(timestamp, now, window=TIMESTAMP_WINDOW):
    """``timestamp`` (str of seconds) within ``window`` seconds of ``now``."""
    try:
        value = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise WeChatCryptoError("bad_timestamp") from exc
    if abs(now - value) > window:
        raise WeChatCryptoError("stale_timestamp")
    return value


_XML_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse_xml(data):
    """Fields of a flat ``<xml>`` message as a dict {tag: text}.

    Refuses any DOCTYPE (hence any DTD or entity declaration), entities and
    anything that is not well-formed XML with an ``xml`` root.
    """
    if isinstance(data, str):
        data = data.encode()
    if not data or b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise WeChatCryptoError("bad_xml", "DTD and entities are not accepted")
    parser = etree.XMLParser(**_XML_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise WeChatCryptoError("bad_xml", "malformed XML") from exc
    if root.getroottree().docinfo.doctype or root.tag != "xml":
        raise WeChatCryptoError("bad_xml", "unexpected XML document")
    fields = {}
    for child in root:
        if not isinstance(child.tag, str):
            # unresolved entity references or other non-element nodes
            raise WeChatCryptoError("bad_xml", "entities are not accepted")
        for sub in child.iter():
            if not isinstance(sub.tag, str):
                raise WeChatCryptoError("bad_xml", "entities are not accepted")
        fields[child.tag] = (child.text or "").strip()
    return fields


def webhook_signature(secret, timestamp, body):
    """Hex HMAC-SHA256 of ``timestamp + "." + body`` (``body``: bytes)."""
    return hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()


def check_webhook_signature(secret, timestamp, body, received):
    if not secret or not received:
        return False
    return hmac.compare_digest(
        webhook_signature(secret, timestamp, body).encode(),
        received.strip().lower().encode(),
    )
