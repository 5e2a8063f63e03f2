# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..tools.phone import PhoneError, normalize_mobile


class ResCompany(models.Model):
    _inherit = "res.company"

    retail_phone_region = fields.Char(
        string="Default Phone Region",
        default="CN",
        size=2,
        help="ISO country code used to read mobile numbers typed without "
        "a country prefix.",
    )
    retail_stats_window_months = fields.Integer(
        string="Statistics Window (months)",
        default=12,
        help="Rolling window of the members' window spend and order count.",
    )
    retail_timezone = fields.Selection(
        _tz_get,
        string="Retail Time Zone",
        default="Asia/Shanghai",
        help="Time zone in which purchase dates and windows are counted.",
    )

    @api.constrains("retail_phone_region")
    def _check_retail_phone_region(self):
        regions = phonenumbers.SUPPORTED_REGIONS
        for company in self:
            region = company.retail_phone_region
            if region and region.upper() not in regions:
                raise ValidationError(
                    self.env._(
                        "%(region)s is not a country code known to the phone "
                        "number library (e.g. CN, HK, TW, SG, US).",
                        region=region,
                    )
                )

    def _retail_normalize_mobile(self, raw):
        """Normalize ``raw`` with this company's region; raise UserError."""
        self.ensure_one()
        try:
            return normalize_mobile(raw, self.retail_phone_region or "CN")
        except PhoneError as err:
            raise self.env["res.partner"]._retail_phone_user_error(err) from err
