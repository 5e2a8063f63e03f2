# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Official Account H5 registration: signed links, rate limit, registration.

The link sent to a follower carries a token signed with the database secret
(HMAC-SHA256): company, openid, store of the QR code scanned, issue time.
It cannot be guessed or altered and expires after TOKEN_DAYS days.
"""

import base64
import binascii
import hmac as hmac_lib
import json
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import hmac

TOKEN_SCOPE = "retail_crm_wechat.oa_register"
TOKEN_DAYS = 7
# Registration attempts (form posts) per hour.
RATE_LIMIT_IP = 20
RATE_LIMIT_OPENID = 5
RATE_WINDOW = timedelta(hours=1)


def _b64(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class RetailWechatRegister(models.Model):
    """An attempt to register through the H5 page (rate limit)."""

    _name = "retail.wechat.register"
    _description = "Official Account Registration Attempt"
    _order = "id desc"

    ip = fields.Char(readonly=True, index=True)
    openid = fields.Char(readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")

    # ------------------------------------------------------------------
    # Signed link
    # ------------------------------------------------------------------
    @api.model
    def _retail_token(self, company, openid, store, issued=None):
        payload = _b64(
            json.dumps(
                {
                    "c": company.id,
                    "o": openid,
                    "s": store.id or 0,
                    "t": int(issued if issued is not None else time.time()),
                },
                separators=(",", ":"),
            ).encode()
        )
        # sudo: the database secret signs the link
        signature = hmac(self.env(su=True), TOKEN_SCOPE, payload)
        return f"{payload}.{signature}"

    @api.model
    def _retail_register_url(self, company, openid, store):
        token = self._retail_token(company, openid, store)
        return f"{company.get_base_url()}/retail_wechat/oa/register/{token}"

    @api.model
    def _retail_read_token(self, token):
        """(company, openid, store) of a valid token, else None."""
        payload, _sep, signature = (token or "").partition(".")
        if not payload or not signature:
            return None
        expected = hmac(self.env(su=True), TOKEN_SCOPE, payload)
        if not hmac_lib.compare_digest(expected, signature):
            return None
        try:
            data = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        if time.time() - data.get("t", 0) > TOKEN_DAYS * 86400:
            return None
        # sudo: the visitor is public; the signed token names the company
        company = self.env["res.company"].sudo().browse(data.get("c")).exists()
        if not company or not data.get("o"):
            return None
        store = (
            self.env["retail.store"]
            .sudo()
            .search([("id", "=", data.get("s") or 0), ("company_id", "=", company.id)])
        )
        return company, data["o"], store

    # ------------------------------------------------------------------
    # Rate limit
    # ------------------------------------------------------------------
    @api.model
    def _retail_rate_limited(self, company, ip, openid):
        """Record an attempt; True when the IP or the openid made too many
        attempts in the last hour (the attempt is then not processed)."""
        now = fields.Datetime.now()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM retail_wechat_register WHERE create_date < %s",
                now - timedelta(days=1),
            )
        )
        cr.execute(
            SQL(
                "SELECT count(*) FILTER (WHERE ip = %(ip)s),"
                " count(*) FILTER (WHERE openid = %(openid)s)"
                " FROM retail_wechat_register WHERE create_date > %(since)s"
                " AND (ip = %(ip)s OR openid = %(openid)s)",
                ip=ip,
                openid=openid,
                since=now - RATE_WINDOW,
            )
        )
        by_ip, by_openid = cr.fetchone()
        cr.execute(
            SQL(
                "INSERT INTO retail_wechat_register"
                " (ip, openid, company_id, create_date, write_date)"
                " VALUES (%s, %s, %s, %s, %s)",
                ip,
                openid,
                company.id,
                now,
                now,
            )
        )
        return by_ip >= RATE_LIMIT_IP or by_openid >= RATE_LIMIT_OPENID

    # ------------------------------------------------------------------
    # Registration
    # ------------------------------------------------------------------
    @api.model
    def _retail_member_of(self, company, openid):
        """The member already linked to the follower ``openid``, if any."""
        # sudo: the visitor is public, identified by the signed link
        return (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("is_retail_member", "=", True),
                    ("retail_oa_openid", "=", openid),
                ],
                limit=1,
            )
        )

    @api.model
    def _retail_register(self, company, openid, store, vals):
        """Register the follower ``openid``; returns (member, created).

        A member of the company with that mobile is linked (no second
        member; their data and consent are not changed); bad input raises
        a translated UserError, nothing written.
        See :meth:`_retail_member_of` for a follower already registered.
        """
        # sudo (whole method): the visitor is public; the signed link
        # authorizes this registration, with the fields below only.
        Partner = self.env["res.partner"].sudo().with_company(company)
        name = (vals.get("name") or "").strip()
        if not name:
            raise UserError(self.env._("Enter your name."))
        if not (vals.get("mobile") or "").strip():
            raise UserError(self.env._("Enter your mobile number."))
        mobile = company._retail_normalize_mobile(vals["mobile"])
        birthday = vals.get("birthday") or False
        if birthday:
            try:
                birthday = fields.Date.to_date(birthday)
            except ValueError as err:
                raise UserError(
                    self.env._("%(value)s is not a valid birthday.", value=birthday)
                ) from err
            if birthday > fields.Date.context_today(self):
                raise UserError(self.env._("The birthday cannot be in the future."))
        if not store:
            store = store.browse(int(vals.get("store_id") or 0)).exists()
            if store.company_id != company:
                raise UserError(self.env._("Choose your store."))
        consent = bool(vals.get("consent"))
        base = [("company_id", "=", company.id), ("is_retail_member", "=", True)]
        linked = {"retail_oa_openid": openid, "retail_oa_status": "subscribed"}
        member = Partner.search([*base, ("retail_mobile", "=", mobile)], limit=1)
        ctx = {
            "retail_channel": "official_account",
            "retail_consent_channel": "official_account",
        }
        if member:
            # the mobile is not verified (no SMS code): link the follower
            # only, never move another follower's link nor change the
            # member's data or consent
            if member.retail_oa_openid and member.retail_oa_openid != openid:
                raise UserError(
                    self.env._(
                        "This mobile number is already linked to another WeChat "
                        "account. Please ask the staff of your store."
                    )
                )
            member.with_context(**ctx).write(linked)
            return member, False
        member = Partner.with_context(**ctx).create(
            dict(
                linked,
                name=name,
                mobile=mobile,
                is_retail_member=True,
                company_id=company.id,
                retail_store_id=store.id,
                retail_birthday=birthday,
                retail_marketing_consent=consent,
                retail_channel="official_account",
            )
        )
        return member, True
