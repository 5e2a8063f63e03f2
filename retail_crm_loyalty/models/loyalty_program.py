# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.loyalty_rules import (
    EXPIRY_MONTHS,
    EXPIRY_NONE,
    EXPIRY_YEAR_END,
    expiry_date,
)


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    retail_chain_program = fields.Boolean(
        string="Chain Points Program",
        copy=False,
        help="The points program of the retail chain: every member of the "
        "company gets one card of it. One per company.",
    )
    retail_expiry_policy = fields.Selection(
        [
            (EXPIRY_NONE, "Never"),
            (EXPIRY_YEAR_END, "End of the year after earning"),
            (EXPIRY_MONTHS, "N months after earning"),
        ],
        string="Points Expiry",
        default=EXPIRY_NONE,
        required=True,
        help="When earned points expire. Points are used first in, first "
        "out; expired points are written to the card history.",
    )
    retail_expiry_months = fields.Integer(
        string="Expiry (months)",
        default=12,
        help="Months after the day of earning (policy 'N months after earning').",
    )

    _sql_constraints = [
        (
            "retail_expiry_months_positive",
            "CHECK (retail_expiry_policy != 'months' OR retail_expiry_months > 0)",
            "The points expiry must be at least one month after earning.",
        ),
    ]

    @api.constrains("retail_expiry_policy", "retail_expiry_months")
    def _check_retail_expiry(self):
        for program in self:
            if (
                program.retail_expiry_policy == EXPIRY_MONTHS
                and program.retail_expiry_months <= 0
            ):
                raise ValidationError(
                    self.env._(
                        "Program %(name)s: points cannot expire before they are "
                        "earned; the expiry must be at least one month "
                        "(%(months)s given).",
                        name=program.name,
                        months=program.retail_expiry_months,
                    )
                )

    @api.constrains("retail_chain_program", "company_id", "program_type", "active")
    def _check_retail_chain_program(self):
        chains = self.filtered("retail_chain_program")
        for program in chains:
            if program.program_type != "loyalty" or not program.company_id:
                raise ValidationError(
                    self.env._(
                        "The chain points program %(name)s must be a loyalty "
                        "program of one company.",
                        name=program.name,
                    )
                )
        if chains:
            clash = self.search_count(
                [
                    ("retail_chain_program", "=", True),
                    ("company_id", "in", chains.company_id.ids),
                    ("id", "not in", chains.ids),
                ]
            )
            if clash or len(chains.company_id) != len(chains):
                raise ValidationError(
                    self.env._("A company has one chain points program only.")
                )

    @api.model
    def _retail_chain_program(self, company, create=True):
        """The chain points program of ``company`` (created when missing).

        Created with Odoo's default values of a loyalty program: one point
        per currency unit spent and a 5 % discount for 200 points.
        """
        # sudo: the program is company configuration; any user creating a
        # member must find (or get) it, whatever their loyalty rights.
        Program = self.sudo().with_context(active_test=False)
        program = Program.search(
            [("retail_chain_program", "=", True), ("company_id", "=", company.id)],
            limit=1,
        )
        if program or not create:
            return program
        # default_program_type (and no program_type in the values): Odoo's
        # defaults of a loyalty program (rules, rewards, trigger) come from
        # default_get, as in the program form.
        return Program.with_context(default_program_type="loyalty").create(
            {
                "name": self.env._("Member Points"),
                "company_id": company.id,
                "retail_chain_program": True,
                "retail_expiry_policy": EXPIRY_YEAR_END,
            }
        )

    def _retail_expiry_date(self, earned_on):
        """Last day of use of points earned on ``earned_on`` by this program."""
        self.ensure_one()
        return expiry_date(
            self.retail_expiry_policy, earned_on, self.retail_expiry_months
        )

    @api.model
    def action_retail_setup_chain_programs(self):
        """Settings action: a chain program for every company with members,
        and a card for every member without one."""
        self.env["res.partner"]._retail_ensure_loyalty_cards()
        return True
