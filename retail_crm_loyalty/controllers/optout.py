# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import http
from odoo.http import request


class RetailOptout(http.Controller):
    """The opt-out link of marketing messages: the GET shows a button (so
    that mail scanners opening links do not unsubscribe anybody), the POST
    withdraws the marketing consent at once."""

    @http.route(
        "/retail/optout/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def retail_optout(self, partner_id, token, **kwargs):
        Partner = request.env["res.partner"]
        member = Partner._retail_optout_member(partner_id, token)
        env = (
            request.env(context=dict(request.env.context, lang=member.lang))
            if member
            else request.env
        )
        if not member:
            return self._page(env._("This link is not valid."), status=404)
        if request.httprequest.method == "POST":
            Partner._retail_optout(partner_id, token)
            done = env._("You will no longer receive marketing messages.")
            return self._page(done)
        form = Markup(
            '<form method="post"><input type="hidden" name="confirm" value="1"/>'
            '<button type="submit">%s</button></form>'
        ) % env._("Unsubscribe from marketing messages")
        return self._page(
            env._(
                "Stop the marketing messages of %(company)s?",
                company=member.company_id.name,
            ),
            form,
        )

    def _page(self, text, extra="", status=200):
        html = Markup(
            '<!DOCTYPE html><html><head><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width"/></head>'
            "<body><p>%s</p>%s</body></html>"
        ) % (escape(text), extra)
        return request.make_response(
            html, headers=[("Content-Type", "text/html; charset=utf-8")], status=status
        )
