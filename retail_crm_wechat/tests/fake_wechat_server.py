# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A fake WeCom / Official Account / mini-program API server on loopback.

Speaks the documented JSON protocol of the calls the addon makes (gettoken,
token, externalcontact/* including add_msg_template, qrcode/create,
message/template/send, message/custom/send, user/info, sns/jscode2session,
the WeCom OAuth authorize page and auth/getuserinfo) so that the client is
tested end to end without Tencent's servers. Tests script it through
``FakeWechatServer``: contacts to return, error codes to answer next, tokens
to expire, and read the calls it received.
"""

import base64
import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

# 1x1 transparent PNG, served as the QR code image
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

TOKEN_PATHS = ("/cgi-bin/gettoken", "/cgi-bin/token")


class FakeWechatServer:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []
        self.tokens = set()
        self.token_count = 0
        self.contacts = {}
        self.tag_groups = []
        self.next_errors = defaultdict(list)
        self.sessions = {}
        self.followers = {}
        self.unsubscribed = set()
        # WeCom OAuth: the userid of the member logged in WeCom (the one who
        # opens the sidebar), and the one-time codes issued for it
        self.oauth_userid = None
        self.oauth_codes = {}
        self.counter = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def reset(self):
        with self.lock:
            self.calls.clear()
            self.next_errors.clear()

    def fail_next(self, path, *errcodes):
        """Answer the next calls to ``path`` with these error codes."""
        with self.lock:
            self.next_errors[path].extend(errcodes)

    def expire_tokens(self):
        """Tencent revoked every token (42001 on their next use)."""
        with self.lock:
            self.tokens.clear()

    def paths(self, path=None):
        return [c["path"] for c in self.calls if path is None or c["path"] == path]

    def calls_to(self, path):
        return [c for c in self.calls if c["path"] == path]

    # ------------------------------------------------------------------
    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                return

            def _answer(self, data, content_type="application/json"):
                body = data if isinstance(data, bytes) else json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self, method):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                payload = None
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    try:
                        payload = json.loads(self.rfile.read(length))
                    except ValueError:
                        payload = None
                path = url.path
                if path == "/connect/oauth2/authorize":
                    return self._authorize(query)
                if path.startswith("/qr/") or path == "/cgi-bin/showqrcode":
                    return self._answer(PNG, "image/png")
                with server.lock:
                    server.calls.append(
                        {
                            "method": method,
                            "path": path,
                            "query": query,
                            "payload": payload,
                        }
                    )
                    errors = server.next_errors.get(path)
                    if errors:
                        code = errors.pop(0)
                        return self._answer({"errcode": code, "errmsg": "scripted"})
                    if path in TOKEN_PATHS:
                        server.token_count += 1
                        token = f"TOKEN{server.token_count}"
                        server.tokens.add(token)
                        return self._answer(
                            {
                                "errcode": 0,
                                "errmsg": "ok",
                                "access_token": token,
                                "expires_in": 7200,
                            }
                        )
                    if path == "/sns/jscode2session":
                        session = server.sessions.get(query.get("js_code"))
                        if not session:
                            return self._answer(
                                {"errcode": 40029, "errmsg": "invalid code"}
                            )
                        return self._answer(dict(session, session_key="SECRETKEY"))
                    if query.get("access_token") not in server.tokens:
                        return self._answer(
                            {"errcode": 42001, "errmsg": "access_token expired"}
                        )
                    return self._answer(server._api(path, query, payload or {}))

            def _authorize(self, query):
                self.send_response(302)
                self.send_header("Location", server.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        return Handler

    def authorize(self, query):
        """WeCom's OAuth page: the address back to ``redirect_uri`` with a
        one-time code of the WeCom user logged in (snsapi_base: no consent
        screen)."""
        with self.lock:
            self.calls.append(
                {
                    "method": "GET",
                    "path": "/connect/oauth2/authorize",
                    "query": query,
                    "payload": None,
                }
            )
            code = self._next_id("CODE")
            if self.oauth_userid:
                self.oauth_codes[code] = self.oauth_userid
        target = query.get("redirect_uri", "")
        sep = "&" if "?" in target else "?"
        return target + sep + urlencode({"code": code, "state": query.get("state", "")})

    def _next_id(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _api(self, path, query, payload):
        ok = {"errcode": 0, "errmsg": "ok"}
        name = path.rsplit("/", 1)[-1]
        if name == "get" and "externalcontact" in path:
            contact = self.contacts.get(query.get("external_userid"))
            if not contact:
                return {"errcode": 84061, "errmsg": "not external contact"}
            return dict(ok, **contact)
        if name == "add_contact_way":
            config_id = self._next_id("cfg")
            return dict(
                ok,
                config_id=config_id,
                qr_code=f"{self.base_url}/qr/{config_id}.png",
            )
        if name == "getuserinfo" and "/auth/" in path:
            # one-time code; a member of the corp has a userid (non members
            # get an openid, which the sidebar refuses)
            userid = self.oauth_codes.pop(query.get("code"), None)
            if not userid:
                return {"errcode": 40029, "errmsg": "invalid code"}
            if userid.startswith("openid:"):
                return dict(ok, openid=userid[7:])
            return dict(ok, userid=userid, user_ticket="TICKET-" + userid)
        if name in ("send_welcome_msg", "mark_tag"):
            return ok
        if name == "get_corp_tag_list":
            return dict(ok, tag_group=self.tag_groups)
        if name == "add_corp_tag":
            group = None
            if payload.get("group_id"):
                group = next(
                    (
                        g
                        for g in self.tag_groups
                        if g["group_id"] == payload["group_id"]
                    ),
                    None,
                )
            if group is None:
                group = {
                    "group_id": self._next_id("grp"),
                    "group_name": payload.get("group_name"),
                    "tag": [],
                }
                self.tag_groups.append(group)
            new = [
                {"id": self._next_id("tag"), "name": t["name"]}
                for t in payload.get("tag", [])
            ]
            group["tag"].extend(new)
            return dict(
                ok,
                tag_group={
                    "group_id": group["group_id"],
                    "group_name": group["group_name"],
                    "tag": new,
                },
            )
        if name == "transfer_customer":
            return dict(
                ok,
                customer=[
                    {"external_userid": e, "errcode": 0}
                    for e in payload.get("external_userid", [])
                ],
            )
        if name == "create" and "qrcode" in path:
            ticket = self._next_id("ticket")
            return dict(ok, ticket=ticket, url=f"http://weixin.qq.com/q/{ticket}")
        if name in ("send", "add_msg_template"):
            return self._api_message(path, name, payload)
        if name == "info" and "user" in path:
            follower = self.followers.get(query.get("openid"), {})
            return dict(ok, subscribe=1, openid=query.get("openid"), **follower)
        return {"errcode": 404, "errmsg": f"fake server: unknown API {path}"}

    def _api_message(self, path, name, payload):
        """Message sends of the Official Account and of WeCom."""
        ok = {"errcode": 0, "errmsg": "ok"}
        if name == "send" and "template" in path:
            # message/template/send: {"errcode":0,"errmsg":"ok","msgid":200228332}
            if not payload.get("touser") or not payload.get("template_id"):
                return {"errcode": 40003, "errmsg": "invalid openid"}
            if payload["touser"] in self.unsubscribed:
                return {"errcode": 43004, "errmsg": "require subscribe"}
            return dict(ok, msgid=int(self._next_id("")))
        if name == "send" and "custom" in path:
            # message/custom/send (customer-service message): no msgid
            if not payload.get("touser"):
                return {"errcode": 40003, "errmsg": "invalid openid"}
            return ok
        if name == "add_msg_template":
            # externalcontact/add_msg_template: a task the sender confirms
            # in WeCom; unknown customers come back in fail_list
            fail = [
                e
                for e in payload.get("external_userid") or []
                if e not in self.contacts
            ]
            return dict(ok, fail_list=fail, msgid=self._next_id("msg"))
        return {"errcode": 404, "errmsg": f"fake server: unknown API {path}"}
