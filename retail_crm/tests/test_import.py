# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Member import wizard: a corpus of bad inputs and the import rules."""

import base64
import io
import os
from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..tools import member_rows as mr
from ..wizards.retail_member_import import RetailMemberImport
from .test_import_rows import make_csv, make_xls, make_xlsx

MANAGER = "retail_crm.group_retail_store_manager"
ASSOCIATE = "retail_crm.group_retail_associate"
HQ = "retail_crm.group_retail_hq"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER = [
    "姓名",
    "手机号",
    "生日",
    "性别",
    "会员卡号",
    "门店",
    "导购",
    "标签",
    "邮箱",
    "unionid",
]


class MemberImportCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.Partner = cls.env["res.partner"]
        cls.company = cls.env["res.company"].create(
            {
                "name": "Import Test Company",
                "currency_id": cls.env.company.currency_id.id,
                "retail_phone_region": "CN",
            }
        )

        def user(login, group, name):
            return new_test_user(
                cls.env,
                login=login,
                groups=group,
                name=name,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                context=DISABLED_MAIL_CONTEXT,
            )

        cls.hq = user("rci_hq", HQ, "Import HQ")
        cls.manager = user("rci_m1", MANAGER, "Import Manager 1")
        cls.manager2 = user("rci_m2", MANAGER, "Import Manager 2")
        cls.associate = user("rci_a1", ASSOCIATE, "Wang Fang")
        Store = cls.env["retail.store"]
        cls.store = Store.create(
            {
                "name": "Jing'an Store",
                "code": "SH01",
                "company_id": cls.company.id,
                "manager_id": cls.manager.id,
                "staff_user_ids": [Command.set(cls.associate.ids)],
            }
        )
        cls.store2 = Store.create(
            {
                "name": "Xuhui Store",
                "code": "SH02",
                "company_id": cls.company.id,
                "manager_id": cls.manager2.id,
            }
        )
        cls.manager.retail_default_store_id = cls.store
        cls.existing = cls.Partner.create(
            {
                "name": "Existing Member",
                "mobile": "13900000001",
                "is_retail_member": True,
                "company_id": cls.company.id,
                "retail_store_id": cls.store.id,
                "retail_member_code": "EX0001",
                "user_id": False,
            }
        )

    def _wizard(self, content, file_name="members.xlsx", user=None, **vals):
        env = self.env(user=user or self.hq)
        return env["retail.member.import"].create(
            dict(
                {
                    "file": base64.b64encode(content),
                    "file_name": file_name,
                    "store_id": self.store.id,
                    "duplicate_strategy": "skip",
                },
                **vals,
            )
        )

    def _import(self, rows, file_name="members.xlsx", dry_run=False, **vals):
        content = make_csv(rows) if file_name.endswith(".csv") else make_xlsx(rows)
        wizard = self._wizard(content, file_name, **vals)
        if dry_run:
            wizard.action_dry_run()
        else:
            wizard.action_import()
        return wizard

    def _counts(self, wizard):
        return {
            "new": wizard.count_new,
            "update": wizard.count_update,
            "duplicate_file": wizard.count_duplicate_file,
            "duplicate_existing": wizard.count_duplicate_existing,
            "invalid": wizard.count_invalid,
        }

    def _error_rows(self, wizard):
        """Rows of the error file, header first."""
        import openpyxl

        self.assertTrue(wizard.error_file)
        book = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.error_file)), read_only=True
        )
        return [list(r) for r in book.active.iter_rows(values_only=True)]

    def _member(self, mobile):
        return self.Partner.search(
            [
                ("retail_mobile", "=", mobile),
                ("company_id", "=", self.company.id),
                ("is_retail_member", "=", True),
            ]
        )


def counts(new=0, update=0, duplicate_file=0, duplicate_existing=0, invalid=0):
    return {
        "new": new,
        "update": update,
        "duplicate_file": duplicate_file,
        "duplicate_existing": duplicate_existing,
        "invalid": invalid,
    }


def row(
    name="张三",
    mobile="13800138000",
    birthday=None,
    gender=None,
    code=None,
    store=None,
    associate=None,
    tags=None,
    email=None,
    unionid=None,
):
    return [
        name,
        mobile,
        birthday,
        gender,
        code,
        store,
        associate,
        tags,
        email,
        unionid,
    ]


def _future():
    return (date.today() + timedelta(days=30)).isoformat()


# File-level errors: (label, content builder, file name, words of the message).
FILE_ERRORS = [
    (
        "wrong extension",
        lambda: b"name,mobile\nLi,13800138000\n",
        "members.txt",
        ".txt",
    ),
    (
        "no extension",
        lambda: b"name,mobile\nLi,13800138000\n",
        "members",
        "cannot be imported",
    ),
    ("pdf", lambda: b"%PDF-1.4 garbage", "members.pdf", ".pdf"),
    (
        "encrypted xlsx (OLE container)",
        lambda: OLE + os.urandom(4096),
        "members.xlsx",
        "password",
    ),
    ("corrupted xls", lambda: OLE + os.urandom(4096), "members.xls", "damaged"),
    (
        "corrupted xlsx (zip magic)",
        lambda: b"PK\x03\x04" + os.urandom(2048),
        "members.xlsx",
        "damaged",
    ),
    ("corrupted xlsx (random)", lambda: os.urandom(2048), "members.xlsx", "damaged"),
    (
        "truncated xlsx",
        lambda: make_xlsx([HEADER, row()])[:300],
        "members.xlsx",
        "damaged",
    ),
    ("xlsx named .csv", lambda: make_xlsx([HEADER, row()]), "members.csv", "damaged"),
    ("empty file", lambda: b"", "members.csv", "Choose a file"),
    ("blank csv", lambda: b"\r\n \r\n", "members.csv", "empty"),
    ("empty sheet", lambda: make_xlsx([]), "members.xlsx", "empty"),
    ("header only xlsx", lambda: make_xlsx([HEADER]), "members.xlsx", "no member rows"),
    ("header only csv", lambda: make_csv([HEADER]), "members.csv", "no member rows"),
    ("header only xls", lambda: make_xls([HEADER]), "members.xls", "no member rows"),
    (
        "no mobile column",
        lambda: make_xlsx([["姓名", "备注"], ["Li", "x"]]),
        "members.xlsx",
        "mobile number",
    ),
    (
        "undecodable csv",
        lambda: b"name,mobile\n\xff\xff,\x81 \n",
        "members.csv",
        "encoding",
    ),
]


@tagged("post_install", "-at_install")
class TestMemberImport(MemberImportCommon):
    # ------------------------------------------------------------------
    # Corpus of bad inputs
    # ------------------------------------------------------------------
    def test_file_errors(self):
        for label, build, file_name, words in FILE_ERRORS:
            with self.subTest(label):
                content = build()
                wizard = (
                    self.env["retail.member.import"]
                    .with_user(self.hq)
                    .create(
                        {
                            "file": base64.b64encode(content) if content else False,
                            "file_name": file_name,
                            "store_id": self.store.id,
                        }
                    )
                )
                with self.assertRaises(UserError) as caught:
                    wizard.action_import()
                self.assertIn(words, str(caught.exception))
        self.assertFalse(
            self.env["retail.member.import.history"]
            .search([])
            .filtered(lambda h: h.company_id == self.company)
        )

    def test_limits(self):
        content = make_csv(
            [HEADER] + [row(mobile=f"1380013{i:04d}") for i in range(30)]
        )
        with patch.object(mr, "MAX_FILE_SIZE", 100):
            with self.assertRaisesRegex(UserError, "too large"):
                self._wizard(content, "m.csv").action_import()
        with patch.object(mr, "MAX_ROWS", 20):
            with self.assertRaisesRegex(UserError, "more than 20 rows"):
                self._wizard(content, "m.csv").action_import()
        with patch.object(mr, "MAX_ROWS", 30):
            self.assertEqual(
                self._wizard(content, "m.csv").action_import()["res_model"],
                "retail.member.import",
            )

    def test_row_errors(self):
        """One file, one bad row per case, each with its reason."""
        cases = [
            (row(mobile="1.38001E+10"), "scientific notation"),
            (row(mobile="01012345678"), "not a mobile number"),
            (row(mobile="+44 20 7183 8750"), "not a mobile number"),
            (row(mobile="12345"), "not a valid phone number"),
            (row(mobile=""), "mobile number is missing"),
            (row(name="", mobile="13800138001"), "name is missing"),
            (row(mobile="13800138002", birthday=_future()), "in the future"),
            (row(mobile="13800138003", birthday="1890-01-01"), "before 1900"),
            (row(mobile="13800138004", birthday="31/31/1990"), "not a date"),
            (row(mobile="13800138005", gender="x"), "not a gender"),
            (row(mobile="13800138006", email="nope"), "not a valid email"),
            (row(mobile="13800138007", store="NOPE"), "No store has"),
            (row(mobile="13800138008", associate="Nobody"), "not an associate"),
            (
                row(mobile="13800138009", associate="Wang Fang", store="SH02"),
                "not an associate",
            ),
        ]
        rows = [HEADER] + [c[0] for c in cases]
        wizard = self._import(rows)
        self.assertEqual(self._counts(wizard), counts(invalid=len(cases)))
        errors = self._error_rows(wizard)
        self.assertEqual(errors[0][:3], ["Row", "Reason", "姓名"])
        for (__, words), line in zip(cases, errors[1:], strict=True):
            self.assertIn(words, line[1])
        self.assertEqual([e[0] for e in errors[1:]], list(range(2, len(cases) + 2)))
        self.assertEqual(wizard.history_id.count_invalid, len(cases))
        self.assertTrue(wizard.history_id.error_file)

    def test_error_file_neutralises_formulas(self):
        rows = [
            ["姓名", "手机", "备注"],
            ["=cmd|' /C calc'!A0", "bad", "+SUM(A1)"],
            ["@evil", "bad", "-1"],
        ]
        wizard = self._import(rows, "m.csv")
        errors = self._error_rows(wizard)
        self.assertEqual(errors[1][2], "'=cmd|' /C calc'!A0")
        self.assertEqual(errors[1][4], "'+SUM(A1)")
        self.assertEqual(errors[2][2], "'@evil")
        self.assertEqual(errors[2][4], "'-1")

    def test_formulas(self):
        """Formula cells are read as their cached value; no value, empty."""
        rows = [HEADER, row(name='=CONCAT("a","b")', mobile="13800138010")]
        wizard = self._import(rows)
        self.assertEqual(self._counts(wizard), counts(invalid=1))
        self.assertIn("name is missing", self._error_rows(wizard)[1][1])

    def test_hidden_sheet_merged_header_duplicate_headers(self):
        content = make_xlsx(
            [
                ["会员名单 2026", None, None, None],
                ["姓名", "手机", "电话", "生日"],
                ["李雷", "13800138011", "13999999999", "1990年1月2日"],
            ],
            hidden_first=[["姓名", "手机"], ["Hidden", "13800138012"]],
            merge="A1:D1",
        )
        wizard = self._wizard(content)
        wizard.action_import()
        self.assertEqual(self._counts(wizard), counts(new=1))
        member = self._member("+8613800138011")
        self.assertEqual(member.name, "李雷")
        self.assertEqual(member.retail_birthday, date(1990, 1, 2))
        self.assertFalse(self._member("+8613800138012"))
        self.assertFalse(self._member("+8613999999999"))

    def test_ten_thousand_invalid_rows(self):
        rows = [HEADER] + [
            row(name=f"n{i}", mobile="not a phone") for i in range(10000)
        ]
        wizard = self._import(rows, "big.csv")
        self.assertEqual(self._counts(wizard), counts(invalid=10000))
        self.assertEqual(len(self._error_rows(wizard)), 10001)

    def test_encodings(self):
        rows = [HEADER, row(name="韩梅梅", mobile="13800138020")]
        for index, encoding in enumerate(
            ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")
        ):
            with self.subTest(encoding=encoding):
                rows[1][1] = f"1380013802{index}"
                wizard = self._wizard(make_csv(rows, encoding), "m.csv")
                wizard.action_import()
                self.assertEqual(self._counts(wizard), counts(new=1))
                self.assertEqual(self._member(f"+861380013802{index}").name, "韩梅梅")
        mixed = make_csv([HEADER, row(name="张伟", mobile="13800138030")], "utf-8")
        mixed += make_csv([row(name="王芳", mobile="13800138031")], "gbk")
        wizard = self._wizard(mixed, "mixed.csv")
        wizard.action_import()
        self.assertEqual(self._counts(wizard), counts(new=2))
        self.assertEqual(self._member("+8613800138031").name, "王芳")

    def test_xls_and_cleaning(self):
        rows = [
            HEADER,
            [
                "  Ｌｉ　Ｌｅｉ ",
                13800138040.0,
                datetime(1990, 1, 2),
                "M",
                None,
                "sh01",
                "rci_a1",
                "VIP，新客",
                "LI@EXAMPLE.COM",
                "u-1",
            ],
            [
                "Han",
                "+852 5123 4567",
                32875,
                "女",
                "c-77",
                "Jing'an Store",
                "Wang Fang",
                "VIP",
                None,
                None,
            ],
            [
                "Bob",
                "+1 201 555 0123",
                "19900102",
                "male",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                "Ann",
                "138 0013 8041",
                "1990/1/2",
                "F",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                "Eve",
                "１３８００１３８０４２",
                "1990.1.2",
                "",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ]
        wizard = self._wizard(make_xls(rows), "members.xls")
        wizard.action_import()
        self.assertEqual(self._counts(wizard), counts(new=5))
        li = self._member("+8613800138040")
        self.assertEqual(li.name, "Li Lei")
        self.assertEqual(li.email, "li@example.com")
        self.assertEqual(li.retail_gender, "male")
        self.assertEqual(li.retail_store_id, self.store)
        self.assertEqual(li.user_id, self.associate)
        self.assertEqual(li.retail_channel, "import")
        self.assertEqual(li.retail_wechat_unionid, "u-1")
        self.assertEqual(sorted(li.category_id.mapped("name")), ["VIP", "新客"])
        self.assertTrue(li.retail_member_code)
        han = self._member("+85251234567")
        self.assertEqual(han.retail_member_code, "C-77")
        self.assertEqual(
            han.category_id, li.category_id.filtered(lambda t: t.name == "VIP")
        )
        self.assertEqual(han.retail_birthday, date(1990, 1, 2))
        self.assertEqual(han.user_id, self.associate)
        for mobile in ("+12015550123", "+8613800138041", "+8613800138042"):
            self.assertEqual(self._member(mobile).retail_birthday, date(1990, 1, 2))

    # ------------------------------------------------------------------
    # Duplicates and strategies
    # ------------------------------------------------------------------
    def test_duplicate_inside_file(self):
        rows = [
            HEADER,
            row(name="First", mobile="13800138050", code="D-1"),
            row(name="Second", mobile="138 0013 8050", email="x@example.com"),
            row(name="Third", mobile="13800138051", code="D-1"),
            row(name="Fourth", mobile="13800138052", unionid="U9"),
            row(name="Fifth", mobile="13800138053", unionid="U9"),
        ]
        wizard = self._import(rows)
        self.assertEqual(self._counts(wizard), counts(new=2, duplicate_file=3))
        self.assertEqual(self._member("+8613800138050").name, "First")
        self.assertFalse(self._member("+8613800138050").email)
        reasons = [r[1] for r in self._error_rows(wizard)[1:]]
        self.assertEqual(reasons[0], "Same member as row 2 of the file.")
        self.assertIn("row 5", reasons[2])

    def test_rerun_changes_nothing(self):
        rows = [HEADER] + [
            row(
                name=f"会员{i}",
                mobile=f"1371234{i:04d}",
                birthday="1991-03-04",
                gender="女",
                tags="VIP",
                email=f"m{i}@example.com",
            )
            for i in range(50)
        ]
        rows.append(row(name="Existing Member", mobile="13900000001"))
        content = make_xlsx(rows)
        first = self._wizard(content)
        first.action_import()
        self.assertEqual(self._counts(first), counts(new=50, duplicate_existing=1))
        members = self.Partner.search(
            [
                ("retail_mobile", "like", "+86137123"),
                ("company_id", "=", self.company.id),
            ]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, write_date FROM res_partner WHERE id = ANY(%s)", [members.ids]
        )
        before = dict(self.env.cr.fetchall())
        for strategy in ("skip", "fill", "overwrite"):
            with self.subTest(strategy=strategy):
                again = self._wizard(content, duplicate_strategy=strategy)
                again.action_import()
                self.assertEqual(self._counts(again), counts(duplicate_existing=51))
                self.assertFalse(again.error_file)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, write_date FROM res_partner WHERE id = ANY(%s)", [members.ids]
        )
        self.assertEqual(dict(self.env.cr.fetchall()), before)
        self.assertEqual(
            self.Partner.search_count(
                [
                    ("retail_mobile", "like", "+86137123"),
                    ("company_id", "=", self.company.id),
                ]
            ),
            50,
        )

    def test_strategies(self):
        self.existing.write({"email": False, "retail_birthday": date(1980, 5, 6)})
        rows = [
            HEADER,
            row(
                name="New Name",
                mobile="139 0000 0001",
                birthday="1990-01-02",
                email="new@example.com",
                gender="女",
                tags="Gold",
            ),
        ]
        skip = self._import(rows)
        self.assertEqual(self._counts(skip), counts(duplicate_existing=1))
        self.assertFalse(self.existing.email)
        fill = self._import(rows, duplicate_strategy="fill")
        self.assertEqual(self._counts(fill), counts(update=1))
        self.assertEqual(self.existing.name, "Existing Member")
        self.assertEqual(self.existing.email, "new@example.com")
        self.assertEqual(self.existing.retail_birthday, date(1980, 5, 6))
        self.assertEqual(self.existing.retail_gender, "female")
        self.assertEqual(self.existing.category_id.name, "Gold")
        overwrite = self._import(rows, duplicate_strategy="overwrite")
        self.assertEqual(self._counts(overwrite), counts(update=1))
        self.assertEqual(self.existing.name, "New Name")
        self.assertEqual(self.existing.retail_birthday, date(1990, 1, 2))
        self.assertEqual(self.existing.retail_member_code, "EX0001")

    def test_match_by_code_and_unionid(self):
        self.existing.retail_wechat_unionid = "UNION-1"
        wizard = self._import(
            [HEADER, row(name="By Code", mobile="13800138060", code="ex0001")],
            duplicate_strategy="overwrite",
        )
        self.assertEqual(self._counts(wizard), counts(update=1))
        self.assertEqual(self.existing.retail_mobile, "+8613800138060")
        self.assertEqual(self.existing.name, "By Code")
        wizard = self._import(
            [
                HEADER,
                row(name="By Union", mobile="13800138061", unionid="UNION-1"),
                # Same existing member again: duplicate inside the file.
                row(name="Again", mobile="13800138060"),
            ],
            duplicate_strategy="overwrite",
        )
        self.assertEqual(self._counts(wizard), counts(update=1, duplicate_file=1))
        self.assertEqual(self.existing.retail_mobile, "+8613800138061")
        self.assertEqual(self.existing.name, "By Union")
        self.assertEqual(self.existing.retail_member_code, "EX0001")

    def test_conflicting_keys(self):
        other = self.Partner.create(
            {
                "name": "Other",
                "mobile": "13900000002",
                "is_retail_member": True,
                "company_id": self.company.id,
                "retail_store_id": self.store.id,
                "user_id": False,
            }
        )
        rows = [HEADER, row(name="Mix", mobile="13900000002", code="EX0001")]
        wizard = self._import(rows, duplicate_strategy="overwrite")
        self.assertEqual(self._counts(wizard), counts(invalid=1))
        self.assertIn("different existing members", self._error_rows(wizard)[1][1])
        self.assertEqual(other.name, "Other")

    def test_archived_member(self):
        self.existing.active = False
        wizard = self._import([HEADER, row(mobile="13900000001")])
        self.assertEqual(self._counts(wizard), counts(invalid=1))
        self.assertIn("archived", self._error_rows(wizard)[1][1])

    def test_dry_run_writes_nothing(self):
        rows = [
            HEADER,
            row(name="A", mobile="13800138070", tags="BrandNewTag"),
            row(name="B", mobile="13800138070"),
            row(name="C", mobile="13900000001", email="c@example.com"),
            row(name="D", mobile="bad"),
        ]
        tags_before = self.env["res.partner.category"].search_count([])
        wizard = self._import(rows, dry_run=True, duplicate_strategy="fill")
        self.assertEqual(
            self._counts(wizard),
            counts(new=1, update=1, duplicate_file=1, invalid=1),
        )
        self.assertIn("Nothing was saved", wizard.result_message)
        self.assertFalse(self._member("+8613800138070"))
        self.assertFalse(self.existing.email)
        self.assertFalse(wizard.history_id)
        self.assertEqual(self.env["res.partner.category"].search_count([]), tags_before)

    def test_batches_and_row_retry(self):
        """A failing batch is rolled back and its rows retried one by one."""
        rows = [HEADER] + [
            row(name=f"B{i}", mobile=f"1360000{i:04d}") for i in range(25)
        ]
        rows[8][0] = "POISON"
        original = RetailMemberImport._create_members

        def create_members(wizard, ctx, creates):
            if any(i["values"]["name"] == "POISON" for i in creates):
                raise ValidationError(wizard.env._("poisoned row"))
            return original(wizard, ctx, creates)

        with patch.object(RetailMemberImport, "_create_members", create_members):
            wizard = self._import(rows, batch_size=10)
        self.assertEqual(self._counts(wizard), counts(new=24, invalid=1))
        self.assertEqual(self._error_rows(wizard)[1][:2], [9, "poisoned row"])
        self.assertEqual(
            self.Partner.search_count(
                [
                    ("retail_mobile", "like", "+86136000"),
                    ("company_id", "=", self.company.id),
                ]
            ),
            24,
        )

    def test_member_codes(self):
        """Generated codes skip codes used in the file and in the database."""
        seq = self.env["ir.sequence"].search(
            [("code", "=", "retail.member.code")], limit=1
        )
        next_code = seq.get_next_char(seq.number_next_actual)
        rows = [
            HEADER,
            row(name="A", mobile="13800138080"),
            row(name="B", mobile="13800138081", code=next_code),
        ]
        wizard = self._import(rows)
        self.assertEqual(wizard.count_new, 2)
        a, b = self._member("+8613800138080"), self._member("+8613800138081")
        self.assertEqual(b.retail_member_code, next_code)
        self.assertTrue(a.retail_member_code)
        self.assertNotEqual(a.retail_member_code, next_code)

    # ------------------------------------------------------------------
    # Wizard flow, rights, history, templates
    # ------------------------------------------------------------------
    def test_mapping_preview_template(self):
        rows = [["联系人", "手机", "备注"]] + [
            [f"P{i}", f"1350000{i:04d}", "x"] for i in range(30)
        ]
        wizard = self._wizard(make_xlsx(rows), user=self.manager)
        wizard.action_load()
        self.assertEqual(wizard.state, "mapping")
        self.assertEqual(wizard.line_ids.mapped("field"), [False, "mobile", False])
        self.assertEqual(wizard.line_ids[0].sample, "P0")
        self.assertIn("Name is missing".lower(), wizard.preview_html.lower())
        wizard.line_ids[0].field = "name"
        wizard.action_preview()
        self.assertEqual(wizard.preview_html.count("<tr>"), 1 + mr.PREVIEW_ROWS)
        self.assertIn("+8613500000019", wizard.preview_html)
        self.assertNotIn("+8613500000020", wizard.preview_html)
        wizard.template_name = "Store export"
        wizard.action_save_template()
        template = wizard.template_id
        self.assertEqual(template.store_id, self.store)
        self.assertEqual(template._get_mapping()["联系人"], "name")
        # A script reuses the template without mapping lines.
        scripted = self._wizard(
            make_xlsx(rows), user=self.manager, template_id=template.id
        )
        scripted.action_import()
        self.assertEqual(scripted.count_new, 30)
        self.assertEqual(self._member("+8613500000003").name, "P3")

    def test_form_flow(self):
        """The wizard as the user sees it: upload, read, template, import."""
        template = self.env["retail.member.import.template"].create(
            {
                "name": "POS export",
                "store_id": self.store.id,
                "duplicate_strategy": "fill",
                "mapping": '{"客户": "name", "电话号码": "mobile"}',
            }
        )
        rows = [["客户", "电话号码"], ["Form Member", "13800138098"]]
        # The file widget fills the (invisible) file name, as the context here.
        form = Form(
            self.env["retail.member.import"]
            .with_user(self.manager)
            .with_context(default_file_name="pos.xlsx")
        )
        self.assertEqual(form.store_id, self.store)
        form.file = base64.b64encode(make_xlsx(rows))
        wizard = form.save()
        action = wizard.action_load()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.line_ids.mapped("field"), [False, "mobile"])
        with Form(wizard) as edit:
            edit.template_id = template
            self.assertEqual(edit.duplicate_strategy, "fill")
        self.assertEqual(wizard.line_ids.mapped("field"), ["name", "mobile"])
        wizard.action_import()
        self.assertEqual(self._member("+8613800138098").name, "Form Member")

    def test_rights_and_history(self):
        rows = [
            HEADER,
            row(mobile="13800138090"),
            row(mobile="13800138091", store="SH02"),
        ]
        with self.assertRaises(AccessError):
            self._wizard(make_xlsx(rows), user=self.associate).action_import()
        with self.assertRaises(AccessError):
            self._wizard(
                make_xlsx(rows), user=self.manager, store_id=self.store2.id
            ).action_import()
        wizard = self._wizard(make_xlsx(rows), user=self.manager)
        wizard.action_import()
        self.assertEqual(self._counts(wizard), counts(new=1, invalid=1))
        self.assertIn(
            "cannot import members into the store", self._error_rows(wizard)[1][1]
        )
        history = wizard.history_id
        self.assertEqual(history.user_id, self.manager)
        self.assertEqual(history.store_id, self.store)
        self.assertEqual(history.count_new, 1)
        self.assertIn('"手机号": "mobile"', history.mapping)
        History = self.env["retail.member.import.history"]
        self.assertEqual(History.with_user(self.manager).search([]), history)
        self.assertFalse(History.with_user(self.manager2).search([]))
        self.assertIn(history, History.with_user(self.hq).search([]))
        with self.assertRaises(AccessError):
            History.with_user(self.associate).search([])
        member = self._member("+8613800138090")
        self.assertEqual(member.retail_store_id, self.store)
        self.assertFalse(member.user_id)

    def test_manager_cannot_update_other_store(self):
        self.existing.retail_store_id = self.store2
        rows = [HEADER, row(name="X", mobile="13900000001", email="x@example.com")]
        wizard = self._import(rows, user=self.manager, duplicate_strategy="fill")
        self.assertEqual(self._counts(wizard), counts(invalid=1))
        self.assertIn("store you cannot change", self._error_rows(wizard)[1][1])
        skip = self._import(rows, user=self.manager)
        self.assertEqual(self._counts(skip), counts(duplicate_existing=1))

    def test_bulk_mobile_check(self):
        """The set-based uniqueness check of the import refuses clashes too."""
        Partner = self.Partner.with_context(retail_import_bulk=True)
        vals = {
            "name": "Bulk",
            "is_retail_member": True,
            "company_id": self.company.id,
            "retail_store_id": self.store.id,
            "user_id": False,
        }
        with (
            self.assertRaisesRegex(ValidationError, "already exists"),
            self.env.cr.savepoint(),
        ):
            Partner.create([dict(vals, mobile="13900000001")])
        with (
            self.assertRaisesRegex(ValidationError, "already exists"),
            self.env.cr.savepoint(),
        ):
            Partner.create(
                [dict(vals, mobile="13800138096"), dict(vals, mobile="138 0013 8096")]
            )
        self.assertEqual(len(Partner.create([dict(vals, mobile="13800138097")])), 1)

    def test_background_hook(self):
        wizard = self._wizard(make_xlsx([HEADER, row(mobile="13800138095")]))
        wizard._import_in_background()
        self.assertEqual(wizard.count_new, 1)
        self.assertEqual(wizard.progress, 100)
        self.assertEqual(
            fields.Date.today(), self._member("+8613800138095").retail_join_date
        )
