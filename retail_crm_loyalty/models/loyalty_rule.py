# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import ValidationError


class LoyaltyRule(models.Model):
    _inherit = "loyalty.rule"

    @api.constrains("reward_point_amount", "minimum_amount", "minimum_qty")
    def _check_retail_points_positive(self):
        """A clear, translated error at save time (Odoo's SQL check on the
        points only fails the flush with a database error in the log)."""
        for rule in self:
            if rule.reward_point_amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Program %(program)s: the points given by a rule must "
                        "be greater than 0 (%(points)s given).",
                        program=rule.program_id.name,
                        points=rule.reward_point_amount,
                    )
                )
            if rule.minimum_amount < 0 or rule.minimum_qty < 0:
                raise ValidationError(
                    self.env._(
                        "Program %(program)s: the minimum amount and quantity "
                        "of a rule cannot be negative.",
                        program=rule.program_id.name,
                    )
                )
