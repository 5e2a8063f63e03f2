# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timezone

from odoo import Command, api, fields, models

from odoo.addons.retail_crm.tools.phone import try_normalize_mobile

from ..tools import wxclient

MAX_LINES = 200


class MiniProgramPayloadError(ValueError):
    """A payload that does not follow the documented schema."""


class RetailWechatMiniprogram(models.AbstractModel):
    """Orders and member binding sent by the brand's mini-program.

    Called by the signed webhook controller (as superuser: the request is
    authenticated by its HMAC signature). Payload schema: readme/USAGE.md.
    """

    _name = "retail.wechat.miniprogram"
    _description = "WeChat Mini-program Webhook"

    @api.model
    def _retail_mp_error(self, message):
        return MiniProgramPayloadError(message)

    @api.model
    def _retail_mp_member(self, company, payload, store=None, create=True):
        """The member of a payload (by unionid, then mobile), updated; a new
        one when none and ``create``."""
        Partner = self.env["res.partner"]
        base = [("company_id", "=", company.id), ("is_retail_member", "=", True)]
        unionid = payload.get("unionid") or False
        openid = payload.get("openid") or False
        mobile = payload.get("mobile") or False
        normalized = False
        if mobile:
            normalized = try_normalize_mobile(
                str(mobile), company.retail_phone_region or "CN"
            )
            if not normalized:
                raise self._retail_mp_error(
                    self.env._(
                        "%(mobile)s is not a valid mobile number.", mobile=mobile
                    )
                )
        member = Partner
        if unionid:
            member = Partner.search(
                [*base, ("retail_wechat_unionid", "=", unionid)], limit=1
            )
        if not member and normalized:
            member = Partner.search(
                [*base, ("retail_mobile", "=", normalized)], limit=1
            )
        vals = {}
        if unionid:
            vals["retail_wechat_unionid"] = unionid
        if openid:
            vals["retail_mp_openid"] = openid
        if member:
            if (
                member.retail_wechat_unionid
                and unionid
                and (member.retail_wechat_unionid != unionid)
            ):
                raise self._retail_mp_error(
                    self.env._("This mobile belongs to another WeChat user.")
                )
            if normalized and not member.mobile:
                vals["mobile"] = normalized
            updates = {k: v for k, v in vals.items() if member[k] != v}
            if updates:
                member.write(updates)
            return member
        if not create:
            return member
        if not normalized:
            raise self._retail_mp_error(
                self.env._("A new member needs a mobile number.")
            )
        if not store:
            raise self._retail_mp_error(
                self.env._("A new member needs the code of a store.")
            )
        return Partner.with_context(retail_channel="miniprogram").create(
            dict(
                vals,
                name=(payload.get("name") or normalized)[:128],
                mobile=normalized,
                is_retail_member=True,
                company_id=company.id,
                retail_store_id=store.id,
                user_id=False,
                retail_channel="miniprogram",
            )
        )

    @api.model
    def _retail_mp_store(self, company, code):
        if not code:
            return self.env["retail.store"]
        store = self.env["retail.store"].search(
            [("company_id", "=", company.id), ("code", "=", str(code))], limit=1
        )
        if not store:
            raise self._retail_mp_error(
                self.env._("Unknown store code %(code)s.", code=code)
            )
        return store

    @api.model
    def _retail_mp_parse_lines(self, company, lines):
        if not isinstance(lines, list) or not lines or len(lines) > MAX_LINES:
            raise self._retail_mp_error(
                self.env._("An order needs between 1 and %(max)s lines.", max=MAX_LINES)
            )
        Product = self.env["product.product"]
        generic = self.env.ref("retail_crm_wechat.product_mp_generic")
        skus = [str(line.get("sku")) for line in lines if isinstance(line, dict)]
        products = {
            p.default_code: p
            for p in Product.search(
                [
                    ("default_code", "in", skus),
                    ("sale_ok", "=", True),
                    ("company_id", "in", (company.id, False)),
                ]
            )
        }
        commands = []
        for line in lines:
            try:
                qty = float(line["qty"])
                price = float(line["price_unit"])
            except (KeyError, TypeError, ValueError) as exc:
                raise self._retail_mp_error(
                    self.env._("Each line needs a numeric qty and price_unit.")
                ) from exc
            if qty <= 0 or price < 0:
                raise self._retail_mp_error(
                    self.env._("Quantities must be positive and prices not negative.")
                )
            product = products.get(str(line.get("sku")), generic)
            commands.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": str(line.get("name") or product.display_name)[:256],
                        "product_uom_qty": qty,
                        "price_unit": price,
                        "tax_id": [Command.clear()],
                    }
                )
            )
        return commands

    @api.model
    def _retail_mp_order(self, company, payload):
        """Record an order of the mini-program once; returns (order, created)."""
        if not isinstance(payload, dict):
            raise self._retail_mp_error(self.env._("The payload must be an object."))
        order_no = str(payload.get("order_no") or "").strip()
        if not order_no or len(order_no) > 64:
            raise self._retail_mp_error(
                self.env._("order_no is required (at most 64 characters).")
            )
        SaleOrder = self.env["sale.order"]
        existing = SaleOrder.search(
            [
                ("company_id", "=", company.id),
                ("retail_wechat_order_no", "=", order_no),
            ],
            limit=1,
        )
        if existing:
            return existing, False
        if not (payload.get("unionid") or payload.get("mobile")):
            raise self._retail_mp_error(
                self.env._("An order needs the unionid or the mobile of the buyer.")
            )
        store = self._retail_mp_store(company, payload.get("store_code"))
        date_order = fields.Datetime.now()
        if payload.get("date_order"):
            try:
                parsed = datetime.fromisoformat(str(payload["date_order"]))
            except ValueError as exc:
                raise self._retail_mp_error(
                    self.env._("date_order must be an ISO 8601 date and time.")
                ) from exc
            if parsed.tzinfo:
                parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
            date_order = parsed
        lines = self._retail_mp_parse_lines(company, payload.get("lines"))
        member = self._retail_mp_member(company, payload, store=store)
        order = SaleOrder.with_company(company).create(
            {
                "partner_id": member.id,
                "company_id": company.id,
                "retail_wechat_order_no": order_no,
                "client_order_ref": order_no,
                "date_order": date_order,
                "order_line": lines,
            }
        )
        order.action_confirm()
        # action_confirm sets the confirmation date to now
        order.date_order = date_order
        return order, True

    @api.model
    def _retail_mp_bind(self, company, payload):
        """Bind a mini-program user (login code) to their member by mobile."""
        code = str(payload.get("code") or "")
        if not code or not payload.get("mobile"):
            raise self._retail_mp_error(self.env._("code and mobile are required."))
        # sudo: secrets are readable by administrators only
        sudo_company = company.sudo()
        if not (sudo_company.retail_mp_app_id and sudo_company.retail_mp_secret):
            raise self._retail_mp_error(
                self.env._("The mini-program is not configured.")
            )
        session = wxclient.request_json(
            "GET",
            wxclient.api_url(
                company._retail_wechat_base_url("mp"), "sns/jscode2session"
            ),
            params={
                "appid": sudo_company.retail_mp_app_id,
                "secret": sudo_company.retail_mp_secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
        )
        # never keep nor return the session_key
        values = {
            "unionid": session.get("unionid"),
            "openid": session.get("openid"),
            "mobile": payload.get("mobile"),
            "name": payload.get("name"),
        }
        store = self._retail_mp_store(company, payload.get("store_code"))
        return self._retail_mp_member(company, values, store=store, create=bool(store))
