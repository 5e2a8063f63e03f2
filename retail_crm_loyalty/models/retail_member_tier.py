# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RetailMemberTier(models.Model):
    _inherit = "retail.member.tier"

    points_multiplier = fields.Float(
        default=1.0,
        digits=(16, 2),
        help="Points earned by the members of this tier = the points of the "
        "chain program × this multiplier (1.5: half as much again).",
    )

    _sql_constraints = [
        (
            "points_multiplier_positive",
            "CHECK (points_multiplier > 0)",
            "The points multiplier of a tier must be greater than 0.",
        ),
    ]

    @api.constrains("points_multiplier")
    def _check_points_multiplier(self):
        for tier in self:
            if tier.points_multiplier <= 0:
                raise ValidationError(
                    self.env._(
                        "The points multiplier of tier %(tier)s must be greater "
                        "than 0 (%(value)s given); 1.0 earns the program's points.",
                        tier=tier.name,
                        value=tier.points_multiplier,
                    )
                )
