# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.wxcrypt import TIMESTAMP_WINDOW


class RetailWechatNonce(models.Model):
    """Nonces of the signed callbacks seen in the timestamp window: a
    request replayed with the same nonce is refused."""

    _name = "retail.wechat.nonce"
    _description = "WeChat Callback Nonce"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    source = fields.Char(required=True)
    nonce = fields.Char(required=True)
    timestamp = fields.Integer(required=True)

    _sql_constraints = [
        (
            "nonce_uniq",
            "unique(company_id, source, nonce, timestamp)",
            "This nonce was already used.",
        )
    ]

    @api.model
    def _retail_use(self, company, source, nonce, timestamp):
        """Record a nonce; False when it was already used (replay)."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO retail_wechat_nonce (company_id, source, nonce, "
                "timestamp, create_date, write_date, create_uid, write_uid) "
                "VALUES (%s, %s, %s, %s, now() at time zone 'UTC', "
                "now() at time zone 'UTC', %s, %s) "
                "ON CONFLICT (company_id, source, nonce, timestamp) DO NOTHING "
                "RETURNING id",
                company.id,
                source,
                nonce[:64],
                timestamp,
                self.env.uid,
                self.env.uid,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.autovacuum
    def _gc_retail_nonces(self):
        """Nonces older than the timestamp window cannot be replayed anyway."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM retail_wechat_nonce WHERE timestamp < %s",
                int(time.time()) - 2 * TIMESTAMP_WINDOW,
            )
        )
