# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_loyalty_card_id = fields.Many2one(
        "loyalty.card",
        string="Points Card",
        compute="_compute_retail_loyalty_card",
        help="The member's card of the chain points program.",
    )
    retail_points = fields.Float(
        string="Points", compute="_compute_retail_loyalty_card"
    )

    retail_loyalty_history_ids = fields.Many2many(
        "loyalty.history",
        string="Points History",
        compute="_compute_retail_loyalty_card",
    )

    def _compute_retail_loyalty_card(self):
        cards = (
            self.env["loyalty.card"]
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("program_id.retail_chain_program", "=", True),
                ]
            )
            .grouped("partner_id")
        )
        for partner in self:
            card = cards.get(partner, self.env["loyalty.card"])[:1]
            partner.retail_loyalty_card_id = card
            partner.retail_points = card.points
            partner.retail_loyalty_history_ids = card.history_ids

    def _retail_on_members_created(self):
        res = super()._retail_on_members_created()
        if self:
            self._retail_ensure_loyalty_cards()
        return res

    @api.model
    def _retail_ensure_loyalty_cards(self):
        """Give one card of the chain program to each member without one.

        ``self``: the members to cover (all members when empty). Set-based:
        one INSERT per company (the chain program is created when missing);
        cards are created without mail or chatter. Returns the number of
        cards created.
        """
        self.env.flush_all()
        cr = self.env.cr
        members = SQL("TRUE")
        if self:
            members = SQL("p.id = ANY(%s)", self.ids)
        cr.execute(
            SQL(
                "SELECT DISTINCT company_id FROM res_partner p"
                " WHERE is_retail_member AND company_id IS NOT NULL AND %s",
                members,
            )
        )
        created = 0
        Program = self.env["loyalty.program"]
        for (company_id,) in cr.fetchall():
            company = self.env["res.company"].browse(company_id)
            program = Program._retail_chain_program(company)
            cr.execute(
                SQL(
                    """
                    INSERT INTO loyalty_card
                        (program_id, company_id, partner_id, points, code, active,
                         create_uid, create_date, write_uid, write_date)
                    SELECT %(program)s, %(company)s, p.id, 0,
                           '044' || substr(md5(gen_random_uuid()::text), 1, 16),
                           TRUE, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                           now() AT TIME ZONE 'UTC'
                      FROM res_partner p
                     WHERE p.is_retail_member AND p.company_id = %(company)s
                       AND %(members)s
                       AND NOT EXISTS (
                           SELECT 1 FROM loyalty_card c
                            WHERE c.partner_id = p.id AND c.program_id = %(program)s)
                    """,
                    program=program.id,
                    company=company_id,
                    uid=self.env.uid,
                    members=members,
                )
            )
            created += cr.rowcount
        if created:
            self.env["loyalty.card"].invalidate_model()
            self.invalidate_model(["retail_loyalty_card_id", "retail_points"])
        return created

    def _retail_points_multiplier(self):
        """Points multiplier of the member's tier (1.0 without a tier)."""
        self.ensure_one()
        # sudo: the multiplier applies whoever confirms the order.
        tier = self.sudo().commercial_partner_id.retail_tier_id
        return tier.points_multiplier if tier else 1.0

    @api.model
    def _retail_points_expiring(self, days, company, member_ids=None):
        """Members of ``company`` whose points expire within ``days`` days.

        Set-based (one grouped query on the open lots). Used by the
        'expiring soon' service notice. Returns a dict
        ``{member_id: {"points": float, "expiry_date": date, "card_id": int}}``
        where ``points`` is the sum expiring from today (retail time zone)
        to today + ``days`` included and ``expiry_date`` the first of those
        expiry dates. ``member_ids`` restricts the selection.
        """
        today = self._retail_today(company)
        self.env.flush_all()
        where = SQL("TRUE")
        if member_ids is not None:
            where = SQL("l.partner_id = ANY(%s)", list(member_ids))
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id, l.card_id, SUM(l.remaining), MIN(l.expiry_date)
                  FROM retail_loyalty_lot l
                  JOIN loyalty_program pr ON pr.id = l.program_id
                 WHERE l.remaining > 0 AND pr.retail_chain_program
                   AND l.company_id = %(company)s AND l.partner_id IS NOT NULL
                   AND l.expiry_date BETWEEN %(today)s AND %(until)s
                   AND %(where)s
                 GROUP BY l.partner_id, l.card_id
                """,
                company=company.id,
                today=today,
                until=today + timedelta(days=days),
                where=where,
            )
        )
        return {
            partner_id: {"points": points, "expiry_date": expiry, "card_id": card_id}
            for partner_id, card_id, points, expiry in self.env.cr.fetchall()
        }

    def action_retail_open_loyalty_card(self):
        """Smart button: the member's points card and its history."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Points Card"),
            "res_model": "loyalty.card",
            "view_mode": "form",
            "res_id": self.retail_loyalty_card_id.id,
        }
