# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member import from Excel/CSV.

Scripts drive it in three lines::

    wizard = env["retail.member.import"].create({
        "file": base64.b64encode(content),
        "file_name": "members.xlsx",
        "store_id": store.id,
        "duplicate_strategy": "fill",   # or "skip", "overwrite"
    })
    wizard.action_import()              # or action_dry_run()
    wizard.count_new, wizard.count_update, wizard.count_invalid, ...

Columns are mapped automatically (see ``tools/member_rows.py``) unless
mapping lines or a template are given. The rules live in plain functions;
this model reads the file, resolves stores, associates, tags and existing
members per batch, and writes each batch in a savepoint.
"""

import base64
import io
import json
import logging
import time
from collections import Counter

import psycopg2.errors
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.retail_member_import_history import DUPLICATE_STRATEGIES
from ..tools import member_rows as mr
from ..tools.planner import index_probes

_logger = logging.getLogger(__name__)

# Clean value -> res.partner field, for comparisons and writes.
PARTNER_FIELDS = {
    "name": "name",
    "mobile": "mobile",
    "birthday": "retail_birthday",
    "gender": "retail_gender",
    "email": "email",
    "unionid": "retail_wechat_unionid",
}
# Columns of res_partner the lookups of an import filter on (see
# _ImportContext.refresh_planner_statistics).
ANALYZED_COLUMNS = (
    "id",
    "active",
    "company_id",
    "is_retail_member",
    "retail_mobile",
    "retail_member_code",
    "retail_wechat_unionid",
    "retail_store_id",
)
CREATE_CONTEXT = {
    "retail_import_bulk": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "retail_channel": "import",
}


class RetailMemberImport(models.TransientModel):
    _name = "retail.member.import"
    _description = "Member Import"

    file = fields.Binary(attachment=False)
    file_name = fields.Char()
    store_id = fields.Many2one(
        "retail.store",
        required=True,
        default=lambda self: self.env.user._retail_home_store(),
        help="Home store of the imported members, unless the file has a store column.",
    )
    company_id = fields.Many2one(related="store_id.company_id")
    duplicate_strategy = fields.Selection(
        DUPLICATE_STRATEGIES,
        string="Existing Members",
        required=True,
        default="skip",
        help="What to do with a row matching an existing member (same "
        "mobile, member code or WeChat UnionID).",
    )
    template_id = fields.Many2one(
        "retail.member.import.template",
        string="Mapping Template",
        domain="[('store_id', '=', store_id)]",
    )
    template_name = fields.Char(string="Save Mapping As")
    line_ids = fields.One2many(
        "retail.member.import.line", "wizard_id", string="Column Mapping"
    )
    batch_size = fields.Integer(default=1000)
    state = fields.Selection(
        [("upload", "Upload"), ("mapping", "Mapping"), ("done", "Done")],
        default="upload",
        required=True,
    )
    preview_html = fields.Html(readonly=True, sanitize=False)
    count_total = fields.Integer(string="Rows", readonly=True)
    count_new = fields.Integer(string="New", readonly=True)
    count_update = fields.Integer(string="Updated", readonly=True)
    count_duplicate_file = fields.Integer(string="Duplicates in File", readonly=True)
    count_duplicate_existing = fields.Integer(
        string="Existing (unchanged)", readonly=True
    )
    count_invalid = fields.Integer(string="Invalid", readonly=True)
    progress = fields.Integer(readonly=True, help="Percentage of rows processed.")
    result_message = fields.Text(readonly=True)
    error_file = fields.Binary(readonly=True, attachment=False)
    error_file_name = fields.Char(readonly=True)
    history_id = fields.Many2one("retail.member.import.history", readonly=True)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_load(self):
        """Read the file, propose the column mapping and the preview."""
        self.ensure_one()
        self._check_import_rights()
        table = self._read_table()
        mapping = self._guess_mapping(table.headers)
        commands = [Command.clear()]
        for index, title in enumerate(table.headers):
            sample = next(
                (
                    mr.clean_text(raw[index])
                    for __, raw in table.rows[:20]
                    if index < len(raw) and mr.clean_text(raw[index])
                ),
                "",
            )
            commands.append(
                Command.create(
                    {
                        "column_index": index,
                        "column_title": title or "",
                        "field": mapping[index] or False,
                        "sample": sample[:100],
                    }
                )
            )
        self.write({"line_ids": commands, "state": "mapping"})
        self._set_preview(table)
        return self._reopen()

    def action_preview(self):
        """Refresh the preview with the edited mapping."""
        self.ensure_one()
        self._check_import_rights()
        self._set_preview(self._read_table())
        return self._reopen()

    def action_dry_run(self):
        """Count what the import would do, without writing anything."""
        self.ensure_one()
        self._run(dry_run=True)
        return self._reopen()

    def action_import(self):
        """Import the file synchronously; the one method scripts call.

        Fills the ``count_*`` fields, ``error_file`` and ``history_id``.
        """
        self.ensure_one()
        self._run(dry_run=False)
        return self._reopen()

    def _import_in_background(self):
        """Hook for large files, run as a job by OCA ``queue_job``.

        ``queue_job`` is not a dependency of this addon. An addon depending
        on it overrides :meth:`action_import` to call
        ``self.with_delay(description=...)._import_in_background()`` for
        files above a size, and this method (executed by the job runner, in
        the user's environment) does the import. Batches are written in
        savepoints inside the job's transaction; ``progress`` is updated
        per batch. Here it simply imports synchronously.
        """
        self.ensure_one()
        return self._run(dry_run=False)

    def action_save_template(self):
        """Save the current mapping as a template of the store."""
        self.ensure_one()
        self._check_import_rights()
        if not self.line_ids:
            raise UserError(
                self.env._("Load a file first: there is no mapping to save.")
            )
        mapping = {
            mr.header_key(line.column_title): line.field or ""
            for line in self.line_ids
            if mr.header_key(line.column_title)
        }
        name = self.template_name or self.template_id.name or self.file_name
        vals = {
            "name": name or self.env._("Mapping"),
            "store_id": self.store_id.id,
            "duplicate_strategy": self.duplicate_strategy,
            "mapping": json.dumps(mapping, ensure_ascii=False, sort_keys=True),
        }
        template = self.template_id
        if template and (not self.template_name or template.name == self.template_name):
            template.write(vals)
        else:
            template = self.env["retail.member.import.template"].create(vals)
        self.template_id = template
        return self._reopen()

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.duplicate_strategy = self.template_id.duplicate_strategy or "skip"
            saved = self.template_id._get_mapping()
            for line in self.line_ids:
                key = mr.header_key(line.column_title)
                if key in saved:
                    line.field = saved[key] or False

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Members"),
        }

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _check_import_rights(self):
        role = self.env.user._retail_role()
        if role not in ("hq", "manager"):
            raise AccessError(
                self.env._("Only HQ and store managers can import members.")
            )
        if role == "manager" and self.store_id not in self.env.user.retail_store_ids:
            raise AccessError(
                self.env._("You can only import members into the stores you work in.")
            )

    def _file_content(self):
        if not self.file:
            raise UserError(self.env._("Choose a file to import."))
        # Refuse before decoding: base64 is 4/3 of the size.
        if len(self.file) * 3 // 4 > mr.MAX_FILE_SIZE + 3:
            raise self._file_user_error(
                mr.ImportFileError(
                    "too_large", size=len(self.file) * 3 // 4, max_size=mr.MAX_FILE_SIZE
                )
            )
        try:
            return base64.b64decode(self.file)
        except ValueError as exc:
            raise self._file_user_error(mr.ImportFileError("corrupted")) from exc

    def _read_table(self):
        content = self._file_content()
        try:
            return mr.read_table(content, self.file_name)
        except mr.ImportFileError as err:
            raise self._file_user_error(err) from err

    def _file_user_error(self, err):
        params = err.params
        _ = self.env._
        if err.code == "too_large":
            message = _(
                "The file is too large (%(size)s MB); the limit is %(max)s MB. "
                "Split it into several files.",
                size=round(params["size"] / 1024 / 1024, 1),
                max=round(params["max_size"] / 1024 / 1024),
            )
        elif err.code == "extension":
            message = _(
                "Files of type .%(extension)s cannot be imported: use an "
                "Excel file (.xlsx, .xls) or a CSV file (.csv).",
                extension=params["extension"],
            )
        elif err.code == "encrypted":
            message = _(
                "The file is protected by a password. Open it in Excel, "
                "remove the password and save it again."
            )
        elif err.code == "empty":
            message = _("The file is empty: its first visible sheet has no data.")
        elif err.code == "no_rows":
            message = _("The file has a header row but no member rows.")
        elif err.code == "too_many_rows":
            message = _(
                "The file has more than %(max)s rows; split it into several files.",
                max=params["max_rows"],
            )
        elif err.code == "encoding":
            message = _(
                "The text encoding of the file is not recognised. Save it "
                "as CSV UTF-8 or as an Excel file."
            )
        elif err.code == "no_mobile_column":
            message = _(
                "No column is mapped to the mobile number: map one column to Mobile."
            )
        else:
            message = _(
                "The file %(name)s is damaged or is not a spreadsheet.",
                name=self.file_name or "",
            )
        return UserError(message)

    def _guess_mapping(self, headers):
        saved = self.template_id._get_mapping() if self.template_id else None
        return mr.guess_mapping(headers, saved)

    def _mapping(self, headers):
        """Field of each column of the file: mapping lines, else guessed."""
        if self.line_ids:
            mapping = [False] * len(headers)
            used = set()
            for line in self.line_ids.sorted("column_index"):
                if (
                    line.field
                    and line.column_index < len(mapping)
                    and line.field not in used
                ):
                    mapping[line.column_index] = line.field
                    used.add(line.field)
        else:
            mapping = self._guess_mapping(headers)
        if "mobile" not in mapping:
            raise self._file_user_error(mr.ImportFileError("no_mobile_column"))
        return mapping

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def _run(self, dry_run, rows=None, preview=None, table=None):
        """Import (or count) the rows of the file.

        ``preview``: a list receiving ``(row number, status, values,
        reason)`` for each row, for :meth:`_set_preview`.
        """
        self.ensure_one()
        self._check_import_rights()
        started = time.time()
        table = table or self._read_table()
        mapping = self._mapping(table.headers)
        rows = table.rows if rows is None else rows
        ctx = _ImportContext(self, mapping, table, dry_run, preview)
        batch_size = max(self.batch_size or 1000, 1)
        total = len(rows)
        for start in range(0, total, batch_size):
            batch = rows[start : start + batch_size]
            self._process_batch(ctx, batch)
            progress = min(100, (start + len(batch)) * 100 // max(total, 1))
            if preview is None:
                # Seen by the user when the import runs as a background job.
                self.progress = progress
            _logger.info(
                "Member import %s: %s/%s rows (%s%%)",
                self.file_name,
                start + len(batch),
                total,
                progress,
            )
        if preview is not None:
            return ctx
        counts = ctx.counts
        vals = {
            "count_total": total,
            "count_new": counts["new"],
            "count_update": counts["update"],
            "count_duplicate_file": counts["duplicate_file"],
            "count_duplicate_existing": counts["duplicate_existing"],
            "count_invalid": counts["invalid"],
            "progress": 100,
            "state": "done",
            "error_file": False,
            "error_file_name": False,
        }
        if ctx.rejected:
            vals["error_file"] = base64.b64encode(
                self._error_file(table.headers, ctx.rejected)
            )
            stem = (self.file_name or "members").rsplit(".", 1)[0]
            vals["error_file_name"] = f"{stem}-errors.xlsx"
        vals["result_message"] = self._result_message(vals, dry_run)
        if not dry_run:
            # sudo: the history is append-only; nobody has create access,
            # it is written here only, from the import just done.
            vals["history_id"] = (
                self.env["retail.member.import.history"]
                .sudo()
                .create(
                    {
                        "file_name": self.file_name,
                        "user_id": self.env.uid,
                        "store_id": self.store_id.id,
                        "company_id": self.store_id.company_id.id,
                        "duplicate_strategy": self.duplicate_strategy,
                        "mapping": json.dumps(
                            {
                                title or str(i + 1): field or ""
                                for i, (title, field) in enumerate(
                                    zip(table.headers, mapping, strict=False)
                                )
                            },
                            ensure_ascii=False,
                        ),
                        "count_total": total,
                        "count_new": vals["count_new"],
                        "count_update": vals["count_update"],
                        "count_duplicate_file": vals["count_duplicate_file"],
                        "count_duplicate_existing": vals["count_duplicate_existing"],
                        "count_invalid": vals["count_invalid"],
                        "duration": time.time() - started,
                        "error_file": vals["error_file"],
                        "error_file_name": vals["error_file_name"],
                        "message": vals["result_message"],
                    }
                )
                .id
            )
        self.write(vals)
        return ctx

    def _result_message(self, vals, dry_run):
        params = {
            "total": vals["count_total"],
            "new": vals["count_new"],
            "update": vals["count_update"],
            "dup_file": vals["count_duplicate_file"],
            "dup_existing": vals["count_duplicate_existing"],
            "invalid": vals["count_invalid"],
        }
        if dry_run:
            return self.env._(
                "Dry run of %(total)s rows: %(new)s new members, %(update)s "
                "updates, %(dup_file)s duplicates inside the file, "
                "%(dup_existing)s existing members left unchanged, "
                "%(invalid)s invalid rows. Nothing was saved.",
                **params,
            )
        return self.env._(
            "%(total)s rows imported: %(new)s new members, %(update)s "
            "updated, %(dup_file)s duplicates inside the file, "
            "%(dup_existing)s existing members left unchanged, %(invalid)s "
            "invalid rows (see the error file).",
            **params,
        )

    def _process_batch(self, ctx, batch):
        """Clean, match and write one batch of rows."""
        items = self._clean_items(ctx, batch)
        if not items:
            return
        existing = self._prefetch_members(ctx, items)
        creates, updates = [], []
        for item in items:
            self._classify(ctx, item, existing)
            if item["status"] == "new":
                creates.append(item)
            elif item["status"] == "update":
                updates.append(item)
        if ctx.dry_run:
            for item in creates + updates:
                ctx.accept(item)
            return
        self._assign_codes(ctx, creates)
        self._write_batch(ctx, creates, updates)
        # Written rows are not read again: free the memory of the batch.
        self.env.invalidate_all()
        ctx.refresh_planner_statistics(len(creates))

    def _clean_items(self, ctx, batch):
        """Valid rows of the batch that are not duplicates inside the file."""
        items = []
        for number, raw in batch:
            values, errors = mr.clean_row(raw, ctx.mapping, ctx.region, ctx.today)
            if not errors:
                errors = ctx.resolve(values)
            if errors:
                ctx.reject(number, raw, values, self._reason(*errors[0]))
                continue
            earlier = ctx.file_dedup.check(number, values)
            if earlier:
                ctx.reject(
                    number,
                    raw,
                    values,
                    self.env._("Same member as row %(row)s of the file.", row=earlier),
                    status="duplicate_file",
                )
                continue
            items.append({"number": number, "raw": raw, "values": values})
        return items

    def _write_batch(self, ctx, creates, updates):
        """Write a batch in a savepoint; if it fails, row by row."""
        try:
            with self.env.cr.savepoint():
                self._write_items(ctx, creates, updates)
        except Exception as exc:  # noqa: BLE001 - any failure: retry row by row
            _logger.info(
                "Member import batch failed (%s), retrying its rows one by one", exc
            )
        else:
            for item in creates + updates:
                ctx.accept(item)
            return
        for item in creates + updates:
            try:
                with self.env.cr.savepoint():
                    if item["status"] == "new":
                        self._write_items(ctx, [item], [])
                    else:
                        self._write_items(ctx, [], [item])
            except Exception as row_exc:  # noqa: BLE001
                ctx.reject(
                    item["number"],
                    item["raw"],
                    item["values"],
                    self._exception_reason(row_exc),
                )
            else:
                ctx.accept(item)

    @api.model
    def _exception_reason(self, exc):
        text = getattr(exc, "args", None) and exc.args[0] or str(exc)
        return str(text).splitlines()[0][:500] if text else exc.__class__.__name__

    def _prefetch_members(self, ctx, items):
        """Existing members of the company sharing a key with the rows:
        one query per batch. Returns ``{(key, value): row dict}``."""
        mobiles, codes, unionids = set(), set(), set()
        for item in items:
            values = item["values"]
            mobiles.add(values["mobile"])
            if values.get("member_code"):
                codes.add(values["member_code"])
            if values.get("unionid"):
                unionids.add(values["unionid"])
        self.env["res.partner"].flush_model()
        # driven by the keys, one index probe each (see index_probes): a
        # scan of the company's members is what the planner prefers for
        # 1,000 keys while an import grows the table (40 ms at 90,000 rows)
        probes = SQL(" UNION ALL ").join(
            SQL(
                """
                SELECT m.id
                  FROM unnest(%s::varchar[]) AS u(k)
                 CROSS JOIN LATERAL (
                       SELECT id FROM res_partner WHERE %s = u.k OFFSET 0) m
                """,
                sorted(keys),
                SQL.identifier(column),
            )
            for column, keys in (
                ("retail_mobile", mobiles),
                ("retail_member_code", codes),
                ("retail_wechat_unionid", unionids),
            )
        )
        with index_probes(self.env.cr):
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.id, p.active, p.name, p.retail_mobile,
                           p.retail_member_code, p.retail_wechat_unionid,
                           p.email, p.retail_birthday, p.retail_gender,
                           p.retail_store_id, p.user_id,
                           ARRAY(SELECT r.category_id
                                   FROM res_partner_res_partner_category_rel r
                                  WHERE r.partner_id = p.id
                                  ORDER BY r.category_id)
                      FROM (SELECT DISTINCT k.id FROM (%s) k) k
                     CROSS JOIN LATERAL (
                           SELECT * FROM res_partner
                            WHERE id = k.id AND is_retail_member
                              AND company_id = %s
                           OFFSET 0) p
                     ORDER BY p.active DESC, p.id
                    """,
                    probes,
                    ctx.company.id,
                )
            )
            rows = self.env.cr.fetchall()
        found = {}
        columns = (
            "id",
            "active",
            "name",
            "mobile",
            "member_code",
            "unionid",
            "email",
            "birthday",
            "gender",
            "store_id",
            "user_id",
            "tag_ids",
        )
        for row in rows:
            member = dict(zip(columns, row, strict=True))
            for key in ("mobile", "member_code", "unionid"):
                if member[key]:
                    found.setdefault((key, member[key]), member)
        return found

    def _classify(self, ctx, item, existing):
        """Set the item's status: new, update, duplicate_existing, invalid."""
        values = item["values"]
        matches = []
        for key in mr.dedup_keys(values):
            member = existing.get(key)
            if member and member not in matches:
                matches.append(member)
        if not matches:
            item["status"] = "new"
            return
        member = matches[0]
        item["member"] = member
        earlier = ctx.matched.get(member["id"])
        if earlier:
            # Another row of the file already describes this member.
            ctx.reject(
                item["number"],
                item["raw"],
                values,
                self.env._("Same member as row %(row)s of the file.", row=earlier),
                status="duplicate_file",
            )
            item["status"] = "duplicate_file"
            return
        ctx.matched[member["id"]] = item["number"]
        if len(matches) > 1:
            item["status"] = "invalid"
            item["reason"] = self.env._(
                "The mobile, member code or UnionID of this row belong to "
                "different existing members (%(codes)s).",
                codes=", ".join(m["member_code"] or str(m["id"]) for m in matches),
            )
        elif not member["active"]:
            item["status"] = "invalid"
            item["reason"] = self.env._(
                "This row matches the archived member %(code)s.",
                code=member["member_code"] or member["id"],
            )
        elif self.duplicate_strategy == "skip":
            item["status"] = "duplicate_existing"
        else:
            changes = self._member_changes(ctx, values, member)
            if not changes:
                item["status"] = "duplicate_existing"
            elif member["id"] not in ctx.writable(member["id"]):
                item["status"] = "invalid"
                item["reason"] = self.env._(
                    "This member already exists in a store you cannot "
                    "change (%(code)s).",
                    code=member["member_code"] or member["id"],
                )
            else:
                item["status"] = "update"
                item["changes"] = changes
        if item["status"] == "invalid":
            ctx.reject(item["number"], item["raw"], values, item["reason"])
        elif item["status"] == "duplicate_existing":
            ctx.counts["duplicate_existing"] += 1
            ctx.add_preview(item["number"], "duplicate_existing", values, "")

    def _member_changes(self, ctx, values, member):
        """Values to write on ``member`` for the chosen strategy."""
        overwrite = self.duplicate_strategy == "overwrite"
        changes = {}
        for key, fname in PARTNER_FIELDS.items():
            new = values.get(key)
            if not new:
                continue
            old = member[key]
            if old == new:
                continue
            if old and not overwrite:
                continue
            changes[fname] = new
        store_id = values.get("store_id")
        if store_id and overwrite and store_id != member["store_id"]:
            changes["retail_store_id"] = store_id
        user_id = values.get("user_id")
        if user_id and user_id != member["user_id"]:
            if overwrite or not member["user_id"]:
                changes["user_id"] = user_id
        tag_ids = values.get("tag_ids")
        if tag_ids:
            ids = sorted(tag_ids)
            if ids != sorted(member["tag_ids"] or []) and (
                overwrite or not member["tag_ids"]
            ):
                changes["category_id"] = [Command.set(ids)]
        return changes

    def _assign_codes(self, ctx, creates):
        """Member codes of the new rows without one: reserved set-based."""
        missing = [i for i in creates if not i["values"].get("member_code")]
        if not missing:
            return
        codes = ctx.reserve_codes(len(missing))
        for item, code in zip(missing, codes, strict=True):
            item["code"] = code

    def _write_items(self, ctx, creates, updates):
        """Create and update the members of a batch (inside a savepoint)."""
        if creates:
            self._create_members(ctx, creates)
        for item in updates:
            ctx.partners.browse(item["member"]["id"]).write(item["changes"])
        ctx.partners.flush_model()

    def _create_members(self, ctx, creates):
        """Create the new members of a batch set-based (one SQL insert)."""
        return ctx.partners._retail_bulk_create_members(
            [self._member_vals(ctx, item) for item in creates]
        )

    def _member_vals(self, ctx, item):
        """``create`` values of the new member of ``item``."""
        values = item["values"]
        vals = dict(ctx.partner_defaults())
        vals |= {
            "name": values["name"],
            "mobile": values["mobile"],
            "is_retail_member": True,
            "company_id": ctx.company.id,
            "retail_store_id": values.get("store_id") or self.store_id.id,
            "user_id": values.get("user_id") or False,
            "retail_channel": "import",
            "retail_join_date": ctx.today,
            "retail_member_code": values.get("member_code") or item.get("code"),
        }
        for key in ("birthday", "gender", "email", "unionid"):
            if values.get(key):
                vals[PARTNER_FIELDS[key]] = values[key]
        if values.get("tag_ids"):
            vals["category_id"] = [Command.set(values["tag_ids"])]
        return vals

    # ------------------------------------------------------------------
    # Reporting
    # ------------------------------------------------------------------
    def _reason(self, code, params):
        """Translated reason of a row error code of ``member_rows``."""
        _ = self.env._
        value = params.get("value", "")
        messages = {
            "phone_empty": lambda: _("The mobile number is empty."),
            "phone_invalid": lambda: _(
                "%(value)s is not a valid phone number.", value=value
            ),
            "phone_not_mobile": lambda: _(
                "%(value)s is not a mobile number (landline or service number).",
                value=value,
            ),
            "phone_scientific": lambda: _(
                "The mobile %(value)s was saved by Excel in scientific "
                "notation and lost digits: format the column as text and "
                "export again.",
                value=value,
            ),
            "mobile_missing": lambda: _("The mobile number is missing."),
            "name_missing": lambda: _("The name is missing."),
            "date_invalid": lambda: _(
                "%(value)s is not a date (use e.g. 1990-01-02).", value=value
            ),
            "date_future": lambda: _(
                "The birthday %(value)s is in the future.", value=value
            ),
            "date_too_old": lambda: _(
                "The birthday %(value)s is before 1900.", value=value
            ),
            "gender_invalid": lambda: _(
                "%(value)s is not a gender (男/女, M/F, male/female).", value=value
            ),
            "points_invalid": lambda: _("%(value)s is not a number.", value=value),
            "email_invalid": lambda: _(
                "%(value)s is not a valid email address.", value=value
            ),
            "store_unknown": lambda: _(
                "No store has the code or name %(value)s.", value=value
            ),
            "store_forbidden": lambda: _(
                "You cannot import members into the store %(value)s.", value=value
            ),
            "associate_unknown": lambda: _(
                "%(value)s is not an associate of the store %(store)s.",
                value=value,
                store=params.get("store", ""),
            ),
        }
        builder = messages.get(code)
        return builder() if builder else code

    @api.model
    def _error_file(self, headers, rejected):
        """An .xlsx of the rejected rows: row number, reason, original cells.

        Cells that a spreadsheet would run as formulas are neutralised.
        """
        import xlsxwriter  # dependency of Odoo itself

        output = io.BytesIO()
        book = xlsxwriter.Workbook(
            output,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        sheet = book.add_worksheet(self.env._("Errors")[:31])
        bold = book.add_format({"bold": True})
        titles = [self.env._("Row"), self.env._("Reason")] + [h or "" for h in headers]
        for col, title in enumerate(titles):
            sheet.write_string(0, col, str(mr.neutralize_cell(title)), bold)
        for line, (number, raw, reason) in enumerate(rejected, 1):
            sheet.write_number(line, 0, number)
            sheet.write_string(line, 1, str(mr.neutralize_cell(reason)))
            for col, cell in enumerate(raw, 2):
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    sheet.write_number(line, col, cell)
                elif cell is not None:
                    text = cell if isinstance(cell, str) else mr.clean_text(cell)
                    sheet.write_string(line, col, mr.neutralize_cell(text))
        book.close()
        return output.getvalue()

    def _set_preview(self, table):
        preview = []
        self._run(
            dry_run=True,
            rows=table.rows[: mr.PREVIEW_ROWS],
            preview=preview,
            table=table,
        )
        _ = self.env._
        statuses = {
            "new": _("New"),
            "update": _("Update"),
            "duplicate_file": _("Duplicate in file"),
            "duplicate_existing": _("Existing member"),
            "invalid": _("Invalid"),
        }
        columns = [
            ("name", _("Name")),
            ("mobile", _("Mobile")),
            ("birthday", _("Birthday")),
            ("gender", _("Gender")),
            ("member_code", _("Member Code")),
            ("store", _("Store")),
            ("associate", _("Associate")),
            ("tags", _("Tags")),
            ("email", _("Email")),
            ("unionid", _("WeChat UnionID")),
        ]
        head = Markup("").join(
            Markup("<th>%s</th>") % title
            for title in [_("Row"), _("Status")]
            + [c[1] for c in columns]
            + [_("Reason")]
        )
        body = Markup("")
        for number, status, values, reason in sorted(preview, key=lambda p: p[0]):
            cells = [str(number), statuses.get(status, status)]
            for key, __ in columns:
                value = values.get(key)
                if isinstance(value, list):
                    value = ", ".join(value)
                cells.append("" if value in (None, False) else str(value))
            cells.append(reason or "")
            body += Markup("<tr>%s</tr>") % Markup("").join(
                Markup("<td>%s</td>") % escape(c) for c in cells
            )
        self.preview_html = Markup(
            '<table class="table table-sm table-striped o_retail_import_preview">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, body)


class _ImportContext:
    """State of one import run: lookups, counters and rejected rows."""

    def __init__(self, wizard, mapping, table, dry_run, preview):
        env = wizard.env
        self.wizard = wizard
        self.env = env
        self.mapping = mapping
        self.dry_run = dry_run
        self.preview = preview
        self.store = wizard.store_id
        self.company = wizard.store_id.company_id
        self.region = self.company.retail_phone_region or "CN"
        self.today = fields.Date.context_today(wizard)
        self.partners = env["res.partner"].with_context(**CREATE_CONTEXT)
        self.counts = Counter()
        self.rejected = []
        self.file_dedup = mr.FileDedup()
        # Existing member id -> first row of the file matching it.
        self.matched = {}
        self.role = env.user._retail_role()
        self._writable = {}
        self._sequence = None
        self._partner_defaults = None
        # Stores of the company, by code and by name (case-insensitive).
        stores = env["retail.store"].search([("company_id", "=", self.company.id)])
        self.stores = {}
        for store in stores:
            self.stores.setdefault(store.name.casefold(), store)
            self.stores[store.code.casefold()] = store
        self.allowed_stores = stores if self.role == "hq" else env.user.retail_store_ids
        self._staff = {}
        self._tags = None
        self.created_since_analyze = 0
        self.known_rows = None
        self.lock_timeout = None
        # Codes written in the file: generated codes must avoid them.
        self.file_codes = set()
        if "member_code" in mapping:
            index = mapping.index("member_code")
            for __, raw in table.rows:
                if index < len(raw):
                    code = mr.clean_text(raw[index]).upper()
                    if code:
                        self.file_codes.add(code)

    # Planner statistics -------------------------------------------------
    def refresh_planner_statistics(self, created):
        """ANALYZE the member columns of res_partner when the import has
        grown the table well past what its statistics describe.

        A first import into a young database doubles res_partner many times
        inside one transaction, which autovacuum cannot see: with statistics
        of an almost empty table, PostgreSQL plans the statements of the
        following batches (stage refresh, tags, constraints of other addons)
        for a table of a few rows. ANALYZE in the transaction samples its
        own new rows; it runs when the rows created since the last one
        exceed the rows the statistics know (after the first batch, then
        each time the table doubles: a few tenths of a second in all). The
        key lookups of a batch do not depend on it (see index_probes).
        """
        self.created_since_analyze += created
        if self.known_rows is None:
            self.env.cr.execute("SHOW lock_timeout")
            self.lock_timeout = self.env.cr.fetchone()[0]
            # counted, not read from pg_class: reltuples is written in place
            # by ANALYZE and VACUUM and survives a rolled back import
            self.env.cr.execute("SELECT count(*) FROM res_partner")
            self.known_rows = self.env.cr.fetchone()[0]
        if not self.created_since_analyze or (
            self.created_since_analyze < self.known_rows
        ):
            return
        self.env.flush_all()
        cr = self.env.cr
        # ANALYZE keeps its lock on res_partner until the import commits:
        # another import running meanwhile (or autovacuum) holds it, and
        # this one then goes on without, rather than waiting for it.
        try:
            with cr.savepoint(flush=False):
                cr.execute("SELECT set_config('lock_timeout', '50ms', true)")
                cr.execute(
                    SQL(
                        "ANALYZE res_partner (%s)",
                        SQL(", ").join(
                            SQL.identifier(name) for name in ANALYZED_COLUMNS
                        ),
                    ),
                    log_exceptions=False,
                )
                cr.execute(
                    "SELECT set_config('lock_timeout', %s, true)", [self.lock_timeout]
                )
        except psycopg2.errors.LockNotAvailable:
            _logger.info("Member import: res_partner is being analyzed elsewhere")
            return
        self.known_rows += self.created_since_analyze
        self.created_since_analyze = 0

    # Resolution of store, associate and tags ---------------------------
    def resolve(self, values):
        """Replace names by ids in ``values``; return the errors."""
        store = self.store
        if values.get("store"):
            store = self.stores.get(values["store"].casefold())
            if not store:
                return [("store_unknown", {"value": values["store"]})]
            if store not in self.allowed_stores:
                return [("store_forbidden", {"value": store.display_name})]
            values["store_id"] = store.id
        if values.get("associate"):
            user = self._associates(store).get(values["associate"].casefold())
            if not user:
                return [
                    (
                        "associate_unknown",
                        {"value": values["associate"], "store": store.display_name},
                    )
                ]
            values["user_id"] = user
        if values.get("tags"):
            values["tag_ids"] = self._tag_ids(values["tags"])
        return []

    def _associates(self, store):
        if store.id not in self._staff:
            # sudo: the staff list of a store is what the import matches
            # associates against; only ids, names and logins are used.
            users = store.sudo().staff_user_ids
            index = {}
            for user in users:
                index.setdefault(user.name.casefold(), user.id)
                index[user.login.casefold()] = user.id
            self._staff[store.id] = index
        return self._staff[store.id]

    def _tag_ids(self, names):
        Tag = self.env["res.partner.category"]
        if self._tags is None:
            self._tags = {}
            for tag in Tag.search_fetch([], ["name"]):
                self._tags.setdefault(tag.name.casefold(), tag.id)
        ids = []
        for name in names:
            key = name.casefold()
            if key not in self._tags:
                if self.dry_run:
                    self._tags[key] = -len(self._tags) - 1  # created on import
                else:
                    # sudo: tags are shared labels that only partner managers
                    # create in the UI; an import by a store manager may add
                    # the tags of its file (names only, nothing else).
                    self._tags[key] = Tag.sudo().create({"name": name}).id
            ids.append(self._tags[key])
        return ids

    def writable(self, member_id):
        """Ids among ``member_id`` the user may write (cached)."""
        if self.role == "hq":
            return {member_id}
        if member_id not in self._writable:
            partner = self.env["res.partner"].browse(member_id)
            self._writable[member_id] = bool(partner._filtered_access("write"))
        return {member_id} if self._writable[member_id] else set()

    def partner_defaults(self):
        """Default values of a new partner, computed once per import.

        ``create`` would compute them for every record (some defaults run a
        query each); they do not depend on the record, only on the context.
        """
        if self._partner_defaults is None:
            # all fields, as create() (some defaults, e.g. lang, come from
            # default_get overrides, not from a field default)
            self._partner_defaults = self.partners.default_get(
                list(self.partners._fields)
            )
        return self._partner_defaults

    # Member codes ------------------------------------------------------
    def reserve_codes(self, count):
        """``count`` free member codes: one nextval query per batch."""
        # sudo: the member code sequence is not readable by store managers;
        # only its numbers are drawn here, as res.partner does.
        seq = self.env["ir.sequence"].sudo().with_company(self.company)
        if self._sequence is None:
            self._sequence = seq.search(
                [
                    ("code", "=", "retail.member.code"),
                    ("company_id", "in", [self.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
            if not self._sequence:
                raise UserError(self.env._("The member code sequence is missing."))
        sequence = self._sequence
        codes = []
        while len(codes) < count:
            need = count - len(codes)
            if sequence.implementation == "standard" and not sequence.use_date_range:
                self.env.cr.execute(
                    SQL(
                        "SELECT nextval(%s) FROM generate_series(1, %s)",
                        f"ir_sequence_{sequence.id:03d}",
                        need,
                    )
                )
                prefix, suffix = sequence._get_prefix_suffix()
                drawn = [
                    f"{prefix}{row[0]:0{sequence.padding}d}{suffix}"
                    for row in self.env.cr.fetchall()
                ]
            else:
                drawn = [sequence._next() for __ in range(need)]
            with index_probes(self.env.cr):
                self.env.cr.execute(
                    SQL(
                        # one probe of the unique index per code
                        """
                        SELECT u.code
                          FROM unnest(%s::varchar[]) AS u(code)
                         WHERE EXISTS (SELECT 1 FROM res_partner
                                        WHERE company_id = %s
                                          AND retail_member_code = u.code
                                       OFFSET 0)
                        """,
                        drawn,
                        self.company.id,
                    )
                )
                used = {row[0] for row in self.env.cr.fetchall()}
            used |= self.file_codes
            codes += [code for code in drawn if code not in used]
        return codes

    # Outcomes ----------------------------------------------------------
    def reject(self, number, raw, values, reason, status="invalid"):
        self.counts[status] += 1
        self.rejected.append((number, list(raw), reason))
        self.add_preview(number, status, values, reason)

    def accept(self, item):
        self.counts[item["status"]] += 1
        self.add_preview(item["number"], item["status"], item["values"], "")

    def add_preview(self, number, status, values, reason):
        if self.preview is not None:
            self.preview.append((number, status, values, reason))
