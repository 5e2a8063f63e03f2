# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools import wxclient

_logger = logging.getLogger(__name__)


class RetailWechatApi(models.AbstractModel):
    """Client of the WeCom / Official Account APIs (called from jobs)."""

    _name = "retail.wechat.api"
    _description = "WeChat API Client"

    @api.model
    def _retail_call(
        self, company, app, method, path, params=None, payload=None, idempotent=True
    ):
        """JSON answer of an API call with the access token of ``app``.

        - invalid/expired token (40001, 40014, 42001): the token is refreshed
          once (one worker at a time) and the call retried once;
        - rate limits (45009, 45033): RetryableJobError, the job backs off
          (the request was refused, so this holds for sends too);
        - busy (-1) and network errors: RetryableJobError for idempotent
          calls; for sends (``idempotent=False``), the error is raised as is
          when the request may have been delivered: never re-sent blindly.
        """
        Token = self.env["retail.wechat.token"]
        url = wxclient.api_url(company._retail_wechat_base_url(app), path)
        try:
            token = Token._retail_token(company, app)
            for attempt in (1, 2):
                try:
                    return wxclient.request_json(
                        method,
                        url,
                        params=dict(params or {}, access_token=token),
                        payload=payload,
                    )
                except wxclient.WeChatApiError as exc:
                    if exc.errcode in wxclient.TOKEN_ERRORS and attempt == 1:
                        token = Token._retail_token(company, app, stale=token)
                        continue
                    raise
        except wxclient.WeChatApiError as exc:
            if exc.errcode in wxclient.RATE_LIMIT_ERRORS or (
                idempotent and exc.errcode in wxclient.BUSY_ERRORS
            ):
                raise RetryableJobError(
                    f"WeChat API {path} busy ({exc.errcode}), backing off"
                ) from exc
            raise
        except wxclient.WeChatTransportError as exc:
            if idempotent or not exc.maybe_sent:
                raise RetryableJobError(
                    f"WeChat API {path} unreachable ({exc}), backing off"
                ) from exc
            raise
