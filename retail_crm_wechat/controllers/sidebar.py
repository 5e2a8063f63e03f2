# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""WeCom associate sidebar (侧边栏): a small mobile page opened in WeCom's
chat sidebar, next to a conversation with a customer.

1. ``/retail_wechat/sidebar/<company>?external_userid=X`` redirects to
   WeCom's OAuth page (snsapi_base: silent inside WeCom).
2. WeCom comes back to ``.../oauth`` with a one-time ``code``; the server
   asks ``auth/getuserinfo`` for the WeCom userid and maps it to the Odoo
   user with that WeCom User ID in the company.
3. The member page runs as that user (record rules apply) with a signed,
   short-lived access token in the URL and forms.

Why a token and not an Odoo login: logging the associate in would put a
full backend session cookie in WeCom's web view, valid for days and for the
whole backend, obtained without a password; the token opens only the
sidebar pages, of one user in one company, for ``TOKEN_TTL`` seconds, and is
signed with the database secret (HMAC-SHA256). As the token travels in the
URL or the form body, never in a cookie, the follow-up form needs no CSRF
token (a forged cross-site request cannot carry it). Pages are sent with
``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``.
"""

import logging
import re
import time
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import consteq
from odoo.tools.misc import hmac

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools import wxclient

_logger = logging.getLogger(__name__)

AUTHORIZE_URL = "https://open.weixin.qq.com"
TOKEN_SCOPE = "retail_crm_wechat.sidebar"
STATE_SCOPE = "retail_crm_wechat.sidebar_state"
# seconds a sidebar token is valid (reopening the sidebar renews it silently)
TOKEN_TTL = 30 * 60
# seconds between the redirection to WeCom's OAuth page and the way back
STATE_TTL = 10 * 60
EXTERNAL_USERID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LAST_ORDERS = 5


def _sign(scope, message, env=None):
    # sudo: the database secret signs the token, whoever asks
    return hmac((env or request.env)(su=True), scope, message)


def make_token(company_id, uid, now=None, env=None):
    """A sidebar access token of user ``uid`` in ``company_id``."""
    expiry = int(now or time.time()) + TOKEN_TTL
    message = f"{company_id}.{uid}.{expiry}"
    return f"{message}.{_sign(TOKEN_SCOPE, message, env)}"


def _state_signature(company_id, external_userid, issued):
    """Signature of the OAuth ``state`` (WeCom allows 128 bytes)."""
    return _sign(STATE_SCOPE, f"{company_id}.{external_userid}.{issued}")[:32]


def check_token(company_id, token):
    """The user id of a valid sidebar token of ``company_id``, else None."""
    parts = (token or "").split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
        return None
    message = ".".join(parts[:3])
    if not consteq(parts[3], _sign(TOKEN_SCOPE, message)):
        return None
    if int(parts[0]) != company_id or int(parts[2]) < time.time():
        return None
    return int(parts[1])


class RetailWecomSidebar(http.Controller):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _render(self, template, values, status=200):
        response = request.render(
            f"retail_crm_wechat.{template}", values, status=status
        )
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _message(self, title, message, status):
        return self._render(
            "sidebar_message", {"title": title, "message": message}, status=status
        )

    def _company(self, company_id):
        # sudo: the page has no user yet; only the WeCom settings are read
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not company or not (
            company.retail_wecom_corp_id and company.retail_wecom_agent_secret
        ):
            return None
        return company

    def _not_configured(self):
        env = request.env
        return self._message(
            env._("Sidebar unavailable"),
            env._("The WeCom application of this company is not configured."),
            404,
        )

    def _external_userid(self, value):
        value = value or ""
        return value if EXTERNAL_USERID.match(value) else None

    def _authorize_url(self, company, redirect_uri, state):
        base = company.retail_wechat_base_url or AUTHORIZE_URL
        query = urlencode(
            {
                "appid": company.retail_wecom_corp_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
                "agentid": company.retail_wecom_agent_id or "",
            }
        )
        url = wxclient.api_url(base, "connect/oauth2/authorize")
        return f"{url}?{query}#wechat_redirect"

    def _user_env(self, company, uid):
        user = (
            request.env["res.users"]
            .sudo()
            .browse(uid)
            .exists()
            .filtered(lambda u: u.active and company in u.company_ids)
        )
        if not user:
            return None
        # the rest of the request runs as the associate: record rules apply,
        # and the pages are rendered in their language
        request.update_env(
            user=user.id,
            su=False,
            context=dict(
                request.env.context,
                lang=user.lang,
                allowed_company_ids=[company.id],
            ),
        )
        return request.env

    def _member_url(self, company_id, token, external_userid, **extra):
        query = urlencode(
            dict(token=token, external_userid=external_userid or "", **extra)
        )
        return f"/retail_wechat/sidebar/{company_id}/member?{query}"

    # ------------------------------------------------------------------
    # OAuth
    # ------------------------------------------------------------------
    @http.route(
        "/retail_wechat/sidebar/<int:company_id>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def sidebar(self, company_id, external_userid=None, **kw):
        """Entry point configured in WeCom: off to WeCom's OAuth page."""
        company = self._company(company_id)
        if not company:
            return self._not_configured()
        external_userid = self._external_userid(external_userid) or ""
        issued = str(int(time.time()))
        state = f"{issued}.{_state_signature(company.id, external_userid, issued)}"
        redirect_uri = (
            request.httprequest.url_root.rstrip("/")
            + f"/retail_wechat/sidebar/{company.id}/oauth?"
            + urlencode({"external_userid": external_userid})
        )
        return request.redirect(
            self._authorize_url(company, redirect_uri, state), local=False
        )

    @http.route(
        "/retail_wechat/sidebar/<int:company_id>/oauth",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def oauth(self, company_id, code=None, state=None, external_userid=None, **kw):
        """Back from WeCom's OAuth page with a one-time code."""
        env = request.env
        company = self._company(company_id)
        if not company:
            return self._not_configured()
        external_userid = self._external_userid(external_userid) or ""
        issued, __, signature = (state or "").partition(".")
        expected = _state_signature(company.id, external_userid, issued)
        if (
            not code
            or not issued.isdigit()
            or not consteq(signature, expected)
            or int(issued) + STATE_TTL < time.time()
        ):
            return self._message(
                env._("Sign-in failed"),
                env._(
                    "The WeCom sign-in link is invalid or expired: reopen the sidebar."
                ),
                400,
            )
        try:
            # sudo: the app access token belongs to the company, not to a user
            info = (
                env["retail.wechat.api"]
                .sudo()
                ._retail_call(
                    company,
                    "wecom_app",
                    "GET",
                    "cgi-bin/auth/getuserinfo",
                    params={"code": code},
                )
            )
        except (
            wxclient.WeChatApiError,
            wxclient.WeChatTransportError,
            RetryableJobError,
        ) as exc:
            # invalid or used code (40029), WeCom busy or unreachable
            _logger.info("WeCom sidebar sign-in refused: %s", exc)
            return self._message(
                env._("Sign-in failed"),
                env._("WeCom did not confirm who you are: reopen the sidebar."),
                403,
            )
        userid = info.get("userid") or info.get("UserId")
        user = env["res.users"]
        if userid:
            # sudo: find the Odoo account of the WeCom user (no user yet)
            user = (
                env["res.users"]
                .sudo()
                .search(
                    [
                        ("retail_wecom_userid", "=", userid),
                        ("company_ids", "in", company.ids),
                    ],
                    limit=1,
                )
            )
        if not user:
            return self._message(
                env._("Unknown WeCom user"),
                env._(
                    "Your WeCom account is not linked to a user of the CRM. Ask "
                    "your manager to set your WeCom User ID on your user."
                ),
                403,
            )
        token = make_token(company.id, user.id)
        return request.redirect(
            self._member_url(company.id, token, external_userid), local=True
        )

    # ------------------------------------------------------------------
    # Member page
    # ------------------------------------------------------------------
    def _context(self, company_id, token, external_userid):
        """(env of the user, company, member, error response)."""
        env = request.env
        company = self._company(company_id)
        if not company:
            return None, None, None, self._not_configured()
        uid = check_token(company.id, token)
        user_env = self._user_env(company, uid) if uid else None
        if not user_env:
            return (
                None,
                None,
                None,
                self._message(
                    env._("Session expired"),
                    env._("Your sidebar session expired: reopen the sidebar."),
                    403,
                ),
            )
        external_userid = self._external_userid(external_userid)
        if not external_userid:
            return (
                user_env,
                company,
                None,
                self._message(
                    user_env._("No customer"),
                    user_env._("Open the sidebar from a chat with a customer."),
                    400,
                ),
            )
        domain = [
            ("company_id", "=", company.id),
            ("is_retail_member", "=", True),
            ("retail_wecom_external_userid", "=", external_userid),
        ]
        member = user_env["res.partner"].search(domain, limit=1)
        if not member:
            # sudo: only to tell "not yours" from "unknown", nothing is shown
            exists = env["res.partner"].sudo().search_count(domain, limit=1)
            if exists:
                return (
                    user_env,
                    company,
                    None,
                    self._message(
                        user_env._("Not your customer"),
                        user_env._(
                            "This customer is a member of another store: you cannot "
                            "see their profile."
                        ),
                        403,
                    ),
                )
            return (
                user_env,
                company,
                None,
                self._message(
                    user_env._("Unknown customer"),
                    user_env._("This WeCom contact is not linked to a member yet."),
                    404,
                ),
            )
        return user_env, company, member, None

    @http.route(
        "/retail_wechat/sidebar/<int:company_id>/member",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def member(self, company_id, token=None, external_userid=None, logged=None, **kw):
        user_env, company, member, error = self._context(
            company_id, token, external_userid
        )
        if error:
            return error
        orders = user_env["sale.order"].search(
            [("partner_id", "=", member.id), ("state", "=", "sale")],
            order="date_order desc, id desc",
            limit=LAST_ORDERS,
        )
        activities = user_env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", member.id)],
            order="date_deadline, id",
        )
        today = fields.Date.context_today(member)
        return self._render(
            "sidebar_member",
            {
                "member": member,
                "company": company,
                "orders": orders,
                "activities": activities,
                "has_points": "retail_points" in member._fields,
                "token": token,
                "external_userid": member.retail_wecom_external_userid,
                "next_date": fields.Date.to_string(today + relativedelta(days=7)),
                "min_date": fields.Date.to_string(today),
                "logged": bool(logged),
                "error": kw.get("error"),
                "format_date": lambda d: fields.Date.to_string(d) if d else "",
            },
        )

    @http.route(
        "/retail_wechat/sidebar/<int:company_id>/followup",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def followup(self, company_id, token=None, external_userid=None, **post):
        """Two clicks: the follow-up is done, the next one on this date."""
        user_env, company, member, error = self._context(
            company_id, token, external_userid
        )
        if error:
            return error
        outcome = (post.get("outcome") or "").strip() or user_env._(
            "Followed up on WeCom."
        )
        values = {"partner_id": member.id, "outcome": outcome[:2000]}
        next_date = post.get("next_date")
        if next_date:
            try:
                values["next_date"] = fields.Date.to_date(next_date)
            except ValueError:
                values["next_date"] = False
        else:
            values.update(next_type_id=False, next_date=False)
        Log = user_env["retail.followup.log"].with_company(company)
        try:
            with user_env.cr.savepoint():
                Log.create(values).action_log()
        except (UserError, AccessError, ValueError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            return request.redirect(
                self._member_url(
                    company.id,
                    token,
                    member.retail_wecom_external_userid,
                    error=message,
                ),
                code=303,
                local=True,
            )
        return request.redirect(
            self._member_url(
                company.id, token, member.retail_wecom_external_userid, logged=1
            ),
            code=303,
            local=True,
        )
