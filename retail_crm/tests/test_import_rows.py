# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading and cleaning of member files, without database."""

import csv
import io
import os
from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from ..tools import member_rows as mr

TODAY = date(2026, 6, 1)


def make_xlsx(rows, title="Members", hidden_first=None, merge=None):
    """An .xlsx in memory; ``hidden_first``: rows of a hidden first sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if hidden_first is not None:
        sheet.title = "Hidden"
        for row in hidden_first:
            sheet.append(row)
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_xls(rows):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Members")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (date, datetime)):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_csv(rows, encoding="utf-8", delimiter=","):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)


HEADER = ["姓名", "手机号", "生日", "性别"]


@tagged("post_install", "-at_install")
class TestImportRows(BaseCase):
    # Phones --------------------------------------------------------------
    def test_phone_text(self):
        self.assertEqual(mr.phone_text(13800138000.0), "13800138000")
        self.assertEqual(mr.phone_text(13800138000), "13800138000")
        self.assertEqual(mr.phone_text("13800138000.0"), "13800138000.0")
        # Scientific notation: exact only when every digit is written.
        self.assertIsNone(mr.phone_text("1.38001E+10"))
        self.assertEqual(mr.phone_text("1.3800138000E+10"), "13800138000")
        self.assertIsNone(mr.phone_text(1.5))
        self.assertEqual(mr.phone_text(" １３８ ００１３ ８０００ "), "138 0013 8000")

    def test_clean_row_phones(self):
        mapping = ["name", "mobile"]
        cases = [
            ("13800138000", "+8613800138000"),
            (13800138000.0, "+8613800138000"),
            ("１３８００１３８０００", "+8613800138000"),
            ("+86 138-0013-8000", "+8613800138000"),
            ("0086 13800138000", "+8613800138000"),
            ("+852 5123 4567", "+85251234567"),
            ("+1 201 555 0123", "+12015550123"),
        ]
        for raw, expected in cases:
            with self.subTest(raw=raw):
                values, errors = mr.clean_row(["Li", raw], mapping, "CN", TODAY)
                self.assertEqual(errors, [])
                self.assertEqual(values["mobile"], expected)
        bad = [
            ("1.38001E+10", "phone_scientific"),
            ("01012345678", "phone_not_mobile"),
            ("+44 20 7183 8750", "phone_not_mobile"),
            ("12345", "phone_invalid"),
            ("abc", "phone_invalid"),
            ("", "mobile_missing"),
        ]
        for raw, code in bad:
            with self.subTest(raw=raw):
                __, errors = mr.clean_row(["Li", raw], mapping, "CN", TODAY)
                self.assertEqual(errors[0][0], code)

    # Dates ---------------------------------------------------------------
    def test_parse_date(self):
        expected = date(1990, 1, 2)
        for raw in (
            "1990/1/2",
            "1990-01-02",
            "1990.1.2",
            "1990年1月2日",
            "1990 年 1 月 2 日",
            "19900102",
            "1990-01-02 00:00:00",
            "１９９０－０１－０２",
            32875,
            32875.0,
            "32875",
            datetime(1990, 1, 2, 0, 0),
            expected,
        ):
            with self.subTest(raw=raw):
                self.assertEqual(mr.parse_date(raw), expected)
        self.assertIsNone(mr.parse_date(""))
        self.assertIsNone(mr.parse_date(None))
        for raw in ("1990-13-01", "1990-02-30", "yesterday", "2/1/1990", -3):
            with self.subTest(raw=raw), self.assertRaises(ValueError):
                mr.parse_date(raw)

    def test_birthday_rules(self):
        mapping = ["name", "mobile", "birthday"]
        row = ["Li", "13800138000"]
        __, errors = mr.clean_row(row + ["2030-01-01"], mapping, "CN", TODAY)
        self.assertEqual(errors[0][0], "date_future")
        __, errors = mr.clean_row(row + ["1850-01-01"], mapping, "CN", TODAY)
        self.assertEqual(errors[0][0], "date_too_old")
        __, errors = mr.clean_row(row + ["not a date"], mapping, "CN", TODAY)
        self.assertEqual(errors[0][0], "date_invalid")

    # Other cells ---------------------------------------------------------
    def test_gender_tags_email_points(self):
        for raw, expected in (
            ("男", "male"),
            ("女", "female"),
            ("M", "male"),
            ("f", "female"),
            ("Male", "male"),
            ("FEMALE", "female"),
            ("", False),
            ("未知", False),
        ):
            self.assertEqual(mr.parse_gender(raw), expected, raw)
        with self.assertRaises(ValueError):
            mr.parse_gender("x")
        self.assertEqual(
            mr.parse_tags("VIP，新客;VIP、 高价值 "), ["VIP", "新客", "高价值"]
        )
        self.assertEqual(mr.parse_points("1,200"), 1200.0)
        mapping = ["name", "mobile", "email", "points"]
        values, errors = mr.clean_row(
            ["  Ｌｉ　Ｌｅｉ ", "13800138000", " LI@Example.com ", "12"],
            mapping,
            "CN",
            TODAY,
        )
        self.assertEqual(errors, [])
        self.assertEqual(values["name"], "Li Lei")
        self.assertEqual(values["email"], "li@example.com")
        __, errors = mr.clean_row(["Li", "13800138000", "nope", ""], mapping)
        self.assertEqual(errors[0][0], "email_invalid")

    def test_clean_text_and_neutralize(self):
        self.assertEqual(mr.clean_text(" a \u3000 b\u200b "), "a b")
        self.assertEqual(mr.clean_text(12.0), "12")
        self.assertEqual(mr.clean_text(None), "")
        for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
            self.assertEqual(mr.neutralize_cell(value), "'" + value)
        self.assertEqual(mr.neutralize_cell("Li"), "Li")
        self.assertEqual(mr.neutralize_cell(12), 12)

    # Headers -------------------------------------------------------------
    def test_guess_mapping(self):
        headers = [
            "姓名",
            "手机号码",
            "出生日期",
            "会员卡号",
            "门店",
            "导购",
            "性别",
            "标签",
            "积分",
            "邮箱",
            "UnionID",
            "备注",
        ]
        self.assertEqual(
            mr.guess_mapping(headers),
            [
                "name",
                "mobile",
                "birthday",
                "member_code",
                "store",
                "associate",
                "gender",
                "tags",
                "points",
                "email",
                "unionid",
                False,
            ],
        )
        english = ["Name", "Mobile Phone", "Birthday", "Member Code", "E-mail"]
        self.assertEqual(
            mr.guess_mapping(english),
            ["name", "mobile", "birthday", "member_code", "email"],
        )
        # Duplicate header names: the first column wins.
        self.assertEqual(
            mr.guess_mapping(["手机", "电话", "name"]), ["mobile", False, "name"]
        )
        # A saved template wins over synonyms, "" ignores a column.
        self.assertEqual(
            mr.guess_mapping(["联系人", "手机"], {"联系人": "name", "手机": ""}),
            ["name", False],
        )

    # Files ---------------------------------------------------------------
    def _rows(self, table):
        return [raw for __, raw in table.rows]

    def test_read_csv_encodings(self):
        rows = [HEADER, ["张三", "13800138000", "1990-01-02", "男"]]
        for encoding, content in (
            ("utf-8", make_csv(rows, "utf-8")),
            ("utf-8-sig", make_csv(rows, "utf-8-sig")),
            ("gb18030", make_csv(rows, "gbk")),
            ("gb18030", make_csv(rows, "gb18030")),
            ("utf-16", make_csv(rows, "utf-16")),
            ("utf-16-le", make_csv(rows, "utf-16-le")),
        ):
            with self.subTest(encoding=encoding):
                table = mr.read_table(content, "members.csv")
                self.assertEqual(table.encoding, encoding)
                self.assertEqual(table.headers, HEADER)
                self.assertEqual(self._rows(table)[0][0], "张三")

    def test_read_csv_mixed_encodings_and_delimiters(self):
        content = make_csv([HEADER, ["张三", "13800138000"]], "utf-8") + make_csv(
            [["李四", "13900139000"]], "gbk"
        )
        table = mr.read_table(content, "mixed.csv")
        self.assertEqual(table.encoding, "mixed")
        self.assertEqual([r[0] for r in self._rows(table)], ["张三", "李四"])
        content = make_csv([HEADER, ["王五", "13700137000"]], "utf-8", ";")
        self.assertEqual(self._rows(mr.read_table(content, "x.csv"))[0][0], "王五")

    def test_read_xlsx_xls(self):
        rows = [HEADER, ["张三", 13800138000, datetime(1990, 1, 2), "男"]]
        table = mr.read_table(make_xlsx(rows), "m.xlsx")
        self.assertEqual(table.headers, HEADER)
        self.assertEqual(self._rows(table)[0][1], 13800138000)
        table = mr.read_table(make_xls(rows), "m.xls")
        self.assertEqual(self._rows(table)[0][2].date(), date(1990, 1, 2))
        self.assertEqual(mr.phone_text(self._rows(table)[0][1]), "13800138000")

    def test_read_hidden_sheet_and_title_row(self):
        content = make_xlsx(
            [["会员名单", None, None], HEADER, ["张三", "13800138000", None]],
            hidden_first=[["junk"], ["x"]],
            merge="A1:C1",
        )
        table = mr.read_table(content, "m.xlsx")
        self.assertEqual(table.sheet, "Members")
        self.assertEqual(table.headers, HEADER)
        self.assertEqual(table.rows[0][0], 3)

    def test_read_errors(self):
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000)
        cases = [
            (b"", "m.csv", "empty"),
            (b"abc", "m.txt", "extension"),
            (b"abc", "members", "extension"),
            (ole, "m.xlsx", "encrypted"),
            (ole, "m.xls", "corrupted"),
            (b"PK\x03\x04" + os.urandom(500), "m.xlsx", "corrupted"),
            (os.urandom(500), "m.xlsx", "corrupted"),
            (b"PK\x03\x04" + os.urandom(50), "m.csv", "corrupted"),
            (b"name,mobile\n\xff\xff,\x81 \n", "m.csv", "encoding"),
            (make_xlsx([]), "m.xlsx", "empty"),
            (make_xlsx([HEADER]), "m.xlsx", "no_rows"),
            (make_csv([HEADER]), "m.csv", "no_rows"),
            (b"\r\n\r\n", "m.csv", "empty"),
        ]
        for content, name, code in cases:
            with self.subTest(name=name, code=code):
                with self.assertRaises(mr.ImportFileError) as caught:
                    mr.read_table(content, name)
                self.assertEqual(caught.exception.code, code)

    def test_limits(self):
        rows = [HEADER] + [["n", "13800138000"]] * 11
        with self.assertRaises(mr.ImportFileError) as caught:
            mr.read_table(make_csv(rows), "m.csv", max_rows=10)
        self.assertEqual(caught.exception.code, "too_many_rows")
        self.assertEqual(
            len(mr.read_table(make_csv(rows), "m.csv", max_rows=11).rows), 11
        )
        with self.assertRaises(mr.ImportFileError) as caught:
            mr.read_table(make_csv(rows), "m.csv", max_size=10)
        self.assertEqual(caught.exception.code, "too_large")

    def test_fast_xlsx_reader_same_rows_as_openpyxl(self):
        """The lxml reader gives the rows openpyxl gives, on every kind of
        cell; what it does not handle falls back to openpyxl."""
        import openpyxl
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont

        def book_bytes(book):
            out = io.BytesIO()
            book.save(out)
            return out.getvalue()

        rich = openpyxl.Workbook()
        sheet = rich.active
        sheet.append(HEADER + ["标签", "备注"])
        sheet.append(
            [
                CellRichText("张", TextBlock(InlineFont(b=True), "三")),
                13800138000,
                datetime(1990, 1, 2, 8, 30),
                True,
                "#N/A",
                "=1+1",
            ]
        )
        sheet.cell(row=5, column=3, value=date(1985, 12, 31))
        sheet.cell(row=5, column=1, value="李四  ")
        sheet.cell(row=5, column=2, value=1.38001e10)
        sheet.cell(row=7, column=9, value=" x005F_a ")
        sheet.cell(row=8, column=3, value=45000.5).number_format = "[h]:mm:ss"
        sheet.cell(row=8, column=4, value=0.25).number_format = "h:mm"
        sheet.cell(row=8, column=5, value=-1.5e-3)
        sheet.cell(row=8, column=6, value=False)
        mac = openpyxl.Workbook()
        mac.epoch = openpyxl.utils.datetime.MAC_EPOCH
        mac.active.append(HEADER)
        mac.active.append(["王五", "13700137000", datetime(2000, 2, 29), "女"])
        streamed = openpyxl.Workbook(write_only=True)
        sheet = streamed.create_sheet("会员")
        sheet.append(HEADER)
        sheet.append(["赵六", 13600136000.0, "1990年1月2日", None])
        sheet.append([])
        sheet.append([None, None, None, "F", "extra"])
        corpus = {
            "rich text, types, gaps, times": book_bytes(rich),
            "1904 dates": book_bytes(mac),
            "write-only (inline strings, no dimension)": book_bytes(streamed),
            "hidden sheet and merged title": make_xlsx(
                [["会员名单", None, None], HEADER, ["张三", "13800138000", None]],
                hidden_first=[["junk"], ["x"]],
                merge="A1:C1",
            ),
            "plain": make_xlsx([HEADER, ["张三", 13800138000, datetime(1990, 1, 2)]]),
            "header only": make_xlsx([HEADER]),
            "empty": make_xlsx([]),
        }
        for label, content in corpus.items():
            with self.subTest(label):
                fast = mr.fast_xlsx_rows(content)
                self.assertIsNotNone(fast)
                expected, title = mr.openpyxl_xlsx_rows(content)
                self.assertEqual(fast[1], title)
                self.assertEqual(list(fast[0]), list(expected))
        # A truncated file: the fast reader fails, openpyxl reports it.
        with self.assertRaises(Exception):  # noqa: B017 - any error of the zip
            mr.fast_xlsx_rows(corpus["plain"][:300])
        with self.assertRaises(mr.ImportFileError) as caught:
            mr.read_table(corpus["plain"][:300], "m.xlsx")
        self.assertEqual(caught.exception.code, "corrupted")
        # Through read_table (fast reader) as through openpyxl
        table = mr.read_table(corpus["rich text, types, gaps, times"], "m.xlsx")
        self.assertEqual(table.rows[0][1][:2], ["张三", 13800138000])
        self.assertEqual([number for number, __ in table.rows], [2, 5, 7, 8])

    def test_empty_row(self):
        self.assertTrue(mr.empty_row([None, "", " ", "\u3000", "\u200b", False]))
        for cell in (0, 0.0, "0", "a", " 张", datetime(2000, 1, 1), True, "-"):
            with self.subTest(cell=cell):
                self.assertFalse(mr.empty_row([None, cell]))

    # Duplicates ----------------------------------------------------------
    def test_file_dedup(self):
        dedup = mr.FileDedup()
        self.assertIsNone(dedup.check(2, {"mobile": "+861", "member_code": "A"}))
        self.assertEqual(dedup.check(3, {"mobile": "+861"}), 2)
        self.assertEqual(dedup.check(4, {"mobile": "+862", "member_code": "A"}), 2)
        self.assertIsNone(dedup.check(5, {"mobile": "+863", "unionid": "u"}))
        self.assertEqual(dedup.check(6, {"mobile": "+864", "unionid": "u"}), 5)

    def test_propose_master(self):
        members = [
            {"id": 1, "name": "a", "mobile": "x", "email": "e", "birthday": 1},
            {"id": 2, "name": "a", "last_purchase": date(2025, 1, 1)},
            {"id": 3, "name": "a", "last_purchase": date(2024, 1, 1)},
        ]
        self.assertEqual(mr.propose_master(members)["id"], 2)
        self.assertEqual(
            mr.propose_master([members[0], {"id": 4, "name": "a"}])["id"], 1
        )
        # Same completeness: the oldest record is kept.
        self.assertEqual(mr.propose_master([{"id": 7}, {"id": 5}])["id"], 5)
