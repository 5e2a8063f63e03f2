# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailReferral(models.Model):
    """One referral (老带新): a member brought a new member with their code.

    Created by ``res.partner._retail_apply_referral_code``; rewarded by
    ``_retail_reward`` when the referee's first order is confirmed/paid.
    The referee's mobile and WeChat unionid are kept, so that the same
    person never counts twice, even after a new registration.
    """

    _name = "retail.referral"
    _description = "Member Referral"
    _order = "create_date desc, id desc"

    referrer_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade", readonly=True
    )
    referee_id = fields.Many2one(
        "res.partner",
        string="New Member",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    retail_store_id = fields.Many2one(
        related="referee_id.retail_store_id", store=True, string="Store"
    )
    code = fields.Char(readonly=True)
    mobile = fields.Char(readonly=True, index=True)
    unionid = fields.Char(string="WeChat UnionID", readonly=True, index=True)
    state = fields.Selection(
        [
            ("pending", "Waiting for First Order"),
            ("rewarded", "Rewarded"),
            ("capped", "Monthly Cap Reached"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    reward_date = fields.Datetime(readonly=True)
    reward_note = fields.Char(string="Reward", readonly=True)

    _sql_constraints = [
        (
            "referee_unique",
            "UNIQUE (referee_id)",
            "A member can be referred only once.",
        ),
        (
            "no_self_referral",
            "CHECK (referrer_id != referee_id)",
            "A member cannot refer themselves.",
        ),
    ]

    def _retail_reward(self):
        """Reward the pending referrals of ``self`` (first order paid).

        Both members get the reward configured on the company (points on
        their chain card, or a coupon of the configured program), unless the
        referrer already got ``retail_referral_monthly_cap`` rewards in the
        current month (retail time zone): the referral is then marked
        'capped' and nothing is given.
        """
        Partner = self.env["res.partner"]
        for referral in self.filtered(lambda r: r.state == "pending"):
            company = referral.company_id
            today = Partner._retail_today(company)
            month_start = Partner._retail_local_midnight_utc(
                company, today.replace(day=1)
            )
            cap = company.retail_referral_monthly_cap
            rewarded = self.search_count(
                [
                    ("referrer_id", "=", referral.referrer_id.id),
                    ("state", "=", "rewarded"),
                    ("reward_date", ">=", month_start),
                ]
            )
            if cap and rewarded >= cap:
                referral.write({"state": "capped"})
                continue
            notes = []
            for partner, points in (
                (referral.referrer_id, company.retail_referral_referrer_points),
                (referral.referee_id, company.retail_referral_referee_points),
            ):
                notes.append(referral._retail_give_reward(partner, points))
            referral.write(
                {
                    "state": "rewarded",
                    "reward_date": fields.Datetime.now(),
                    "reward_note": " / ".join(n for n in notes if n),
                }
            )

    def _retail_give_reward(self, partner, points):
        self.ensure_one()
        company = self.company_id
        if company.retail_referral_reward_type == "coupon":
            program = company.retail_referral_coupon_program_id
            if not program:
                return ""
            coupon = (
                self.env["loyalty.card"]
                .sudo()
                .create(
                    {
                        "program_id": program.id,
                        "partner_id": partner.id,
                        "points": program.reward_ids[:1].required_points or 1,
                    }
                )
            )
            return coupon.code
        if points <= 0:
            return ""
        partner._retail_ensure_loyalty_cards()
        card = partner.retail_loyalty_card_id
        if not card:
            return ""
        card._retail_give_points(
            points,
            self.env._(
                "Referral reward: %(referrer)s brought %(referee)s",
                referrer=self.referrer_id.name,
                referee=self.referee_id.name,
            ),
            "referral",
            self,
        )
        return f"{partner.name}: +{points:g}"
