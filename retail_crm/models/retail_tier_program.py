# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import tiers as tier_rules

_logger = logging.getLogger(__name__)


class RetailTierProgram(models.Model):
    _name = "retail.tier.program"
    _description = "Member Tier Program"
    _inherit = ["mail.thread"]
    _order = "company_id, id"

    name = fields.Char(required=True, translate=True, default="Member Tiers")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    active = fields.Boolean(default=True)
    tier_ids = fields.One2many("retail.member.tier", "program_id", string="Tiers")
    window_months = fields.Integer(
        related="company_id.retail_stats_window_months",
        readonly=False,
        string="Window (months)",
        help="Thresholds are compared with the members' spend and order count "
        "inside this rolling window (the company's statistics window).",
    )
    review_period = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")],
        required=True,
        default="quarterly",
        tracking=True,
        help="Downgrades happen only at the periodic review.",
    )
    grace_days = fields.Integer(
        string="Grace Period (days)",
        default=30,
        tracking=True,
        help="A member is downgraded at a review only when the current tier "
        "was reached more than this many days ago.",
    )
    max_steps = fields.Integer(
        string="Max Steps Down per Review",
        default=1,
        tracking=True,
        help="How many tiers a member may lose in one review (0: no limit).",
    )
    next_review_date = fields.Date(
        default=fields.Date.context_today,
        tracking=True,
        help="The nightly job runs the review on or after this date.",
    )
    last_review_date = fields.Date(readonly=True, copy=False)
    tier_count = fields.Integer(compute="_compute_tier_count")

    @api.constrains("company_id")
    def _check_company_unique(self):
        for program in self:
            others = self.with_context(active_test=False).search_count(
                [("company_id", "=", program.company_id.id), ("id", "!=", program.id)]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a tier program.",
                        company=program.company_id.name,
                    )
                )

    @api.depends("tier_ids")
    def _compute_tier_count(self):
        for program in self:
            program.tier_count = len(program.tier_ids)

    @api.constrains("grace_days", "max_steps")
    def _check_review_settings(self):
        for program in self:
            if program.grace_days < 0 or program.max_steps < 0:
                raise ValidationError(
                    self.env._(
                        "The grace period and the maximum steps per review of "
                        "%(program)s cannot be negative.",
                        program=program.display_name,
                    )
                )

    def _check_tier_thresholds(self):
        """Thresholds must grow with the tier order (checked at save time)."""
        for program in self:
            tiers = program._retail_sorted_tiers()
            bad = tier_rules.check_thresholds(
                [
                    tier_rules.Tier(t, tier_rules.to_decimal(t.min_spent), t.min_orders)
                    for t in tiers
                ]
            )
            if not bad:
                continue
            lower, higher = bad
            if higher is None:
                raise ValidationError(
                    self.env._(
                        "The thresholds of tier %(tier)s cannot be negative.",
                        tier=lower.key.name,
                    )
                )
            raise ValidationError(
                self.env._(
                    "Tier %(higher)s ranks above %(lower)s: its thresholds "
                    "(spend %(higher_spent)s, orders %(higher_orders)s) must be "
                    "greater than or equal to those of %(lower)s (spend "
                    "%(lower_spent)s, orders %(lower_orders)s), and at least one "
                    "of them strictly greater.",
                    higher=higher.key.name,
                    lower=lower.key.name,
                    higher_spent=higher.min_spent,
                    higher_orders=higher.min_orders,
                    lower_spent=lower.min_spent,
                    lower_orders=lower.min_orders,
                )
            )

    def _retail_sorted_tiers(self):
        """Active tiers of the program, lowest first."""
        self.ensure_one()
        return self.tier_ids.filtered("active").sorted(lambda t: (t.sequence, t.id))

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------
    def action_run_review(self):
        """Button: run the review now (all members of the company)."""
        # only HQ may write programs: only HQ runs a review by hand
        self.check_access("write")
        for program in self:
            # sudo: the review updates members of every store of the company
            program.sudo()._retail_run_review()
        return True

    def _retail_run_review(self, batch_size=50000, cursor=0, on_batch=None, workers=1):
        """Review the members of the program's company, batch per batch.

        Upgrades members below their eligible tier, downgrades (grace period,
        at most ``max_steps`` tiers) and ends expired overrides. Idempotent: a
        second run the same day changes nothing. A failing batch is logged
        and skipped; the next run retries it. Returns the number of members
        whose tier line changed. ``workers``: see
        :meth:`res.partner._retail_run_member_batches`.
        """
        self.ensure_one()
        Partner = self.env["res.partner"]
        changed = Partner._retail_run_member_batches(
            self.company_id,
            lambda env, ids: env["res.partner"]._retail_tier_review_batch(
                self.with_env(env), ids
            ),
            "Tier review",
            cursor=cursor,
            batch_size=batch_size,
            on_batch=on_batch,
            workers=workers,
        )
        today = Partner._retail_today(self.company_id)
        vals = {"last_review_date": today}
        if not self.next_review_date or self.next_review_date <= today:
            vals["next_review_date"] = tier_rules.next_review_date(
                today, self.review_period
            )
        self.write(vals)
        return changed

    @api.model
    def _retail_demo_review(self):
        """Demo data: statistics and stages of the demo members, then the review."""
        Partner = self.env["res.partner"]
        Partner._retail_refresh_all_purchase_stats()
        for program in self.search([]):
            program._retail_run_review()
        Partner._retail_refresh_all_stages()
