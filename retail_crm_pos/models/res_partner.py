# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.retail_crm.models.res_partner import _sql_int_array

from ..tools.pos_query import classify_query, is_birthday_month

_logger = logging.getLogger(__name__)

# Member fields the POS loads besides Odoo's own partner fields. They are the
# only member data a cashier gets through retail_pos_search / the preload.
POS_MEMBER_FIELDS = [
    "is_retail_member",
    "retail_member_code",
    "retail_last_purchase_date",
    "retail_marketing_consent",
    "retail_pos_tier_name",
    "retail_pos_tier_color",
    "retail_pos_tags",
    "retail_pos_birthday_month",
    "retail_pos_store_ref",
    "retail_pos_store_name",
    "retail_pos_points",
    "retail_pos_ewallet",
    "retail_pos_points_multiplier",
    "retail_referral_code",
]
# Number of tags shown on the partner line.
POS_TOP_TAGS = 3
POS_SEARCH_LIMIT = 20


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_pos_tier_name = fields.Char(
        string="Tier (POS)", compute="_compute_retail_pos_fields"
    )
    retail_pos_tier_color = fields.Integer(
        string="Tier Color (POS)", compute="_compute_retail_pos_fields"
    )
    retail_pos_tags = fields.Char(
        string="Top Tags (POS)", compute="_compute_retail_pos_fields"
    )
    retail_pos_birthday_month = fields.Boolean(
        string="Birthday This Month", compute="_compute_retail_pos_fields"
    )
    retail_pos_store_ref = fields.Integer(
        string="Home Store ID (POS)", compute="_compute_retail_pos_fields"
    )
    retail_pos_store_name = fields.Char(
        string="Home Store (POS)", compute="_compute_retail_pos_fields"
    )
    retail_pos_points = fields.Float(
        string="Points (POS)", compute="_compute_retail_pos_loyalty"
    )
    retail_pos_ewallet = fields.Float(
        string="Stored Value (POS)", compute="_compute_retail_pos_loyalty"
    )
    retail_pos_points_multiplier = fields.Float(
        string="Points Multiplier (POS)", compute="_compute_retail_pos_loyalty"
    )
    retail_pos_registration_uuid = fields.Char(
        string="POS Registration Key",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Key sent by the till that registered the member: a registration "
        "sent again (offline sync, retry) returns this member instead of "
        "creating another one.",
    )

    def init(self):
        res = super().init()
        # Lookup of a scanned card by Odoo's (company-dependent) barcode.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS res_partner_retail_barcode_idx
                ON res_partner USING gin (barcode jsonb_path_ops)
             WHERE barcode IS NOT NULL
            """
        )
        return res

    def _compute_retail_pos_fields(self):
        today = fields.Date.context_today(self)
        for partner in self:
            member = partner.is_retail_member
            tier = partner.retail_tier_id if member else False
            partner.retail_pos_tier_name = tier.name if tier else False
            partner.retail_pos_tier_color = tier.color if tier else 0
            partner.retail_pos_tags = (
                ", ".join(partner.category_id[:POS_TOP_TAGS].mapped("name"))
                if member
                else False
            )
            partner.retail_pos_birthday_month = member and is_birthday_month(
                partner.retail_birthday, today
            )
            store = partner.retail_store_id if member else False
            partner.retail_pos_store_ref = store.id if store else 0
            partner.retail_pos_store_name = store.display_name if store else False

    def _compute_retail_pos_loyalty(self):
        """Chain points, stored-value balance and tier multiplier, set-based.

        sudo: the cashier has no retail role; the till shows the balances of
        the members it sells to (one grouped read for the whole batch).
        """
        members = self.filtered("is_retail_member")
        balances = {}
        if members:
            rows = (
                self.env["loyalty.card"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "in", members.ids),
                        "|",
                        ("program_id.retail_chain_program", "=", True),
                        ("program_id.program_type", "=", "ewallet"),
                    ],
                    ["partner_id", "program_id"],
                    ["points:sum"],
                )
            )
            for partner, program, points in rows:
                kind = "points" if program.retail_chain_program else "ewallet"
                key = (partner.id, kind)
                balances[key] = balances.get(key, 0.0) + points
        for partner in self:
            partner.retail_pos_points = balances.get((partner.id, "points"), 0.0)
            partner.retail_pos_ewallet = balances.get((partner.id, "ewallet"), 0.0)
            partner.retail_pos_points_multiplier = (
                partner._retail_points_multiplier()
                if partner.is_retail_member and partner.id
                else 1.0
            )

    # ------------------------------------------------------------------
    # Session load
    # ------------------------------------------------------------------
    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + POS_MEMBER_FIELDS

    def _load_pos_data(self, data):
        res = super()._load_pos_data(data)
        config = self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"])
        loaded = {vals["id"] for vals in res["data"]}
        wanted = set()
        if config.retail_store_id:
            wanted.update(row[0] for row in config.get_limited_partners_loading())
        wanted.update(
            order["partner_id"]
            for order in data.get("pos.order", {}).get("data", [])
            if order.get("partner_id")
        )
        missing = wanted - loaded
        if missing:
            res["data"] += self._retail_pos_read(list(missing), config)
        return res

    @api.model
    def _retail_pos_read(self, ids, config):
        """POS data of the members ``ids`` of the config's company.

        sudo: cashiers have no retail role, so the record rules of retail_crm
        hide every member from them; the POS still needs the members it
        sells to. Only members of the config's company are read, and only
        the fields the POS loads (_load_pos_data_fields) are returned.
        """
        if not ids:
            return []
        Partner = self.sudo().with_company(config.company_id)
        # one query (this runs after every synced order), in the order of ids
        found = set(
            Partner.with_context(active_test=False)
            .search(
                [
                    ("id", "in", ids),
                    ("is_retail_member", "=", True),
                    ("company_id", "=", config.company_id.id),
                ],
                order="id",
            )
            .ids
        )
        members = Partner.browse(list(dict.fromkeys(i for i in ids if i in found)))
        return members.read(self._load_pos_data_fields(config.id), load=False)

    # ------------------------------------------------------------------
    # RPC of the POS
    # ------------------------------------------------------------------
    @api.model
    def _retail_pos_config(self, config_id):
        """The config of the till calling; only POS users may use it."""
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(
                self.env._("Only Point of Sale users can look up members at the till.")
            )
        config = self.env["pos.config"].browse(int(config_id)).exists()
        if not config:
            raise AccessError(self.env._("This point of sale does not exist."))
        config.check_access("read")
        return config

    @api.model
    def retail_pos_search(self, query, config_id):
        """Members of the till's company matching ``query``, as POS data.

        A complete mobile number in any format is searched on the normalized
        mobile, a member code / card barcode on the code or barcode, a name
        by prefix; all with equality or prefix lookups, never a pattern
        search of the phones of every member. At most 20 results.
        """
        config = self._retail_pos_config(config_id)
        company = config.company_id
        kind, value = classify_query(query, company.retail_phone_region or "CN")
        if not kind:
            return []
        ids = self._retail_pos_search_ids(company, kind, value)
        if not ids and kind == "code":
            # a card with another barcode, else a name with digits
            ids = self._retail_pos_search_ids(
                company, "barcode", value
            ) or self._retail_pos_search_ids(company, "name", value)
        return self._retail_pos_read(ids, config)

    @api.model
    def _retail_pos_search_ids(self, company, kind, value):
        if kind == "mobile":
            condition = SQL("p.retail_mobile = %s", value)
        elif kind == "code":
            condition = SQL("p.retail_member_code = %s", value)
        elif kind == "barcode":
            # Odoo's barcode is company-dependent (jsonb by company id):
            # containment uses res_partner_retail_barcode_idx.
            condition = SQL(
                "p.barcode @> %s::jsonb", json.dumps({str(company.id): value})
            )
        else:
            escaped = (
                value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            condition = SQL("p.name ILIKE %s", escaped + "%")
        self.flush_model(
            ["retail_mobile", "retail_member_code", "barcode", "name", "active"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id FROM res_partner p
                  LEFT JOIN retail_member_stats s ON s.partner_id = p.id
                 WHERE %s AND p.company_id = %s AND p.is_retail_member AND p.active
                 ORDER BY s.last_purchase_date DESC NULLS LAST, p.id DESC
                 LIMIT %s
                """,
                condition,
                company.id,
                POS_SEARCH_LIMIT,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def retail_pos_read(self, ids, config_id):
        """Fresh POS data of members already at the till (after an order)."""
        config = self._retail_pos_config(config_id)
        return self._retail_pos_read([int(i) for i in ids], config)

    @api.model
    def retail_pos_register(self, vals, config_id):
        """Register a member at the till; idempotent.

        ``vals``: ``name``, ``mobile`` (required), ``birthday`` (ISO date),
        ``consent`` (bool), ``referral_code``, ``uuid`` (key generated by the
        till, the same when the registration is sent again).

        Returns ``{"status": "created" | "existing", "partner": POS data}``:
        ``existing`` when a member of the company already has that mobile
        (nothing is created; the till offers to select that member). A
        registration sent again with the same ``uuid`` returns the member it
        created. Bad input raises a translated ValidationError, nothing is
        written.
        """
        config = self._retail_pos_config(config_id)
        member, status = self._retail_pos_register(vals, config)
        return {
            "status": status,
            "partner": self._retail_pos_read(member.ids, config)[0],
        }

    @api.model
    def _retail_pos_register(self, vals, config, strict_referral=True):
        """Return ``(member, status)``; see :meth:`retail_pos_register`.

        ``strict_referral=False`` (offline registration synced with its
        order): a refused referral code is logged and the member is
        registered without it, so the registration typed offline is kept.
        """
        company = config.company_id
        # sudo (whole method): a cashier has no retail role and may neither
        # read nor create members; registering at the till is what the POS
        # needs, with the fields below only, in the till's store.
        Partner = self.sudo().with_company(company)
        key = (vals.get("uuid") or "").strip()[:64] or False
        if key:
            done = Partner.with_context(active_test=False).search(
                [("retail_pos_registration_uuid", "=", key)], limit=1
            )
            if done:
                return done, "created"
        name = (vals.get("name") or "").strip()
        if not name:
            raise ValidationError(self.env._("Enter the name of the new member."))
        if not (vals.get("mobile") or "").strip():
            raise ValidationError(
                self.env._("The mobile number is required to register a member.")
            )
        mobile = company._retail_normalize_mobile(vals["mobile"])
        existing = Partner.search(
            [
                ("retail_mobile", "=", mobile),
                ("company_id", "=", company.id),
                ("is_retail_member", "=", True),
            ],
            limit=1,
        )
        if existing:
            return existing, "existing"
        if not config.retail_store_id:
            raise ValidationError(
                self.env._(
                    "This point of sale belongs to no retail store: set its "
                    "store before registering members at the till."
                )
            )
        code = (vals.get("referral_code") or "").strip()
        birthday = vals.get("birthday") or False
        if birthday:
            try:
                birthday = fields.Date.to_date(birthday)
            except ValueError as err:
                raise ValidationError(
                    self.env._("%(value)s is not a valid birthday.", value=birthday)
                ) from err
            if birthday > fields.Date.context_today(self):
                raise ValidationError(
                    self.env._("The birthday cannot be in the future.")
                )
        consent = bool(vals.get("consent"))
        member = Partner.with_context(
            retail_channel="pos", retail_consent_channel="pos"
        ).create(
            {
                "name": name,
                "mobile": mobile,
                "is_retail_member": True,
                "company_id": company.id,
                "retail_store_id": config.retail_store_id.id,
                "retail_birthday": birthday,
                "retail_marketing_consent": consent,
                "retail_channel": "pos",
                "retail_pos_registration_uuid": key,
            }
        )
        if code and strict_referral:
            # retail_crm_loyalty's referral, with all its guards (unknown or
            # own code, same mobile as the referrer, mobile already referred):
            # its UserError rolls the registration back, nothing is created.
            member._retail_apply_referral_code(code)
        elif code:
            try:
                with self.env.cr.savepoint():
                    member._retail_apply_referral_code(code)
            except UserError as err:
                _logger.warning(
                    "Referral code %s of the offline registration of %s not "
                    "applied: %s",
                    code,
                    member.retail_member_code,
                    err,
                )
        return member, "created"

    # ------------------------------------------------------------------
    # Purchase statistics
    # ------------------------------------------------------------------
    @api.model
    def _retail_purchase_sources(self, partner_ids=None):
        """Paid, posted and invoiced POS orders (refunds: negative amounts)."""
        sources = super()._retail_purchase_sources(partner_ids)
        query = SQL(
            """
            SELECT po.partner_id AS partner_id,
                   po.date_order AS order_date,
                   po.amount_total / COALESCE(NULLIF(po.currency_rate, 0), 1)
                       AS amount
              FROM pos_order po
             WHERE po.state IN ('paid', 'done', 'invoiced')
               AND po.partner_id IS NOT NULL
            """
        )
        if partner_ids is not None:
            query = SQL(
                "%s AND po.partner_id = ANY(%s)", query, _sql_int_array(partner_ids)
            )
        return sources + [query]
