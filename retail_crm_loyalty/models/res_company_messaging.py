# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    retail_marketing_cap = fields.Integer(
        string="Marketing Messages per 30 Days",
        default=4,
        help="Most marketing messages a member receives in any rolling 30 days, "
        "all automations, campaigns and channels together. Service messages "
        "are not counted.",
    )
    retail_quiet_start = fields.Float(
        string="Quiet Hours From",
        default=21.0,
        help="Local time (retail time zone) from which no marketing message is "
        "sent; messages due then are held until the quiet hours end.",
    )
    retail_quiet_end = fields.Float(string="Quiet Hours Until", default=9.0)

    @api.constrains("retail_marketing_cap", "retail_quiet_start", "retail_quiet_end")
    def _check_retail_messaging(self):
        for company in self:
            if company.retail_marketing_cap < 1:
                raise ValidationError(
                    self.env._(
                        "The marketing cap must allow at least one message per "
                        "30 days (withdraw the consent of a member instead)."
                    )
                )
            for hour in (company.retail_quiet_start, company.retail_quiet_end):
                if not 0 <= hour < 24:
                    raise ValidationError(
                        self.env._(
                            "Quiet hours are local times between 00:00 and 23:59."
                        )
                    )
