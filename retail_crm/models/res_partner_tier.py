# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One file per feature: the classes extend the same model on purpose.
# pylint: disable=consider-merging-classes-inherited
"""Member tiers on res.partner: evaluation, upgrades, reviews, overrides.

Everything that changes tiers goes through ``_retail_tier_write``: one UPDATE
of the members, one INSERT of their history lines and one UPDATE of their
(company-dependent) pricelist per batch, in SQL.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..tools import tiers as tier_rules
from .res_partner import _sql_int_array

# Written by the tier logic only.
TIER_SYSTEM_FIELDS = frozenset(
    {"retail_tier_id", "retail_tier_since", "retail_tier_override_user_id"}
)
# Store managers and HQ only.
TIER_OVERRIDE_FIELDS = frozenset(
    {
        "retail_tier_override_id",
        "retail_tier_override_reason",
        "retail_tier_override_end",
    }
)
TIER_CACHE_FIELDS = [
    "retail_tier_id",
    "retail_tier_since",
    "retail_tier_override_id",
    "retail_tier_override_reason",
    "retail_tier_override_end",
    "retail_tier_override_user_id",
    "retail_tier_history_ids",
    "specific_property_product_pricelist",
    "property_product_pricelist",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_tier_id = fields.Many2one(
        "retail.member.tier",
        string="Tier",
        readonly=True,
        index=True,
        copy=False,
        ondelete="set null",
        help="Evaluated from the purchases in the statistics window: upgraded "
        "at once, downgraded only at the periodic review.",
    )
    retail_tier_since = fields.Date(
        string="Tier Since",
        readonly=True,
        copy=False,
        help="Date of the last tier change (the grace period counts from it).",
    )
    retail_tier_color = fields.Integer(related="retail_tier_id.color")
    retail_tier_override_id = fields.Many2one(
        "retail.member.tier",
        string="Override Tier",
        copy=False,
        ondelete="set null",
        help="Tier set by hand: reviews and upgrades leave the member alone "
        "until the end date.",
    )
    retail_tier_override_reason = fields.Char(string="Override Reason", copy=False)
    retail_tier_override_end = fields.Date(
        string="Override Until",
        copy=False,
        help="Empty: until removed. After this day the next review evaluates "
        "the member normally again.",
    )
    retail_tier_override_user_id = fields.Many2one(
        "res.users", string="Overridden By", readonly=True, copy=False
    )
    retail_tier_history_ids = fields.One2many(
        "retail.member.tier.history", "partner_id", string="Tier History", readonly=True
    )

    # ------------------------------------------------------------------
    # Constraints and rights
    # ------------------------------------------------------------------
    @api.constrains(
        "retail_tier_override_id",
        "retail_tier_override_reason",
        "retail_tier_override_end",
    )
    def _check_retail_tier_override(self):
        for member in self.filtered("retail_tier_override_id"):
            if not (member.retail_tier_override_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Give a reason to override the tier of %(name)s.",
                        name=member.display_name,
                    )
                )
            tier_company = member.retail_tier_override_id.company_id
            if member.company_id and tier_company != member.company_id:
                raise ValidationError(
                    self.env._(
                        "The tier %(tier)s belongs to another company than %(name)s.",
                        tier=member.retail_tier_override_id.name,
                        name=member.display_name,
                    )
                )
            end = member.retail_tier_override_end
            if end and end < self._retail_today(member.company_id):
                raise ValidationError(
                    self.env._(
                        "The override of %(name)s cannot end in the past.",
                        name=member.display_name,
                    )
                )

    def _retail_check_tier_rights(self, vals):
        keys = set(vals)
        if keys & TIER_SYSTEM_FIELDS:
            raise AccessError(
                self.env._(
                    "The tier of a member is computed from purchases; set an "
                    "override instead."
                )
            )
        if keys & TIER_OVERRIDE_FIELDS and self.filtered("is_retail_member"):
            if self.env.user._retail_role() not in ("manager", "hq"):
                raise AccessError(
                    self.env._(
                        "Only store managers and HQ can override the tier of a member."
                    )
                )

    @api.model
    def _retail_derived_fields(self):
        return super()._retail_derived_fields() | TIER_SYSTEM_FIELDS

    def write(self, vals):
        if not self.env.su:
            self._retail_check_tier_rights(vals)
        if "retail_tier_override_id" in vals:
            vals = dict(vals)
            if vals["retail_tier_override_id"]:
                vals["retail_tier_override_user_id"] = self.env.uid
            else:
                vals.update(
                    retail_tier_override_reason=False,
                    retail_tier_override_end=False,
                    retail_tier_override_user_id=False,
                )
        res = super().write(vals)
        if vals.get("retail_tier_override_id"):
            self.filtered("is_retail_member")._retail_apply_tier_overrides()
        return res

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _retail_member_batch(self, company, cursor, batch_size):
        """Ids of the next ``batch_size`` members of ``company`` after ``cursor``."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE is_retail_member"
                " AND company_id = %s AND id > %s ORDER BY id LIMIT %s",
                company.id,
                cursor,
                batch_size,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _retail_tier_program(self, company):
        # sudo: the program is configuration that every member's evaluation
        # reads, also when an associate's order triggers it.
        return (
            self.env["retail.tier.program"]
            .sudo()
            .search([("company_id", "=", company.id)], limit=1)
        )

    def _retail_tier_table(self, program):
        """The program's active tiers as SQL arrays, and the rank of each id."""
        tiers = program._retail_sorted_tiers()
        table = SQL(
            "SELECT * FROM unnest(%s::int[], %s::int[], %s::numeric[], %s::int[])"
            " AS t(id, rank, min_spent, min_orders)",
            tiers.ids,
            list(range(len(tiers))),
            [str(tier_rules.to_decimal(t.min_spent)) for t in tiers],
            [t.min_orders or 0 for t in tiers],
        )
        return tiers, table

    @api.model
    def _retail_tier_rank_sql(self, tiers):
        """SQL rank of the member row ``p``'s current tier (NULL: none of them)."""
        return SQL(
            "(CASE p.retail_tier_id %s END)",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", tier.id, rank) for rank, tier in enumerate(tiers)
            ),
        )

    @api.model
    def _retail_tier_eligible_sql(self, tiers):
        """SQL rank of the highest tier whose thresholds ``p`` meets, or -1.

        The twin of ``tools.tiers.eligible_rank``: tiers tested from the top,
        a threshold of 0 is not used, spend compared as exact decimals.
        """
        whens = []
        for rank in reversed(range(len(tiers))):
            tier = tiers[rank]
            conditions = [SQL("TRUE")]
            min_spent = tier_rules.to_decimal(tier.min_spent)
            if min_spent:
                conditions.append(
                    SQL(
                        "COALESCE(st.window_spent, 0) >= %s::numeric",
                        str(min_spent),
                    )
                )
            if tier.min_orders:
                conditions.append(
                    SQL(
                        "COALESCE(st.window_order_count, 0) >= %s",
                        tier.min_orders,
                    )
                )
            whens.append(SQL("WHEN %s THEN %s", SQL(" AND ").join(conditions), rank))
        return SQL("(CASE %s ELSE -1 END)", SQL(" ").join(whens))

    # ------------------------------------------------------------------
    # Evaluation (SQL twin of tools/tiers.py)
    # ------------------------------------------------------------------
    def _retail_tier_compute(self, program, member_ids, mode):
        """Tier changes of ``member_ids`` for ``mode`` ``upgrade`` or ``review``.

        Returns rows ``(member_id, from_tier_id, to_tier_id, reason)``.
        Overridden members are left alone; at a review, members whose
        override has ended get the tier they reach (reason ``override_end``,
        no grace period: the override tier was not earned).
        """
        company = program.company_id
        today = self._retail_today(company)
        tiers, table = self._retail_tier_table(program)
        if not tiers or not member_ids:
            return []
        if mode == "upgrade":
            new_rank = SQL(
                "CASE WHEN cur_rank IS NULL OR elig > cur_rank THEN elig"
                " ELSE cur_rank END"
            )
            selected = SQL("NOT overridden")
        else:
            new_rank = SQL(
                """CASE WHEN expired OR cur_rank IS NULL OR elig >= cur_rank THEN elig
                        WHEN since IS NOT NULL AND since >= %(grace_limit)s
                            THEN cur_rank
                        WHEN %(max_steps)s > 0
                            THEN GREATEST(elig, cur_rank - %(max_steps)s)
                        ELSE elig END""",
                grace_limit=tier_rules.grace_limit(today, program.grace_days),
                max_steps=program.max_steps,
            )
            selected = SQL("(NOT overridden OR expired)")
        self.env.cr.execute(
            SQL(
                """
                WITH t AS (%(table)s),
                m AS (
                    SELECT p.id, p.retail_tier_id AS cur_id,
                           %(cur_rank)s AS cur_rank,
                           p.retail_tier_since AS since,
                           p.retail_tier_override_id IS NOT NULL AS overridden,
                           (p.retail_tier_override_id IS NOT NULL
                            AND p.retail_tier_override_end < %(today)s) AS expired,
                           %(elig)s AS elig
                      FROM res_partner p
                      LEFT JOIN retail_member_stats st ON st.partner_id = p.id
                     WHERE p.id = ANY(%(ids)s) AND p.is_retail_member
                       -- the range lets the planner use the primary key
                       AND p.id BETWEEN %(lo)s AND %(hi)s
                ),
                r AS (
                    SELECT m.*, %(new_rank)s AS new_rank FROM m WHERE %(selected)s
                )
                SELECT r.id, r.cur_id, nt.id,
                       CASE WHEN r.expired AND %(review)s THEN 'override_end'
                            WHEN r.cur_rank IS NULL AND nt.id IS NOT NULL
                                THEN 'upgrade'
                            WHEN r.new_rank > r.cur_rank THEN 'upgrade'
                            ELSE 'review_downgrade' END
                  FROM r LEFT JOIN t nt ON nt.rank = r.new_rank
                 WHERE (r.expired AND %(review)s) OR r.cur_id IS DISTINCT FROM nt.id
                 ORDER BY r.id
                """,
                table=table,
                cur_rank=self._retail_tier_rank_sql(tiers),
                elig=self._retail_tier_eligible_sql(tiers),
                today=today,
                # one array literal, not 50,000 constants to parse
                ids=_sql_int_array(member_ids),
                lo=min(member_ids),
                hi=max(member_ids),
                new_rank=new_rank,
                selected=selected,
                review=mode == "review",
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _retail_tier_write(self, company, rows, notes=None, orders=None):
        """Apply tier changes ``(member_id, from_tier_id, to_tier_id, reason)``.

        Updates the members (tier, since; ends expired overrides), appends
        their history lines and gives them the pricelist of their new tier,
        all set-based. ``notes``/``orders``: optional {member_id: value}.
        Calls the ``_retail_on_tier_changed`` hook.
        """
        if not rows:
            return []
        notes = notes or {}
        orders = orders or {}
        cr = self.env.cr
        today = self._retail_today(company)
        now = fields.Datetime.now()
        ids = [row[0] for row in rows]
        from_ids = [row[1] for row in rows]
        to_ids = [row[2] for row in rows]
        reasons = [row[3] for row in rows]
        set_pls, pls = self._retail_tier_pricelist_targets(rows)
        key = str(company.id)
        cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET retail_tier_id = c.to_id,
                       retail_tier_since = %(today)s,
                       specific_property_product_pricelist = CASE
                           WHEN NOT c.set_pl THEN p.specific_property_product_pricelist
                           WHEN c.pl IS NULL THEN COALESCE(
                               p.specific_property_product_pricelist, '{}'::jsonb)
                               - %(key)s
                           ELSE COALESCE(
                               p.specific_property_product_pricelist, '{}'::jsonb)
                               || jsonb_build_object(%(key)s, c.pl) END,
                       retail_tier_override_id = CASE WHEN c.reason = 'override_end'
                           THEN NULL ELSE p.retail_tier_override_id END,
                       retail_tier_override_reason = CASE
                           WHEN c.reason = 'override_end' THEN NULL
                           ELSE p.retail_tier_override_reason END,
                       retail_tier_override_end = CASE
                           WHEN c.reason = 'override_end' THEN NULL
                           ELSE p.retail_tier_override_end END,
                       retail_tier_override_user_id = CASE
                           WHEN c.reason = 'override_end' THEN NULL
                           ELSE p.retail_tier_override_user_id END
                  FROM unnest(%(ids)s::int[], %(to_ids)s::int[], %(reasons)s::varchar[],
                              %(set_pls)s::bool[], %(pls)s::int[])
                       AS c(id, to_id, reason, set_pl, pl)
                 WHERE p.id = c.id AND p.id BETWEEN %(lo)s AND %(hi)s
                """,
                lo=min(ids),
                hi=max(ids),
                today=today,
                ids=ids,
                to_ids=to_ids,
                reasons=reasons,
                set_pls=set_pls,
                pls=pls,
                key=key,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO retail_member_tier_history
                       (partner_id, company_id, from_tier_id, to_tier_id, reason,
                        note, date, user_id, order_id,
                        create_uid, create_date, write_uid, write_date)
                SELECT c.id, %(company)s, c.from_id, c.to_id, c.reason, c.note,
                       %(now)s, %(uid)s, c.order_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(ids)s::int[], %(from_ids)s::int[], %(to_ids)s::int[],
                              %(reasons)s::varchar[], %(notes)s::varchar[],
                              %(orders)s::int[])
                       AS c(id, from_id, to_id, reason, note, order_id)
                """,
                company=company.id,
                now=now,
                uid=self.env.uid,
                ids=ids,
                from_ids=from_ids,
                to_ids=to_ids,
                reasons=reasons,
                notes=[notes.get(i) for i in ids],
                orders=[orders.get(i) for i in ids],
            )
        )
        self._retail_tier_apply_contact_pricelists(company, ids, set_pls, pls)
        self.invalidate_model(TIER_CACHE_FIELDS)
        self.env["retail.member.tier.history"].invalidate_model()
        changed = [row for row in rows if row[1] != row[2]]
        if changed:
            self.browse([row[0] for row in changed])._retail_on_tier_changed(
                {row[0]: row[1] for row in changed}
            )
        return ids

    @api.model
    def _retail_tier_pricelist_targets(self, rows):
        """The new tier's pricelist becomes the member's pricelist.

        Returns two lists aligned on ``rows``: whether the pricelist changes
        (the old and new tiers' pricelists differ) and the new pricelist id
        (None: back to Odoo's default). The pricelist is Odoo's own
        company-dependent ``specific_property_product_pricelist`` (jsonb keyed
        by company), so sales orders (and the POS) price with it.
        """
        tier_ids = {row[1] for row in rows} | {row[2] for row in rows}
        tier_ids.discard(None)
        pricelists = {
            tier.id: tier.pricelist_id.id or None
            # sudo: configuration read while applying the tiers
            for tier in self.env["retail.member.tier"].sudo().browse(tier_ids)
        }
        set_pls, pls = [], []
        for row in rows:
            old_pl = pricelists.get(row[1])
            new_pl = pricelists.get(row[2])
            set_pls.append(old_pl != new_pl)
            pls.append(new_pl)
        return set_pls, pls

    @api.model
    def _retail_tier_apply_contact_pricelists(self, company, ids, set_pls, pls):
        """The contacts of the members follow (commercial field), as in Odoo."""
        members = [i for i, flag in zip(ids, set_pls, strict=True) if flag]
        if not members:
            return
        targets = [pl for pl, flag in zip(pls, set_pls, strict=True) if flag]
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET specific_property_product_pricelist = CASE
                       WHEN c.pl IS NULL
                       THEN COALESCE(p.specific_property_product_pricelist, '{}'::jsonb)
                            - %(key)s
                       ELSE COALESCE(p.specific_property_product_pricelist, '{}'::jsonb)
                            || jsonb_build_object(%(key)s, c.pl) END
                  FROM unnest(%(members)s::int[], %(targets)s::int[])
                       AS c(member_id, pl)
                 WHERE p.commercial_partner_id = c.member_id AND p.id != c.member_id
                   AND p.commercial_partner_id BETWEEN %(lo)s AND %(hi)s
                """,
                lo=min(members),
                hi=max(members),
                key=key,
                members=members,
                targets=targets,
            )
        )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def _retail_tier_upgrade(self):
        """Upgrade the members of ``self`` who now reach a higher tier.

        The triggering orders may be given in the context key
        ``retail_trigger_order_ids``: the history line names the member's.
        """
        members = self.filtered("is_retail_member")
        if not members:
            return []
        self.env.flush_all()
        changed = []
        for company in members.company_id:
            program = self._retail_tier_program(company)
            if not program:
                continue
            ids = members.filtered(lambda m, c=company: m.company_id == c).ids
            rows = self._retail_tier_compute(program, ids, "upgrade")
            if rows:
                orders = self._retail_trigger_orders([row[0] for row in rows])
                changed += self._retail_tier_write(company, rows, orders=orders)
        return changed

    @api.model
    def _retail_trigger_orders(self, member_ids):
        order_ids = self.env.context.get("retail_trigger_order_ids")
        if not order_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, max(so.id)
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.id = ANY(%s) AND so.state = 'sale'
                   AND p.commercial_partner_id = ANY(%s)
                 GROUP BY p.commercial_partner_id
                """,
                list(order_ids),
                list(member_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _retail_tier_review_batch(self, program, member_ids):
        """Periodic review of ``member_ids`` (members of the program's company)."""
        self.env.flush_all()
        rows = self._retail_tier_compute(program, member_ids, "review")
        return self._retail_tier_write(program.company_id, rows)

    def _retail_apply_tier_overrides(self):
        """Give the members of ``self`` their override tier (history: manual)."""
        self.env.flush_all()
        for company in self.company_id:
            members = self.filtered(
                lambda m, c=company: m.company_id == c and m.retail_tier_override_id
            )
            rows = [
                (
                    m.id,
                    m.retail_tier_id.id or None,
                    m.retail_tier_override_id.id,
                    "manual",
                )
                for m in members
            ]
            notes = {m.id: m.retail_tier_override_reason for m in members}
            self._retail_tier_write(company, rows, notes=notes)

    def _retail_on_purchase_stats_changed(self):
        res = super()._retail_on_purchase_stats_changed()
        self._retail_tier_upgrade()
        return res

    def _retail_on_tier_changed(self, old_tiers):
        """Hook called with the members whose tier just changed.

        ``old_tiers``: {member id: previous tier id or None}.
        """
