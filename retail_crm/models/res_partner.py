# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re
import threading
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, sql

from ..tools.channels import RETAIL_CHANNELS
from ..tools.parallel import run_batches_in_workers
from ..tools.phone import mask_phone, try_normalize_mobile
from ..tools.planner import index_probes, local_settings

_logger = logging.getLogger(__name__)


def _sql_int_array(ids):
    """``ids`` as one ``int[]`` literal, parsed once by ``array_in``.

    A Python list becomes ``ARRAY[1, 2, ...]``: 50,000 constants that cost
    about 0.25 s to send, parse and estimate, every time the list appears in a
    statement.
    """
    return SQL("%s::int[]", "{" + ",".join(str(int(i)) for i in ids) + "}")


def _sql_per_buyer(source, since, where=None):
    """Purchase figures of ``source`` (one of _retail_purchase_sources) per
    buyer: first and last date, count, total, and the same in the window
    starting at ``since``. ``where``: an optional condition on ``src``."""
    return SQL(
        """SELECT src.partner_id,
                  MIN(src.order_date) AS first_date,
                  MAX(src.order_date) AS last_date,
                  COUNT(*) AS order_count,
                  SUM(src.amount) AS total,
                  COUNT(*) FILTER (WHERE src.order_date >= %(since)s) AS w_count,
                  SUM(src.amount) FILTER (WHERE src.order_date >= %(since)s)
                      AS w_total
             FROM (%(source)s) src
            WHERE %(where)s
            GROUP BY src.partner_id""",
        source=source,
        since=since,
        where=where or SQL("TRUE"),
    )


def _sql_stats_row(agg, first_date, last_date):
    """The columns of a retail_member_stats row from the aggregate ``agg``
    (see res.partner._retail_stats_row_sql)."""
    return SQL(
        """%(first_date)s AS first_date,
           %(last_date)s AS last_date,
           %(agg)s.order_count::int4 AS order_count,
           ROUND(COALESCE(%(agg)s.total, 0)::numeric, 2) AS total,
           ROUND(COALESCE(%(agg)s.total / %(agg)s.order_count, 0)::numeric, 2)
               AS avg_ticket,
           COALESCE(%(agg)s.w_count, 0)::int4 AS w_count,
           ROUND(COALESCE(%(agg)s.w_total, 0)::numeric, 2) AS w_total""",
        agg=SQL.identifier(agg),
        first_date=first_date,
        last_date=last_date,
    )


# The figures of a stats row ``s`` differ from the new ones ``new``.
SQL_STATS_DIFFER = SQL(
    """(s.first_purchase_date, s.last_purchase_date, s.order_count,
        s.total_spent, s.avg_ticket, s.window_order_count, s.window_spent)
       IS DISTINCT FROM
       (new.first_date, new.last_date, new.order_count, new.total,
        new.avg_ticket, new.w_count, new.w_total)"""
)


# Database connections of the nightly member jobs by default (ir.config_parameter
# retail_crm.nightly_workers): each does batches of its own in a transaction
# of its own, on a core of the database server of its own.
NIGHTLY_WORKERS = 2

# Batches of the full refresh with at least this many members of a company
# read the purchases of their id range in one scan (_retail_update_stats_range)
# rather than by member ids.
STATS_SCAN_MIN_MEMBERS = 10000

# Purchase statistics: written only by _retail_refresh_purchase_stats (SQL).
STATS_FIELDS = (
    "retail_first_purchase_date",
    "retail_last_purchase_date",
    "retail_order_count",
    "retail_total_spent",
    "retail_avg_ticket",
    "retail_window_spent",
    "retail_window_order_count",
)
# Their columns in retail_member_stats, in the same order, and their values
# for a member without purchases (no row).
STATS_COLUMNS = (
    "first_purchase_date",
    "last_purchase_date",
    "order_count",
    "total_spent",
    "avg_ticket",
    "window_spent",
    "window_order_count",
)
STATS_EMPTY = (None, None, 0, 0.0, 0.0, 0.0, 0)
# Stored computed fields of res.partner that _retail_bulk_create_members
# sets itself (the others are computed by the ORM after the insert).
BULK_COMPUTED_FIELDS = frozenset(
    {
        "complete_name",
        "commercial_partner_id",
        "commercial_company_name",
        "partner_share",
        "retail_mobile",
        "phone_sanitized",
        "email_normalized",
    }
)
# Fields an associate may not change on a member (store managers may).
MANAGER_FIELDS = frozenset({"retail_store_id", "user_id", "active"})
# Fields only HQ may change on a member.
HQ_FIELDS = frozenset(
    {
        "is_retail_member",
        "retail_member_code",
        "retail_join_date",
        "retail_channel",
        "company_id",
        "property_product_pricelist",
    }
)
# Set by the consent logic only.
CONSENT_FIELDS = frozenset(
    {"retail_consent_date", "retail_consent_channel", "retail_consent_log_ids"}
)
# Phone fields shown masked to associates for members not assigned to them.
MASKED_FIELDS = (
    "phone",
    "mobile",
    "retail_mobile",
    "phone_sanitized",
    "retail_phone_search",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_retail_member = fields.Boolean(
        string="Retail Member", index=True, tracking=True, copy=False
    )
    retail_member_code = fields.Char(
        string="Member Code",
        index=True,
        tracking=True,
        copy=False,
        help="Unique per company; printed as the barcode of the member card.",
    )
    retail_store_id = fields.Many2one(
        "retail.store",
        string="Home Store",
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    retail_join_date = fields.Date(string="Join Date", copy=False, tracking=True)
    retail_channel = fields.Selection(
        RETAIL_CHANNELS, string="Acquisition Channel", copy=False
    )
    retail_birthday = fields.Date(string="Birthday")
    retail_gender = fields.Selection(
        [("female", "Female"), ("male", "Male"), ("other", "Other")],
        string="Gender",
    )
    retail_mobile = fields.Char(
        string="Normalized Mobile",
        compute="_compute_retail_mobile",
        store=True,
        index=True,
        copy=False,
        help="Mobile number in E.164 form, used to find members and "
        "to keep one member per mobile.",
    )
    retail_phone_search = fields.Char(
        string="Phone (any format)",
        compute="_compute_retail_phone_search",
        search="_search_retail_phone_search",
    )
    retail_marketing_consent = fields.Boolean(
        string="Marketing Consent", tracking=True, copy=False
    )
    retail_consent_date = fields.Datetime(
        string="Consent Changed On", readonly=True, copy=False
    )
    retail_consent_channel = fields.Selection(
        RETAIL_CHANNELS, string="Consent Channel", readonly=True, copy=False
    )
    retail_consent_log_ids = fields.One2many(
        "retail.consent.log",
        "partner_id",
        string="Consent History",
        readonly=True,
    )
    retail_currency_id = fields.Many2one(
        "res.currency", compute="_compute_retail_currency_id"
    )
    # Purchase statistics: stored in retail.member.stats (one narrow row per
    # member who bought), read and searched here like ordinary fields.
    retail_first_purchase_date = fields.Date(
        string="First Purchase",
        compute="_compute_retail_stats",
        search="_search_retail_first_purchase_date",
    )
    retail_last_purchase_date = fields.Date(
        string="Last Purchase",
        compute="_compute_retail_stats",
        search="_search_retail_last_purchase_date",
    )
    retail_order_count = fields.Integer(
        string="Orders",
        compute="_compute_retail_stats",
        search="_search_retail_order_count",
    )
    retail_total_spent = fields.Monetary(
        string="Total Spent",
        currency_field="retail_currency_id",
        compute="_compute_retail_stats",
        search="_search_retail_total_spent",
    )
    retail_avg_ticket = fields.Monetary(
        string="Average Ticket",
        currency_field="retail_currency_id",
        compute="_compute_retail_stats",
        search="_search_retail_avg_ticket",
    )
    retail_window_spent = fields.Monetary(
        string="Spent in Window",
        currency_field="retail_currency_id",
        compute="_compute_retail_stats",
        search="_search_retail_window_spent",
        help="Spent inside the rolling statistics window of the company.",
    )
    retail_window_order_count = fields.Integer(
        string="Orders in Window",
        compute="_compute_retail_stats",
        search="_search_retail_window_order_count",
    )

    def init(self):
        res = super().init()
        # Backstops of the Python constraints _check_retail_mobile_unique and
        # _check_retail_member_code against concurrent transactions. They are
        # checked at commit (deferred): checked at once, they would fail the
        # flush of a duplicate with a raw IntegrityError before the Python
        # constraint can tell the user, in their language, what clashes.
        self._retail_deferred_constraint(
            "res_partner_retail_mobile_uniq",
            SQL(
                "EXCLUDE USING btree (company_id WITH =, retail_mobile WITH =)"
                " WHERE (is_retail_member AND active AND retail_mobile IS NOT NULL)"
                " DEFERRABLE INITIALLY DEFERRED"
            ),
        )
        self._retail_deferred_constraint(
            "res_partner_retail_member_code_uniq",
            SQL(
                "UNIQUE (company_id, retail_member_code) DEFERRABLE INITIALLY DEFERRED"
            ),
        )
        return res

    def _retail_deferred_constraint(self, name, definition):
        cr = self.env.cr
        if sql.constraint_definition(cr, "res_partner", name):
            return
        # earlier versions: a plain (immediate) unique index of that name
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
        cr.execute(
            SQL(
                "ALTER TABLE res_partner ADD CONSTRAINT %s %s",
                SQL.identifier(name),
                definition,
            )
        )

    # ------------------------------------------------------------------
    # Computes and searches
    # ------------------------------------------------------------------
    @api.depends("mobile", "company_id.retail_phone_region")
    def _compute_retail_mobile(self):
        default_region = self.env.company.retail_phone_region or "CN"
        for partner in self:
            region = partner.company_id.retail_phone_region or default_region
            partner.retail_mobile = try_normalize_mobile(partner.mobile, region)

    def _compute_retail_phone_search(self):
        for partner in self:
            partner.retail_phone_search = partner.retail_mobile

    def _search_retail_phone_search(self, operator, value):
        if operator not in ("=", "ilike", "like", "=ilike") or not value:
            raise UserError(self.env._("Unsupported search on phone numbers."))
        region = self.env.company.retail_phone_region or "CN"
        normalized = try_normalize_mobile(value, region)
        if normalized:
            return [("retail_mobile", "=", normalized)]
        digits = re.sub(r"\D", "", str(value))
        if len(digits) >= 4:
            return [("retail_mobile", "like", digits)]
        return expression.FALSE_DOMAIN

    def _compute_retail_stats(self):
        rows = {}
        ids = [pid for pid in self.ids if pid]
        if ids:
            self.env.cr.execute(
                SQL(
                    "SELECT partner_id, %s FROM retail_member_stats"
                    " WHERE partner_id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(col) for col in STATS_COLUMNS),
                    _sql_int_array(ids),
                )
            )
            rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            values = rows.get(partner.id) or STATS_EMPTY
            for fname, value in zip(STATS_FIELDS, values, strict=True):
                partner[fname] = value if value is not None else False

    def _retail_search_stats(self, column, operator, value):
        """Domain of the partners whose statistic ``column`` satisfies
        ``operator`` and ``value``; members without a statistics row have the
        empty value (0 or no date) and match when the empty value does."""
        Stats = self.env["retail.member.stats"].sudo()  # sudo: the rows of
        # members the user may read are filtered by the partner domain itself
        empty = STATS_EMPTY[STATS_COLUMNS.index(column)]
        probe = self.env["retail.member.stats"].new(
            {column: empty if empty is not None else False}
        )
        if probe.filtered_domain([(column, operator, value)]):
            # the empty value matches: every partner but those whose row
            # does not match
            rows = Stats._search(["!", (column, operator, value)])
            return [("id", "not in", rows.subselect("partner_id"))]
        rows = Stats._search([(column, operator, value)])
        return [("id", "in", rows.subselect("partner_id"))]

    def _search_retail_first_purchase_date(self, operator, value):
        return self._retail_search_stats("first_purchase_date", operator, value)

    def _search_retail_last_purchase_date(self, operator, value):
        return self._retail_search_stats("last_purchase_date", operator, value)

    def _search_retail_order_count(self, operator, value):
        return self._retail_search_stats("order_count", operator, value)

    def _search_retail_total_spent(self, operator, value):
        return self._retail_search_stats("total_spent", operator, value)

    def _search_retail_avg_ticket(self, operator, value):
        return self._retail_search_stats("avg_ticket", operator, value)

    def _search_retail_window_spent(self, operator, value):
        return self._retail_search_stats("window_spent", operator, value)

    def _search_retail_window_order_count(self, operator, value):
        return self._retail_search_stats("window_order_count", operator, value)

    @api.depends("company_id")
    def _compute_retail_currency_id(self):
        for partner in self:
            partner.retail_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        if (
            operator in ("ilike", "=ilike", "=")
            and isinstance(value, str)
            and value.strip()
        ):
            extra = [("retail_member_code", "=ilike", value.strip())]
            region = self.env.company.retail_phone_region or "CN"
            mobile = try_normalize_mobile(value, region)
            if mobile:
                extra = expression.OR([extra, [("retail_mobile", "=", mobile)]])
            domain = expression.OR([domain, extra])
        return domain

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.model
    def _retail_phone_user_error(self, err):
        """A translated error for a :class:`PhoneError`."""
        messages = {
            "empty": self.env._("The mobile number is empty."),
            "invalid": self.env._(
                "%(value)s is not a valid phone number.", value=err.value
            ),
            "not_mobile": self.env._(
                "%(value)s is not a mobile number (landline or service "
                "number); members need a mobile number.",
                value=err.value,
            ),
        }
        return ValidationError(messages[err.code])

    @api.constrains("is_retail_member", "mobile", "company_id", "retail_store_id")
    def _check_retail_member(self):
        for member in self.filtered("is_retail_member"):
            if not member.company_id:
                raise ValidationError(
                    self.env._(
                        "Member %(name)s must belong to a company.",
                        name=member.display_name,
                    )
                )
            if not member.retail_store_id:
                raise ValidationError(
                    self.env._(
                        "Member %(name)s needs a home store.",
                        name=member.display_name,
                    )
                )
            if member.mobile:
                member.company_id._retail_normalize_mobile(member.mobile)

    @api.constrains("is_retail_member", "user_id", "retail_store_id")
    def _check_retail_associate_store(self):
        """A member's associate works in the member's home store.

        Moving a member to another store therefore also needs an associate of
        that store (or none): customers stay with the store, not the person.
        """
        for member in self.filtered(lambda p: p.is_retail_member and p.user_id):
            store = member.retail_store_id
            # sudo: only whether the user is on the staff list matters, and
            # store managers cannot read other users' store assignments.
            if store and member.user_id not in store.sudo().staff_user_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(store)s: members can "
                        "only be assigned to associates of their home store.",
                        user=member.user_id.name,
                        store=store.display_name,
                    )
                )

    @api.constrains("is_retail_member", "retail_mobile", "active", "company_id")
    def _check_retail_mobile_unique(self):
        """One active member per mobile and company, checked with one query.

        Set-based, so that creating thousands of members at once (imports)
        costs one grouped query, not a search per member.
        """
        members = self.filtered(
            lambda p: p.is_retail_member and p.active and p.retail_mobile
        )
        if not members:
            return
        self.flush_model(["is_retail_member", "retail_mobile", "active", "company_id"])
        with index_probes(self.env.cr):
            self.env.cr.execute(
                SQL(
                    """
                SELECT array_agg(p.id ORDER BY p.id)
                  FROM unnest(%s::varchar[]) AS u(mobile)
                 -- one index probe per mobile (see index_probes): a scan of
                 -- the company's members is what the planner prefers for a
                 -- large batch while an import grows the table (40 ms a
                 -- batch of 1,000 at 90,000 members)
                 CROSS JOIN LATERAL (
                       SELECT id, company_id FROM res_partner
                        WHERE retail_mobile = u.mobile
                          AND is_retail_member AND active
                          AND company_id = ANY(%s)
                       OFFSET 0) p
                 GROUP BY p.company_id, u.mobile
                HAVING count(*) > 1
                """,
                    sorted(set(members.mapped("retail_mobile"))),
                    members.company_id.ids,
                )
            )
            row = self.env.cr.fetchone()
        if row:
            ids = row[0]
            member = self.browse([i for i in ids if i in members.ids][:1] or ids[:1])
            # sudo: the other member may belong to a store the current user
            # cannot see; the message only shows what the user may see of it.
            existing = self.sudo().browse([i for i in ids if i != member.id][:1])
            raise ValidationError(self._retail_duplicate_message(member, existing))

    def _retail_duplicate_message(self, member, existing):
        # with_user: what the user may see, also when the constraint runs in a
        # sudo environment (e.g. recomputed by a flush of sudo code).
        visible = existing.with_user(self.env.uid)._filtered_access("read")
        if visible:
            return self.env._(
                "A member with the mobile %(mobile)s already exists: "
                "%(name)s (%(code)s, %(store)s).",
                mobile=member.mobile,
                name=visible.name,
                code=visible.retail_member_code or "-",
                store=visible.retail_store_id.display_name or "-",
            )
        return self.env._(
            "A member with the mobile %(mobile)s exists in another store. "
            "Ask your store manager or HQ to look it up.",
            mobile=member.mobile,
        )

    @api.constrains("retail_member_code", "company_id")
    def _check_retail_member_code(self):
        coded = self.filtered("retail_member_code")
        if not coded:
            return
        # Codes are unique across stores the user may not see, archived
        # members included: SQL, one index probe per code (index_probes).
        self.flush_model(["retail_member_code", "company_id"])
        with index_probes(self.env.cr):
            self.env.cr.execute(
                SQL(
                    """
                SELECT 1
                  FROM unnest(%s::varchar[]) AS u(code)
                 WHERE EXISTS (SELECT 1 FROM res_partner p
                                WHERE p.retail_member_code = u.code
                                  AND p.company_id = ANY(%s)
                                  AND p.id <> ALL(%s)
                               OFFSET 0)
                 LIMIT 1
                """,
                    sorted(set(coded.mapped("retail_member_code"))),
                    coded.company_id.ids,
                    coded.ids,
                )
            )
            clashes = self.env.cr.fetchone()
        codes = coded.mapped(lambda p: (p.company_id.id, p.retail_member_code))
        if clashes or len(codes) != len(set(codes)):
            raise ValidationError(
                self.env._(
                    "The member code %(codes)s is already used in this company.",
                    codes=", ".join(sorted({c for __, c in codes})),
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        default_member = self.env.context.get("default_is_retail_member")
        for vals in vals_list:
            if vals.get("is_retail_member", default_member):
                self._retail_prepare_member_vals(vals)
        partners = super().create(vals_list)
        consenting = partners.filtered(
            lambda p: p.is_retail_member and p.retail_marketing_consent
        )
        consenting._retail_log_consent()
        partners.filtered("is_retail_member")._retail_on_members_created()
        return partners

    @api.model
    def _retail_bulk_create_members(self, vals_list):
        """Create new members set-based in SQL; same result as ``create``.

        For imports of many thousand members: the values are prepared as
        :meth:`create` would (defaults, member rules, computed fields), the
        rows are inserted with one ``INSERT ... SELECT FROM unnest(...)``,
        the tags with one insert, then the access rules and the constraints
        of the model run on all the new members at once. Stored computed
        fields this method does not set itself (added by other addons) are
        computed by the ORM. Values it cannot write in SQL (one2many, fields
        without a column...) make it fall back to :meth:`create`.

        Messages, followers and tracking are not created, as with the
        context keys ``tracking_disable`` and ``mail_create_nolog``.
        """
        if not vals_list:
            return self.browse()
        self.check_access("create")
        fields_ = self._fields
        # Missing defaults, as create() adds them
        given = set.intersection(*(set(vals) for vals in vals_list))
        missing = [fname for fname in fields_ if fname not in given]
        defaults = self.default_get(missing) if missing else {}
        vals_list = [defaults | vals for vals in vals_list]
        for vals in vals_list:
            vals["is_retail_member"] = True
            if not (
                vals.get("company_id")
                and vals.get("retail_store_id")
                and vals.get("retail_member_code")
                and "user_id" in vals
            ):
                self._retail_prepare_member_vals(vals)
        unsupported = self._retail_bulk_unsupported(vals_list)
        # contexts of create() overrides that change the values
        if self.env.context.get("res_partner_search_mode") or self.env.context.get(
            "import_file"
        ):
            unsupported.add("context")
        if unsupported:
            _logger.debug("Bulk member creation through create(): %s", unsupported)
            return self.create(vals_list)
        self._retail_check_bulk_stores(vals_list)
        today = fields.Date.context_today(self)
        now = self.env.cr.now()
        channel = self.env.context.get("retail_channel", "store")
        consent_channel = self.env.context.get("retail_consent_channel")
        default_country = self.env.company.country_id
        companies = {}
        for vals in vals_list:
            vals.setdefault("retail_join_date", today)
            vals.setdefault("retail_channel", channel)
            if vals.get("retail_marketing_consent"):
                vals.setdefault("retail_consent_date", fields.Datetime.now())
                vals.setdefault(
                    "retail_consent_channel", consent_channel or vals["retail_channel"]
                )
            # computed fields, as their compute methods do for a new contact
            company_id = vals["company_id"]
            if company_id not in companies:
                company = self.env["res.company"].browse(company_id)
                companies[company_id] = (
                    company.retail_phone_region
                    or self.env.company.retail_phone_region
                    or "CN"
                )
            mobile = vals.get("mobile") or False
            vals["retail_mobile"] = try_normalize_mobile(mobile, companies[company_id])
            number = mobile or vals.get("phone")
            country = (
                self.env["res.country"].browse(vals["country_id"])
                if vals.get("country_id")
                else default_country
            )
            if mobile and mobile == vals["retail_mobile"]:
                # a valid mobile in E.164 form: phone_validation's E.164
                # formatting returns it unchanged
                vals["phone_sanitized"] = mobile
            else:
                vals["phone_sanitized"] = (
                    self._retail_sanitize_phone(number, country) if number else False
                )
            # no parent nor company name (else create() is used)
            vals["complete_name"] = (vals.get("name") or "").strip()
            email = vals.get("email")
            vals["email_normalized"] = (
                email_normalize(email, strict=False) if email else False
            )
            vals["partner_share"] = True
            vals["commercial_company_name"] = vals.get("company_name") or False
        self._retail_bulk_precompute(vals_list)
        records = self._retail_insert_rows(vals_list, now)
        inserted = sorted({fname for vals in vals_list for fname in vals})
        # As create(): the other stored computed fields (of other addons)
        # are computed by the ORM. Related fields of a field left empty
        # (e.g. the resized images of image_1920) stay empty.
        for field in fields_.values():
            if (
                field.store
                and field.compute
                and field.name not in inserted
                and field.name not in BULK_COMPUTED_FIELDS
                and not (field.related and field.related.split(".")[0] not in inserted)
            ):
                self.env.add_to_compute(field, records)
        records._validate_fields(inserted + ["commercial_partner_id"])
        records.check_access("create")
        consenting = records.filtered("retail_marketing_consent")
        consenting._retail_log_consent()
        records._retail_on_members_created()
        return records

    @api.model
    def _retail_bulk_precompute(self, vals_list):
        """Add to ``vals_list`` the stored computed fields it lacks.

        They are computed in memory on new records, one per distinct set of
        values of the field's dependencies (most imported rows share them:
        no VAT, no company, the same country...), and inserted with the row.
        Left to the ORM after the insert, they would rewrite every new row
        (an UPDATE of a row with more than 30 indexes) at the next flush.
        Fields related to a field left empty stay empty, as with create().
        """
        inserted = {fname for vals in vals_list for fname in vals}
        for field in self._fields.values():
            if (
                not (field.store and field.compute)
                or field.name in inserted
                or field.name in BULK_COMPUTED_FIELDS
                or (field.related and field.related.split(".")[0] not in inserted)
            ):
                continue
            roots = sorted(
                {path.split(".")[0] for path in self.pool.field_depends[field]}
            )
            samples = {}
            keys = []
            for vals in vals_list:
                deps = {root: vals[root] for root in roots if root in vals}
                key = repr(deps)
                keys.append(key)
                samples.setdefault(key, deps)
            records = self.browse().concat(
                *(self.new(sample) for sample in samples.values())
            )
            records.mapped(field.name)  # computed in one batch
            values = {
                key: field.convert_to_write(record[field.name], record)
                for key, record in zip(samples, records, strict=True)
            }
            for vals, key in zip(vals_list, keys, strict=True):
                vals[field.name] = values[key]

    @api.model
    def _retail_bulk_unsupported(self, vals_list):
        """Names of the values :meth:`_retail_bulk_create_members` cannot
        insert in SQL; values only put in cache by create() are dropped."""
        fields_ = self._fields
        unsupported = set()
        # Decided once per field name, not per row and field
        names = set()
        for vals in vals_list:
            names.update(vals)
        dropped = []
        for fname in names:
            field = fields_.get(fname)
            if field is None or fname in BULK_COMPUTED_FIELDS:
                unsupported.add(fname)
            elif field.type == "many2many" and field.store:
                continue
            elif not field.store and not field.inverse and field.type != "one2many":
                # as in create(): only put in cache (e.g. UI defaults)
                dropped.append(fname)
            elif (
                not field.column_type
                or field.inverse
                or (field.compute and field.readonly)
            ):
                unsupported.add(fname)
            elif fname in ("parent_id", "company_name", "website") and any(
                vals.get(fname) for vals in vals_list
            ):
                unsupported.add(fname)
        if dropped:
            for vals in vals_list:
                for fname in dropped:
                    vals.pop(fname, None)
        return unsupported

    def _retail_check_bulk_stores(self, vals_list):
        """The store rule of :meth:`_retail_prepare_member_vals`, per batch."""
        user = self.env.user
        if self.env.su or user._retail_role() not in ("associate", "manager"):
            return
        stores = self.env["retail.store"].browse(
            {vals["retail_store_id"] for vals in vals_list}
        )
        outside = stores - user.retail_store_ids
        if outside:
            # sudo: the store may be of a company the user cannot read; only
            # its name is shown in the message.
            raise AccessError(
                self.env._(
                    "You can only register members in the stores you "
                    "work in, not in %(store)s.",
                    store=outside[:1].sudo().display_name,
                )
            )

    @api.model
    def _retail_sanitize_phone(self, number, country):
        """``phone_sanitized`` of a new contact without country (cached)."""
        cache = self.env.cr.cache.setdefault("retail_sanitized_phones", {})
        key = (number, country.id)
        if key not in cache:
            if len(cache) > 100000:
                cache.clear()
            cache[key] = self.browse()._phone_format(number=number, country=country)
        return cache[key]

    def _retail_insert_rows(self, vals_list, now):
        """INSERT the rows of ``vals_list``; return the new records."""
        cr = self.env.cr
        fields_ = self._fields
        count = len(vals_list)
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"{self._table}_id_seq",
                count,
            )
        )
        ids = [row[0] for row in cr.fetchall()]
        records = self.browse(ids)
        fnames = sorted(
            {
                fname
                for vals in vals_list
                for fname in vals
                if fields_[fname].type != "many2many"
            }
            - {"id", "commercial_partner_id", *models.LOG_ACCESS_COLUMNS}
        )
        columns = [
            SQL.identifier("id"),
            SQL.identifier("commercial_partner_id"),
            *(SQL.identifier(name) for name in models.LOG_ACCESS_COLUMNS),
        ]
        exprs = [
            SQL("u.c0"),
            SQL("u.c0"),
            SQL("%s", self.env.uid),
            SQL("%s::timestamp", now),
            SQL("%s", self.env.uid),
            SQL("%s::timestamp", now),
        ]
        arrays = [SQL("%s::int4[]", ids)]
        names = ["c0"]
        for fname in fnames:
            field = fields_[fname]
            column_type = field.column_type[1]
            raw = [vals.get(fname) for vals in vals_list]
            columns.append(SQL.identifier(fname))
            first = raw[0]
            if all(value == first for value in raw):
                value = (
                    None
                    if first is None
                    else field.convert_to_column_insert(first, records[0], vals_list[0])
                )
                exprs.append(SQL("%s::%s", value, SQL(column_type)))
            else:
                values = [
                    None
                    if value is None
                    else field.convert_to_column_insert(value, record, vals)
                    for value, record, vals in zip(raw, records, vals_list, strict=True)
                ]
                names.append(f"c{len(names)}")
                exprs.append(SQL("u.%s", SQL.identifier(names[-1])))
                arrays.append(SQL("%s::%s[]", values, SQL(column_type)))
        cr.execute(
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS u(%s)",
                SQL.identifier(self._table),
                SQL(", ").join(columns),
                SQL(", ").join(exprs),
                SQL(", ").join(arrays),
                SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )
        for fname in {f for vals in vals_list for f in vals}:
            field = fields_[fname]
            if field.type != "many2many":
                continue
            pairs = [
                (record.id, tag_id)
                for record, vals in zip(records, vals_list, strict=True)
                for tag_id in self._retail_command_ids(vals.get(fname))
            ]
            if pairs:
                cr.execute(
                    SQL(
                        "INSERT INTO %s (%s, %s)"
                        " SELECT * FROM unnest(%s::int4[], %s::int4[])"
                        " ON CONFLICT DO NOTHING",
                        SQL.identifier(field.relation),
                        SQL.identifier(field.column1),
                        SQL.identifier(field.column2),
                        [pair[0] for pair in pairs],
                        [pair[1] for pair in pairs],
                    )
                )
                self.env[field.comodel_name].invalidate_model()
        self.invalidate_model()
        return records

    @api.model
    def _retail_command_ids(self, commands):
        """Ids set by many2many ``commands`` on a new record."""
        ids = []
        for command in commands or ():
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == Command.SET:
                ids = list(command[2])
            elif command[0] == Command.LINK:
                ids.append(command[1])
            elif command[0] == Command.CLEAR:
                ids = []
            else:
                raise UserError(
                    self.env._("Only existing tags can be set on imported members.")
                )
        return list(dict.fromkeys(ids))

    def _retail_prepare_member_vals(self, vals):
        """Fill the defaults of a new member in ``vals`` (in place)."""
        user = self.env.user
        vals["is_retail_member"] = True
        company = self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )
        vals["company_id"] = company.id
        if not vals.get("retail_store_id"):
            store_id = self.env.context.get("default_retail_store_id")
            store = (
                self.env["retail.store"].browse(store_id)
                if store_id
                else user._retail_home_store()
            )
            if not store:
                raise UserError(
                    self.env._(
                        "You are not assigned to any store, so the new member "
                        "has no home store. Choose a store, or ask an "
                        "administrator to add you to a store's staff."
                    )
                )
            vals["retail_store_id"] = store.id
        role = user._retail_role()
        if role in ("associate", "manager") and not self.env.su:
            store = self.env["retail.store"].browse(vals["retail_store_id"])
            if store not in user.retail_store_ids:
                # sudo below: the store may be of a company the user cannot
                # read; only its name is shown in the message.
                raise AccessError(
                    self.env._(
                        "You can only register members in the stores you "
                        "work in, not in %(store)s.",
                        store=store.sudo().display_name,
                    )
                )
        if "user_id" not in vals and "default_user_id" not in self.env.context:
            if role in ("associate", "manager"):
                vals["user_id"] = user.id
        vals.setdefault("retail_join_date", fields.Date.context_today(self))
        vals.setdefault(
            "retail_channel", self.env.context.get("retail_channel", "store")
        )
        if not vals.get("retail_member_code"):
            vals["retail_member_code"] = self._retail_next_member_code(company)
        if vals.get("retail_marketing_consent"):
            vals["retail_consent_date"] = fields.Datetime.now()
            vals["retail_consent_channel"] = self.env.context.get(
                "retail_consent_channel", vals["retail_channel"]
            )

    @api.model
    def _retail_next_member_code(self, company):
        """Next free member code of ``company`` (skips codes already used)."""
        # sudo: associates have no access to ir.sequence; the sequence is
        # the only thing touched here.
        sequence = self.env["ir.sequence"].sudo().with_company(company)
        for _attempt in range(1000):
            code = sequence.next_by_code("retail.member.code")
            if not code:
                raise UserError(self.env._("The member code sequence is missing."))
            self.env.cr.execute(
                SQL(
                    "SELECT 1 FROM res_partner"
                    " WHERE company_id = %s AND retail_member_code = %s",
                    company.id,
                    code,
                )
            )
            if not self.env.cr.rowcount:
                return code
        raise UserError(
            self.env._("Could not find a free member code; check the sequence.")
        )

    def write(self, vals):  # pylint: disable=method-required-super
        # super().write() is called by _retail_write(), once per partner
        # becoming a member (with its own defaults) and once for the rest.
        if not self.env.su:
            self._retail_check_write_rights(vals)
        if vals.get("is_retail_member"):
            becoming = self.filtered(lambda p: not p.is_retail_member)
            for partner in becoming:
                values = dict(vals)
                if not values.get("company_id") and partner.company_id:
                    values["company_id"] = partner.company_id.id
                if not values.get("retail_store_id") and partner.retail_store_id:
                    values["retail_store_id"] = partner.retail_store_id.id
                if partner.retail_member_code:
                    values.setdefault("retail_member_code", partner.retail_member_code)
                partner._retail_prepare_member_vals(values)
                partner._retail_write(values)
            rest = self - becoming
            return rest._retail_write(vals) if rest else True
        return self._retail_write(vals)

    def _retail_write(self, vals):
        """``write`` with the consent history kept."""
        consent_changed = self.browse()
        if "retail_marketing_consent" in vals:
            consent_changed = self.filtered(
                lambda p: (
                    p.retail_marketing_consent != bool(vals["retail_marketing_consent"])
                )
            )
        res = super().write(vals)
        consent_changed = consent_changed.filtered("is_retail_member")
        if consent_changed:
            channel = vals.get("retail_consent_channel") or self.env.context.get(
                "retail_consent_channel", "store"
            )
            super(ResPartner, consent_changed).write(
                {
                    "retail_consent_date": fields.Datetime.now(),
                    "retail_consent_channel": channel,
                }
            )
            consent_changed._retail_log_consent()
        return res

    def _retail_check_write_rights(self, vals):
        """Server-side field rights of the retail roles on members."""
        forbidden = set(vals) & set(STATS_FIELDS)
        if forbidden:
            raise AccessError(
                self.env._(
                    "Purchase statistics are computed from orders and cannot be edited."
                )
            )
        members = self.filtered("is_retail_member")
        if vals.get("is_retail_member"):
            # making a contact a member changes an HQ field of a member too
            # (else an associate could put a member in any store this way)
            members = self
        if not members:
            return
        role = self.env.user._retail_role()
        if role == "hq":
            return
        keys = set(vals)
        if keys & CONSENT_FIELDS:
            raise AccessError(
                self.env._("The consent history of a member cannot be edited.")
            )
        locked = keys & HQ_FIELDS
        if role != "manager":
            locked |= keys & MANAGER_FIELDS
        if locked:
            names = ", ".join(
                sorted(
                    self._fields[f].get_description(self.env)["string"] for f in locked
                )
            )
            raise AccessError(
                self.env._(
                    "You may not change these fields of a member: %(fields)s. "
                    "Ask your store manager or HQ.",
                    fields=names,
                )
            )
        if "retail_store_id" in vals:
            new_store = self.env["retail.store"].browse(vals["retail_store_id"])
            if new_store not in self.env.user.retail_store_ids:
                raise AccessError(
                    self.env._("You can only move members to stores you work in.")
                )

    def unlink(self):
        if (
            not self.env.su
            and self.filtered("is_retail_member")
            and self.env.user._retail_role() != "hq"
        ):
            raise AccessError(self.env._("Only HQ can delete members."))
        return super().unlink()

    def export_data(self, fields_to_export):
        members = self.filtered("is_retail_member")
        if members and not self.env.su:
            if self.env.user._retail_role() != "hq":
                raise AccessError(self.env._("Only HQ can export members."))
        result = super().export_data(fields_to_export)
        if members:
            # sudo: the export log is append-only and not writable by anyone.
            self.env["retail.export.log"].sudo().create(
                {
                    "user_id": self.env.uid,
                    "model": self._name,
                    "record_count": len(self),
                    "member_count": len(members),
                    "field_names": ", ".join(fields_to_export),
                }
            )
        return result

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        masked = [f for f in MASKED_FIELDS if f in fnames]
        if masked and result and self._retail_masks_phones():
            uid = self.env.uid
            records = self.browse([vals["id"] for vals in result])
            hidden = {
                p.id for p in records if p.is_retail_member and p.user_id.id != uid
            }
            for vals in result:
                if vals["id"] in hidden:
                    for fname in masked:
                        vals[fname] = mask_phone(vals[fname])
        return result

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        if self._retail_masks_phones():
            specs = [spec.split(":")[0].split(".")[0] for spec in groupby] + [
                spec.split(":")[0].split(".")[0] for spec in aggregates
            ]
            if set(specs) & set(MASKED_FIELDS):
                raise AccessError(
                    self.env._(
                        "Sales associates cannot group or aggregate members by "
                        "phone number."
                    )
                )
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def _retail_masks_phones(self):
        """Associates see the phones of the members assigned to them only."""
        return not self.env.su and self.env.user._retail_role() == "associate"

    def _retail_log_consent(self):
        # sudo: the consent history is append-only: nobody has create access,
        # lines are written here only, from the member's own change.
        self.env["retail.consent.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "consent": partner.retail_marketing_consent,
                    "channel": partner.retail_consent_channel,
                    "user_id": self.env.uid,
                    "note": self.env.context.get("retail_consent_note"),
                }
                for partner in self
            ]
        )

    def action_retail_open_activities(self):
        """Follow-ups (activities) of this member."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-ups of %(name)s", name=self.name),
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id(self._name),
                "default_res_id": self.id,
            },
        }

    # ------------------------------------------------------------------
    # Purchase statistics
    # ------------------------------------------------------------------
    @api.model
    def _retail_purchase_sources(self, partner_ids=None):
        """Return the confirmed purchases of every sales channel, as SQL.

        This is the one hook through which channels feed the members'
        statistics. Each item is an :class:`odoo.tools.SQL` query selecting
        the columns ``partner_id`` (the buyer, a member or one of its
        contacts), ``order_date`` (UTC timestamp) and ``amount`` (in company
        currency) of one confirmed purchase per row. When ``partner_ids`` is
        a list, a source only needs rows of those partners.

        Extend it to add a channel::

            @api.model
            def _retail_purchase_sources(self, partner_ids=None):
                sources = super()._retail_purchase_sources(partner_ids)
                query = SQL("SELECT partner_id, date_order AS order_date, "
                            "amount_total AS amount FROM pos_order "
                            "WHERE state IN ('paid', 'done', 'invoiced')")
                if partner_ids is not None:
                    query = SQL("%s AND partner_id = ANY(%s)", query, partner_ids)
                return sources + [query]

        and call ``_retail_refresh_purchase_stats`` on the members when an
        order of the channel is confirmed or cancelled.
        """
        query = SQL(
            """
            SELECT so.partner_id AS partner_id,
                   so.date_order AS order_date,
                   so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1)
                       AS amount
              FROM sale_order so
             WHERE so.state = 'sale'
            """
        )
        if partner_ids is not None:
            query = SQL(
                "%s AND so.partner_id = ANY(%s)", query, _sql_int_array(partner_ids)
            )
        return [query]

    def _retail_refresh_purchase_stats(self):
        """Recompute the statistics of the members of ``self`` set-based."""
        members = self.commercial_partner_id.filtered("is_retail_member")
        if not members:
            return []
        self.env.flush_all()
        updated = []
        for company in members.company_id:
            ids = members.filtered(lambda m, c=company: m.company_id == c).ids
            updated += self._retail_update_stats_sql(company, ids)
        return updated

    @api.model
    def _retail_today(self, company):
        """Today in the retail time zone of ``company`` (context: retail_today)."""
        forced = self.env.context.get("retail_today")
        if forced:
            return fields.Date.to_date(forced)
        tz = pytz.timezone(company.retail_timezone or "Asia/Shanghai")
        return datetime.now(pytz.utc).astimezone(tz).date()

    @api.model
    def _retail_stats_window_start(self, company):
        """UTC start of the rolling window: local midnight, N months ago."""
        tz = pytz.timezone(company.retail_timezone or "Asia/Shanghai")
        today = self._retail_today(company)
        start = today - relativedelta(months=company.retail_stats_window_months or 12)
        local = tz.localize(datetime.combine(start, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _retail_update_stats_sql(self, company, member_ids):
        """Write the statistics of ``member_ids`` (members of ``company``).

        One aggregate over the purchase sources, one upsert of the rows of
        ``retail_member_stats`` that change (and the deletion of the rows of
        members left without purchases). Returns the ids of the members whose
        statistics changed.
        """
        member_ids = sorted(member_ids)
        if not member_ids:
            return []
        cr = self.env.cr
        # Every id list is sent once, as one literal, and comes with its id
        # range: the planner then picks index (range) scans of the batch
        # instead of hashing all of res_partner (= ANY alone is estimated
        # from statistics and flips to a sequential scan of the whole table).
        low, high = member_ids[0], member_ids[-1]
        ids = _sql_int_array(member_ids)
        cr.execute(
            SQL(
                "SELECT id FROM res_partner"
                " WHERE commercial_partner_id BETWEEN %s AND %s"
                " AND commercial_partner_id = ANY(%s)",
                low,
                high,
                ids,
            )
        )
        partner_ids = [row[0] for row in cr.fetchall()]
        sources = SQL(" UNION ALL ").join(
            SQL("(%s)", source) for source in self._retail_purchase_sources(partner_ids)
        )
        since = self._retail_stats_window_start(company)
        # Each source is aggregated per buyer first (an index-only scan of
        # the covering index of sale orders), then per member.
        sources = SQL(" UNION ALL ").join(
            SQL("(%s)", _sql_per_buyer(source, since))
            for source in self._retail_purchase_sources(partner_ids)
        )
        # JIT compiles this statement on every call (0.2-0.5 s a batch) for
        # no gain: off for this statement only.
        with local_settings(cr, jit="off"):
            cr.execute(
                SQL(
                    """
                    WITH agg AS (
                        SELECT p.commercial_partner_id AS member_id,
                               MIN(b.first_date) AS first_date,
                               MAX(b.last_date) AS last_date,
                               SUM(b.order_count) AS order_count,
                               SUM(b.total) AS total,
                               SUM(b.w_count) AS w_count,
                               SUM(b.w_total) AS w_total
                          FROM (%(sources)s) b
                          JOIN res_partner p ON p.id = b.partner_id
                         WHERE p.commercial_partner_id BETWEEN %(low)s AND %(high)s
                           AND p.commercial_partner_id = ANY(%(member_ids)s)
                         GROUP BY p.commercial_partner_id
                    ),
                    new AS (
                        SELECT agg.member_id, %(row)s
                          FROM agg
                    ),
                    -- only the rows that change are written (ON CONFLICT DO
                    -- UPDATE would lock, thus write, every unchanged row too)
                    changed AS (
                        SELECT new.*
                          FROM new
                          LEFT JOIN retail_member_stats s
                                 ON s.partner_id = new.member_id
                         WHERE s.partner_id IS NULL OR %(differ)s
                    ),
                    upserted AS (
                        INSERT INTO retail_member_stats AS s
                               (partner_id, first_purchase_date, last_purchase_date,
                                order_count, total_spent, avg_ticket,
                                window_order_count, window_spent)
                        SELECT member_id, first_date, last_date, order_count, total,
                               avg_ticket, w_count, w_total
                          FROM changed
                        ON CONFLICT (partner_id) DO UPDATE
                           SET first_purchase_date = EXCLUDED.first_purchase_date,
                               last_purchase_date = EXCLUDED.last_purchase_date,
                               order_count = EXCLUDED.order_count,
                               total_spent = EXCLUDED.total_spent,
                               avg_ticket = EXCLUDED.avg_ticket,
                               window_order_count = EXCLUDED.window_order_count,
                               window_spent = EXCLUDED.window_spent
                     RETURNING s.partner_id
                    ),
                    -- members without purchases any more (cancelled orders)
                    emptied AS (
                        DELETE FROM retail_member_stats s
                         WHERE s.partner_id BETWEEN %(low)s AND %(high)s
                           AND s.partner_id = ANY(%(member_ids)s)
                           AND NOT EXISTS (
                               SELECT 1 FROM new WHERE new.member_id = s.partner_id)
                     RETURNING s.partner_id
                    )
                    SELECT partner_id FROM upserted
                     UNION ALL
                    SELECT partner_id FROM emptied
                    """,
                    sources=sources,
                    row=self._retail_stats_row_sql("agg", company),
                    differ=SQL_STATS_DIFFER,
                    member_ids=ids,
                    low=low,
                    high=high,
                )
            )
            updated = [row[0] for row in cr.fetchall()]
        if updated:
            changed = self.browse(updated)
            changed.invalidate_recordset(list(STATS_FIELDS))
            # context retail_stats_no_hooks: statistics alone (benchmark, or a
            # caller that derives stages and tiers itself afterwards)
            if not self.env.context.get("retail_stats_no_hooks"):
                changed._retail_on_purchase_stats_changed()
        return updated

    @api.model
    def _retail_stats_row_sql(self, agg, company):
        """The columns of a ``retail_member_stats`` row computed from the
        per-member aggregate ``agg`` (dates local to ``company``)."""
        return _sql_stats_row(
            agg,
            self._retail_stats_local_date(f"{agg}.first_date", company),
            self._retail_stats_local_date(f"{agg}.last_date", company),
        )

    @api.model
    def _retail_stats_local_date(self, column, company):
        """SQL of the local date of the UTC timestamp ``column``.

        ``AT TIME ZONE`` costs about 0.4 us a value (0.7 s for the first and
        last purchase of a million members): after the last change of UTC
        offset of the zone (1991 for Asia/Shanghai), adding the offset gives
        the same date for a fraction of it. Zones with daylight saving time
        (future transitions) always convert.
        """
        tz_name = company.retail_timezone or "Asia/Shanghai"
        converted = SQL(
            "(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", SQL(column), tz_name
        )
        tz = pytz.timezone(tz_name)
        transitions = getattr(tz, "_utc_transition_times", None)
        if transitions is None:  # a fixed zone (UTC...)
            offset = tz.utcoffset(datetime(2000, 1, 1))
            since = datetime(1900, 1, 1)
        else:
            since = transitions[-1]
            if since > datetime.now():
                return converted
            offset = tz._transition_info[-1][0]
        return SQL(
            "CASE WHEN %s >= %s THEN (%s + %s * interval '1 second')::date ELSE %s END",
            SQL(column),
            since,
            SQL(column),
            int(offset.total_seconds()),
            converted,
        )

    @api.model
    def _retail_update_stats_range(self, company, low, high):
        """Write the statistics of every member of ``company`` with an id
        between ``low`` and ``high``, reading the purchases of the range once.

        The full refresh: a sorted aggregate of the purchases of the id range
        (covering index), merged with the members and compared with their
        rows of ``retail_member_stats``; only the rows that change are
        written. Members with contacts (whose purchases count for them) and
        members that are contacts of another partner go through
        :meth:`_retail_update_stats_sql`, as do ranges too small to gain
        from it. Returns the ids of the members whose statistics changed.
        """
        cr = self.env.cr
        # Members whose purchases are not all their own (contacts buying for
        # them) or that buy for another partner: only partners with a parent
        # have another commercial partner, and they are few and indexed.
        cr.execute(
            SQL(
                """
                SELECT m.id FROM res_partner m
                 WHERE m.id IN (SELECT c.id FROM res_partner c
                                 WHERE c.parent_id IS NOT NULL
                                   AND c.commercial_partner_id <> c.id
                                 UNION
                                SELECT c.commercial_partner_id FROM res_partner c
                                 WHERE c.parent_id IS NOT NULL
                                   AND c.commercial_partner_id <> c.id)
                   AND m.id BETWEEN %(low)s AND %(high)s
                   AND m.is_retail_member AND m.company_id = %(company)s
                """,
                company=company.id,
                low=low,
                high=high,
            )
        )
        complex_ids = [row[0] for row in cr.fetchall()]
        updated = (
            self._retail_update_stats_sql(company, complex_ids) if complex_ids else []
        )
        sources = self._retail_purchase_sources()
        since = self._retail_stats_window_start(company)
        # per buyer, each source sorted by buyer through its covering index
        in_range = SQL("src.partner_id BETWEEN %s AND %s", low, high)
        per_source = [_sql_per_buyer(source, since, in_range) for source in sources]
        if len(per_source) == 1:
            buyers = per_source[0]
        else:
            buyers = SQL(
                """SELECT b.partner_id, MIN(b.first_date) AS first_date,
                          MAX(b.last_date) AS last_date,
                          SUM(b.order_count) AS order_count, SUM(b.total) AS total,
                          SUM(b.w_count) AS w_count, SUM(b.w_total) AS w_total
                     FROM (%s) b
                    GROUP BY b.partner_id""",
                SQL(" UNION ALL ").join(SQL("(%s)", q) for q in per_source),
            )
        # The read is planned for a large range: sorted aggregates, hash and
        # merge joins, no nested loop (50,000 index probes), enough memory for
        # the hashes, no JIT, no parallel workers (each would aggregate the
        # purchases again). Local to the transaction, restored after it.
        with local_settings(
            cr,
            jit="off",
            work_mem="256MB",
            enable_nestloop="off",
            enable_hashagg="off",
            max_parallel_workers_per_gather=0,
        ):
            cr.execute(
                SQL(
                    """
                    WITH b AS (%(buyers)s),
                    new AS (
                        SELECT b.partner_id AS member_id, %(row)s
                          FROM b
                          JOIN res_partner p ON p.id = b.partner_id
                         WHERE p.id BETWEEN %(low)s AND %(high)s
                           AND p.is_retail_member AND p.company_id = %(company)s
                           AND p.commercial_partner_id = p.id
                           AND p.id <> ALL(%(complex)s)
                    ),
                    -- the rows to write: new buyers, changed figures, and rows
                    -- of members left without purchases (to delete)
                    diff AS MATERIALIZED (
                        SELECT COALESCE(new.member_id, s.partner_id) AS member_id,
                               new.member_id IS NULL AS gone,
                               s.partner_id IS NULL AS added,
                               new.first_date, new.last_date, new.order_count,
                               new.total, new.avg_ticket, new.w_count, new.w_total
                          FROM new
                          FULL JOIN (SELECT * FROM retail_member_stats
                                      WHERE partner_id BETWEEN %(low)s AND %(high)s) s
                                 ON s.partner_id = new.member_id
                         WHERE new.member_id IS NULL OR s.partner_id IS NULL
                            OR %(differ)s
                    ),
                    changed AS (
                        UPDATE retail_member_stats s
                           SET first_purchase_date = d.first_date,
                               last_purchase_date = d.last_date,
                               order_count = d.order_count,
                               total_spent = d.total,
                               avg_ticket = d.avg_ticket,
                               window_order_count = d.w_count,
                               window_spent = d.w_total
                          FROM diff d
                         WHERE NOT d.gone AND NOT d.added
                           AND s.partner_id = d.member_id
                           AND s.partner_id BETWEEN %(low)s AND %(high)s
                     RETURNING s.partner_id
                    ),
                    added AS (
                        INSERT INTO retail_member_stats
                               (partner_id, first_purchase_date, last_purchase_date,
                                order_count, total_spent, avg_ticket,
                                window_order_count, window_spent)
                        SELECT member_id, first_date, last_date, order_count, total,
                               avg_ticket, w_count, w_total
                          FROM diff d
                         WHERE d.added
                     RETURNING partner_id
                    ),
                    -- only the members of this range and company (the FULL JOIN
                    -- also yields rows of other partners)
                    emptied AS (
                        DELETE FROM retail_member_stats s
                         USING diff d
                         WHERE d.gone AND s.partner_id = d.member_id
                           AND s.partner_id BETWEEN %(low)s AND %(high)s
                           AND EXISTS (
                               SELECT 1 FROM res_partner m
                                WHERE m.id = d.member_id
                                  AND m.id BETWEEN %(low)s AND %(high)s
                                  AND m.is_retail_member
                                  AND m.company_id = %(company)s
                                  AND m.commercial_partner_id = m.id
                                  AND m.id <> ALL(%(complex)s)
                               OFFSET 0)
                     RETURNING s.partner_id
                    )
                    SELECT partner_id FROM changed
                     UNION ALL
                    SELECT partner_id FROM added
                     UNION ALL
                    SELECT partner_id FROM emptied
                    """,
                    buyers=buyers,
                    row=self._retail_stats_row_sql("b", company),
                    differ=SQL_STATS_DIFFER,
                    low=low,
                    high=high,
                    company=company.id,
                    complex=_sql_int_array(complex_ids),
                )
            )
            scanned = [row[0] for row in cr.fetchall()]
        if scanned:
            changed = self.browse(scanned)
            changed.invalidate_recordset(list(STATS_FIELDS))
            if not self.env.context.get("retail_stats_no_hooks"):
                changed._retail_on_purchase_stats_changed()
        return updated + scanned

    def _retail_on_members_created(self):
        """Hook called with new members, after ``create`` and after the bulk
        insert of an import (which does not go through ``create``)."""

    @api.model
    def _retail_derived_fields(self):
        """Fields computed by the CRM itself (SQL passes), never edited.

        Extended by each feature that derives fields of its own (stages,
        tiers, RFM scores). A merge of members skips them: they are
        recomputed for the surviving member right after.
        """
        return set(STATS_FIELDS)

    def _retail_on_purchase_stats_changed(self):
        """Hook called with the members whose statistics just changed."""

    @api.model
    def _retail_refresh_all_purchase_stats(
        self, batch_size=50000, cursor=0, scan_min=STATS_SCAN_MIN_MEMBERS, workers=1
    ):
        """Full refresh of every member, in batches of ``batch_size`` ids.

        Returns ``(batches, updated)``. Used by the cron and the benchmark.
        The members of a company in a batch are read by id range when they
        are at least ``scan_min``, else by ids (see _retail_refresh_stats_batch).

        ``workers`` > 1: the batches are refreshed ``workers`` at a time, each
        by a thread with its own database cursor, and committed one by one
        (:meth:`_retail_refresh_stats_parallel`). The workers only see what
        is committed: the caller commits its own changes first.
        """
        if workers > 1:
            return self._retail_refresh_stats_parallel(
                cursor, batch_size, workers, scan_min
            )
        batches = updated = 0
        while True:
            done, cursor, count = self._retail_refresh_stats_batch(
                cursor, batch_size, scan_min
            )
            if not done:
                return batches, updated
            batches += 1
            updated += count

    @api.model
    def _retail_refresh_stats_parallel(
        self,
        cursor,
        batch_size,
        workers,
        scan_min=STATS_SCAN_MIN_MEMBERS,
        on_progress=None,
    ):
        """Refresh the members after ``cursor`` by ``workers`` batches at once.

        Each worker thread has a database cursor of its own (PostgreSQL works
        on one core per connection: the workers use as many cores of the
        database server). In turn, under a lock, a worker takes the next batch
        (:meth:`_retail_stats_batch_groups`), then refreshes it and commits
        without waiting for the WAL flush (``synchronous_commit`` off: derived
        data; the restart position, committed by this thread afterwards,
        flushes the WAL before it, so a position that survives a crash never
        points past a lost batch). The current transaction is flushed but not
        committed: the workers read what is committed.

        ``on_progress(members, cursor)`` is called in this thread each time the
        batches up to ``cursor`` are all done, ``members`` being their count.
        When a batch fails, the workers take no more batches, those running
        end (committed), and the error is raised: a rerun from the last
        cursor given to ``on_progress`` redoes the rest (the refresh is
        idempotent). Returns ``(batches, updated)``.
        """
        self.env.flush_all()
        totals = {"batches": 0, "updated": 0, "members": 0}

        def take(env, position):
            groups = env["res.partner"]._retail_stats_batch_groups(position, batch_size)
            if not groups:
                return None
            return (position, groups), max(row[3] for row in groups)

        def work(env, batch):
            # A worker's transaction holds derived data only (statistics
            # recomputed from the orders): its commit need not wait for the
            # WAL flush. A crash may lose the last batches committed, which
            # the restart (or the next night) recomputes.
            env.cr.execute("SET LOCAL synchronous_commit TO OFF")
            position, groups = batch
            return env["res.partner"]._retail_refresh_stats_groups(
                groups, position, scan_min
            )

        def done(batch, result):
            members, end, updated = result
            totals["batches"] += 1
            totals["updated"] += updated
            totals["members"] += members
            if on_progress:
                on_progress(totals["members"], end)

        try:
            run_batches_in_workers(self.env, workers, cursor, take, work, done)
        finally:
            # the workers changed members behind this environment's cache
            self.env.invalidate_all()
        return totals["batches"], totals["updated"]

    @api.model
    def _retail_refresh_stats_batch(
        self, cursor, batch_size, scan_min=STATS_SCAN_MIN_MEMBERS
    ):
        """Refresh the members with ``id > cursor``, at most ``batch_size``.

        Returns ``(members, new_cursor, updated)``. The members of a company
        are refreshed by their id range (:meth:`_retail_update_stats_range`,
        one scan of the range's purchases) when they are at least
        ``scan_min``, else by their ids (:meth:`_retail_update_stats_sql`).
        """
        self.env.flush_all()
        return self._retail_refresh_stats_groups(
            self._retail_stats_batch_groups(cursor, batch_size), cursor, scan_min
        )

    @api.model
    def _retail_stats_batch_groups(self, cursor, batch_size):
        """The batch of the full refresh after ``cursor``: the members with
        ``id > cursor``, at most ``batch_size``, as ``(company_id, count,
        min_id, max_id)`` per company."""
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, count(*), min(id), max(id)
                  FROM (SELECT id, company_id FROM res_partner
                         WHERE is_retail_member AND id > %s
                         ORDER BY id LIMIT %s) batch
                 GROUP BY company_id
                """,
                cursor,
                batch_size,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _retail_refresh_stats_groups(self, groups, cursor, scan_min):
        """Refresh the batch ``groups`` (:meth:`_retail_stats_batch_groups`).
        Returns ``(members, new_cursor, updated)``."""
        cr = self.env.cr
        members = updated = 0
        for company_id, count, low, high in groups:
            company = self.env["res.company"].browse(company_id)
            if count >= scan_min:
                # every member of the company between low and high is in the
                # batch (the batch is all the members of an id range)
                changed = self._retail_update_stats_range(company, low, high)
            else:
                cr.execute(
                    "SELECT id FROM res_partner WHERE is_retail_member"
                    " AND company_id = %s AND id BETWEEN %s AND %s ORDER BY id",
                    (company_id, low, high),
                )
                ids = [row[0] for row in cr.fetchall()]
                changed = self._retail_update_stats_sql(company, ids)
            updated += len(changed)
            members += count
            cursor = max(cursor, high)
        return members, cursor, updated

    @api.model
    def _cron_retail_refresh_purchase_stats(self, batch_size=50000):
        """Nightly full refresh: batched, committed per batch, restartable.

        The position is kept in ``retail_crm.stats_refresh_cursor`` as
        ``<date>:<last member id>`` after each batch, so a run that is
        interrupted resumes where it stopped on the same day (and starts over
        on another day); a complete run clears it. With more than one worker
        (:meth:`_retail_nightly_workers`) the batches run in parallel
        transactions, and the position is the end of the last batch whose
        batches before it are all done.
        """
        params = self.env["ir.config_parameter"].sudo()
        key = "retail_crm.stats_refresh_cursor"
        today = fields.Date.to_string(fields.Date.today())
        day, __, last = (params.get_param(key) or "").partition(":")
        cursor = int(last) if day == today and last.isdigit() else 0
        self.env.cr.execute(
            "SELECT count(*) FROM res_partner WHERE is_retail_member AND id > %s",
            (cursor,),
        )
        total = self.env.cr.fetchone()[0]
        cron = self.env["ir.cron"]
        # registry.in_test_mode() is only set by HTTP tests: use the flag of
        # the test runner, set for every test.
        testing = getattr(threading.current_thread(), "testing", False)
        workers = self._retail_nightly_workers()
        progress = {"done": 0}

        def batch_done(done, position):
            """The members up to ``position`` are refreshed (``done`` of them
            in this run): remember the position, report, commit."""
            progress["done"] = done
            params.set_param(key, f"{today}:{position}")
            cron._notify_progress(done=done, remaining=max(total - done, 0))
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit

        if total and workers > 1:
            self.env.cr.commit()  # pylint: disable=invalid-commit
            self._retail_refresh_stats_parallel(
                cursor, batch_size, workers, on_progress=batch_done
            )
        elif total:
            while True:
                done, cursor, __ = self._retail_refresh_stats_batch(cursor, batch_size)
                if not done:
                    break
                batch_done(progress["done"] + done, cursor)
        # a complete run forgets its position: the next run starts over
        params.set_param(key, False)
        return progress["done"]

    @api.model
    def _retail_nightly_workers(self):
        """Database connections of the nightly member jobs: the system
        parameter ``retail_crm.nightly_workers`` (1: one batch at a time, in
        the cron's own transaction), NIGHTLY_WORKERS when it is not set or
        not a positive number; 1 in tests (other connections cannot see the
        test's data)."""
        # registry.in_test_mode() is only set by HTTP tests: the flag of the
        # test runner is set for every test
        if getattr(threading.current_thread(), "testing", False):
            return 1
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("retail_crm.nightly_workers", "")
        )
        value = value.strip()
        if value.isdigit() and int(value) >= 1:
            return int(value)
        if value:
            _logger.warning(
                "retail_crm.nightly_workers=%r is not a positive number: %s workers",
                value,
                NIGHTLY_WORKERS,
            )
        return NIGHTLY_WORKERS
