# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import wxclient

_logger = logging.getLogger(__name__)

# Refresh a token this many seconds before Tencent says it expires.
REFRESH_MARGIN = 300


@contextmanager
def own_transaction(env):
    """A cursor of its own, committed at once, so that other workers see
    the change and row locks are held briefly. In tests, which never
    commit (HttpCase requests too: the registry is in test mode), a
    savepoint of the test transaction."""
    if (
        getattr(threading.current_thread(), "testing", False)
        or env.registry.in_test_mode()
    ):
        with env.cr.savepoint(flush=False):
            yield env.cr
    else:
        with env.registry.cursor() as cr:
            # READ COMMITTED: after waiting for a row lock, see the row
            # written by the worker that held it.
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            yield cr


class RetailWechatToken(models.Model):
    """Access tokens of the WeChat APIs, shared by every worker and server.

    One row per (application, credentials). A token is refreshed by one
    worker at a time, under a row lock, in a transaction of its own that is
    committed at once (Official Account: a new token invalidates the old one,
    so workers must never refresh concurrently).
    """

    _name = "retail.wechat.token"
    _description = "WeChat Access Token"

    key = fields.Char(required=True, readonly=True, index=True)
    app = fields.Char(required=True, readonly=True)
    token = fields.Char(readonly=True)
    expires_at = fields.Datetime(readonly=True)
    refresh_count = fields.Integer(readonly=True)

    _sql_constraints = [("key_uniq", "unique(key)", "One row per application.")]

    @api.model
    def _retail_credentials(self, company, app):
        """(url path, params) of the token request of ``app``."""
        # sudo: secrets are readable by administrators only; the token is
        # fetched for every user's jobs and never shown to them.
        company = company.sudo()
        if app == "wecom_contact":
            return "cgi-bin/gettoken", {
                "corpid": company.retail_wecom_corp_id,
                "corpsecret": company.retail_wecom_contact_secret,
            }
        if app == "wecom_app":
            return "cgi-bin/gettoken", {
                "corpid": company.retail_wecom_corp_id,
                "corpsecret": company.retail_wecom_agent_secret,
            }
        if app == "oa":
            return "cgi-bin/token", {
                "grant_type": "client_credential",
                "appid": company.retail_oa_app_id,
                "secret": company.retail_oa_secret,
            }
        raise ValueError(app)

    @api.model
    def _retail_token(self, company, app, stale=None):
        """A valid access token of ``app`` for ``company``.

        ``stale``: a token the API just refused; it is replaced unless another
        worker already did.
        """
        path, params = self._retail_credentials(company, app)
        if not all(params.values()):
            raise wxclient.WeChatApiError(
                40001, "the credentials are not configured in the settings"
            )
        key = hashlib.sha256("\x00".join([app, *params.values()]).encode()).hexdigest()
        with own_transaction(self.env) as cr:
            url = wxclient.api_url(company._retail_wechat_base_url(app), path)
            token = self._retail_token_locked(cr, key, app, url, params, stale)
        return token

    def _retail_token_locked(self, cr, key, app, url, params, stale):
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                "SELECT token FROM retail_wechat_token WHERE key = %s "
                "AND expires_at > %s",
                key,
                now + timedelta(seconds=REFRESH_MARGIN),
            )
        )
        row = cr.fetchone()
        if row and row[0] and row[0] != stale:
            return row[0]
        cr.execute(
            SQL(
                "INSERT INTO retail_wechat_token (key, app, refresh_count, "
                "create_date, write_date) "
                "VALUES (%s, %s, 0, %s, %s) ON CONFLICT (key) DO NOTHING",
                key,
                app,
                now,
                now,
            )
        )
        cr.execute(
            SQL(
                "SELECT token, expires_at FROM retail_wechat_token "
                "WHERE key = %s FOR UPDATE",
                key,
            )
        )
        token, expires_at = cr.fetchone()
        now = fields.Datetime.now()
        if (
            token
            and token != stale
            and expires_at
            and expires_at > now + timedelta(seconds=REFRESH_MARGIN)
        ):
            # refreshed by another worker while this one waited for the lock
            return token
        data = wxclient.request_json("GET", url, params=params)
        token = data.get("access_token")
        if not token:
            raise wxclient.WeChatTransportError("no access token", maybe_sent=True)
        expires_in = int(data.get("expires_in") or 7200)
        cr.execute(
            SQL(
                "UPDATE retail_wechat_token SET token = %s, expires_at = %s, "
                "refresh_count = refresh_count + 1, write_date = %s "
                "WHERE key = %s",
                token,
                now + timedelta(seconds=expires_in),
                now,
                key,
            )
        )
        _logger.info("WeChat access token of %s refreshed", app)
        self.invalidate_model()
        return token
