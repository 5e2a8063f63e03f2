# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Official Account H5 registration page (mobile, Chinese).

Opened from the link sent to a follower on subscribe/SCAN: a token signed
with the database secret names the company, the openid and the store of the
QR code. The form is CSRF-protected (Odoo's session token) and the posts are
rate-limited per IP address and per openid.
"""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

FORM_FIELDS = ("name", "mobile", "birthday", "consent", "store_id")


class RetailWechatRegisterController(http.Controller):
    def _page_lang(self, company):
        langs = dict(request.env["res.lang"].sudo().get_installed())
        for lang in ("zh_CN", company.partner_id.lang):
            if lang in langs:
                return lang
        return "en_US"

    def _render(self, template, company, status=200, **values):
        lang = self._page_lang(company)
        request.update_context(lang=lang)
        values.update(company=company, lang=lang.replace("_", "-"))
        return request.render(
            f"retail_crm_wechat.{template}",
            values,
            status=status,
            headers=[("Cache-Control", "no-store")],
        )

    def _message(self, company, message, status):
        return self._render("oa_register_message", company, status, message=message)

    @http.route(
        "/retail_wechat/oa/register/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def oa_register(self, token, **post):
        Register = request.env["retail.wechat.register"]
        found = Register._retail_read_token(token)
        if not found:
            # sudo: the page shows the name of the website's company
            company = request.env.company.sudo()
            return self._message(
                company,
                request.env._(
                    "This registration link is invalid or has expired. Scan the "
                    "store's QR code again to receive a new one."
                ),
                404,
            )
        company, openid, store = found
        member = Register._retail_member_of(company, openid)
        if member:
            return self._render(
                "oa_register_done", company, member=member, created=False
            )
        values = {key: post.get(key) or "" for key in FORM_FIELDS}
        error = None
        if request.httprequest.method == "POST":
            ip = request.httprequest.remote_addr or "-"
            # sudo: the attempts are a technical log, written for the public
            if Register.sudo()._retail_rate_limited(company, ip, openid):
                return self._message(
                    company,
                    request.env._(
                        "Too many registration attempts. Please try again in an hour."
                    ),
                    429,
                )
            try:
                with request.env.cr.savepoint():
                    member, created = Register._retail_register(
                        company, openid, store, values
                    )
            except UserError as exc:
                error = exc.args[0]
            else:
                return self._render(
                    "oa_register_done", company, member=member, created=created
                )
        # sudo: the public visitor chooses their store by name
        stores = (
            request.env["retail.store"]
            .sudo()
            .search([("company_id", "=", company.id)], order="name")
        )
        return self._render(
            "oa_register_form",
            company,
            action=request.httprequest.path,
            csrf_token=request.csrf_token(),
            values=values,
            error=error,
            store=store,
            stores=stores,
        )
