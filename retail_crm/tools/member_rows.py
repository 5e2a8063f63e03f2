# Copyright 2026 Retail CRM developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading and cleaning member spreadsheets, with no database access.

Everything the member import needs that does not touch the database lives
here, so it is unit tested on its own (``tests/test_import_rows.py``):

* :func:`read_table` reads ``.xlsx`` (openpyxl, read-only), ``.xls`` (xlrd)
  and ``.csv`` (UTF-8 with or without BOM, UTF-16, GBK/GB18030, and files
  mixing UTF-8 and GBK lines) into a header row and data rows;
* :func:`guess_mapping` maps Chinese and English column titles to fields;
* :func:`clean_row` turns one raw row into clean values, or reasons why not;
* :func:`neutralize_cell` makes a value safe to write into a spreadsheet.

Errors are raised or returned as codes with parameters (never as English
sentences) so the ORM layer translates them with ``self.env._``.
"""

import csv
import io
import re
import unicodedata
from datetime import date, datetime, timedelta

from .phone import PhoneError, normalize_mobile

MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes
MAX_ROWS = 200_000
PREVIEW_ROWS = 20
# Rows scanned to find the header row (titles above the header are skipped).
HEADER_SCAN_ROWS = 10

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = ("csv", "xlsx", "xls")

# Target fields of the import, in the order they are shown.
IMPORT_FIELDS = [
    ("name", "Name"),
    ("mobile", "Mobile"),
    ("birthday", "Birthday"),
    ("member_code", "Member Code"),
    ("store", "Store"),
    ("associate", "Associate"),
    ("gender", "Gender"),
    ("tags", "Tags"),
    ("points", "Points"),
    ("email", "Email"),
    ("unionid", "WeChat UnionID"),
]

# Column titles (normalized with _header_key) recognised for each field.
HEADER_SYNONYMS = {
    "name": [
        "姓名",
        "名字",
        "会员姓名",
        "客户姓名",
        "顾客姓名",
        "会员名称",
        "name",
        "fullname",
        "membername",
        "customername",
        "customer",
    ],
    "mobile": [
        "手机",
        "手机号",
        "手机号码",
        "电话",
        "电话号码",
        "联系电话",
        "联系方式",
        "会员手机",
        "mobile",
        "mobilephone",
        "phone",
        "phonenumber",
        "cell",
        "cellphone",
        "tel",
        "telephone",
    ],
    "birthday": [
        "生日",
        "出生日期",
        "出生年月日",
        "birthday",
        "birthdate",
        "dateofbirth",
        "dob",
    ],
    "member_code": [
        "会员卡号",
        "卡号",
        "会员号",
        "会员编号",
        "会员编码",
        "membercode",
        "membercard",
        "cardnumber",
        "cardno",
        "memberno",
        "membernumber",
        "code",
    ],
    "store": [
        "门店",
        "店铺",
        "所属门店",
        "门店编码",
        "门店名称",
        "开卡门店",
        "store",
        "storecode",
        "storename",
        "shop",
    ],
    "associate": [
        "导购",
        "专属导购",
        "导购员",
        "服务导购",
        "associate",
        "salesassociate",
        "salesperson",
        "advisor",
    ],
    "gender": ["性别", "gender", "sex"],
    "tags": ["标签", "会员标签", "客户标签", "tags", "tag", "labels"],
    "points": ["积分", "会员积分", "可用积分", "points", "loyaltypoints"],
    "email": ["邮箱", "电子邮箱", "电子邮件", "邮件", "email", "mail", "emailaddress"],
    "unionid": ["unionid", "微信unionid", "wechatunionid"],
}
_SYNONYM_INDEX = {syn: field for field, syns in HEADER_SYNONYMS.items() for syn in syns}

GENDERS = {
    "男": "male",
    "男性": "male",
    "先生": "male",
    "m": "male",
    "male": "male",
    "man": "male",
    "女": "female",
    "女性": "female",
    "女士": "female",
    "f": "female",
    "female": "female",
    "woman": "female",
    "其他": "other",
    "其它": "other",
    "other": "other",
    "o": "other",
    "未知": False,
    "unknown": False,
    "保密": False,
    "-": False,
}

_SPACES = re.compile(r"\s+")
_TAG_SPLIT = re.compile(r"[,;，；、|/]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCIENTIFIC = re.compile(r"^\+?(\d)(?:\.(\d+))?e\+?(\d+)$", re.IGNORECASE)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_DATE_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
# Leading characters that make a spreadsheet evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """The file cannot be read at all.

    ``code`` is one of ``too_large``, ``extension``, ``corrupted``,
    ``encrypted``, ``empty``, ``no_rows``, ``too_many_rows``, ``encoding``,
    ``no_mobile_column``; ``params`` are the values the message shows.
    """

    def __init__(self, code, **params):
        super().__init__(f"{code}: {params!r}")
        self.code = code
        self.params = params


class Table:
    """Header and data rows of the sheet that is imported."""

    def __init__(self, headers, rows, sheet=None, encoding=None):
        self.headers = headers
        # (row number in the file, 1-based, list of raw cell values)
        self.rows = rows
        self.sheet = sheet
        self.encoding = encoding


# ----------------------------------------------------------------------
# Cells
# ----------------------------------------------------------------------
def clean_text(value):
    """Text of a cell: full-width folded, stray and inner spaces collapsed.

    Integral floats (how Excel stores numbers) lose their ``.0``.
    """
    if value is None or value is False:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value))
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip()


def neutralize_cell(value):
    """Value safe to write in a spreadsheet: formulas become plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def phone_text(value):
    """Digits of a phone cell; ``None`` when digits were lost.

    Excel stores phones as numbers: ``13800138000.0`` is fine, but
    ``1.38001E+10`` (scientific notation, as shown in a narrow column and
    saved to CSV) lost digits, so the real number is unknown.
    """
    if isinstance(value, float):
        if not value.is_integer():
            return None
        return str(int(value))
    text = clean_text(value)
    match = _SCIENTIFIC.match(text.replace(" ", ""))
    if match:
        lead, decimals, exponent = (
            match.group(1),
            match.group(2) or "",
            int(match.group(3)),
        )
        if len(decimals) > exponent:
            return None
        # Exact only when every digit of the number is written.
        if len(decimals) < exponent:
            return None
        return lead + decimals
    return text


def parse_date(value, datemode=0):
    """Date of a cell: Excel serials, ``1990/1/2``, ``1990-01-02``,
    ``1990年1月2日``, ``19900102``, ``1990.1.2``. Raise ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial(value, datemode)
    text = clean_text(value)
    if not text:
        return None
    text = _DATE_TIME_SUFFIX.sub("", text).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    if re.fullmatch(r"\d{1,5}(\.0+)?", text):
        return _excel_serial(float(text), datemode)
    raise ValueError(text)


def _excel_serial(number, datemode=0):
    if not 1 <= number < 2958466:
        raise ValueError(number)
    if datemode:  # 1904 date system (old Mac workbooks)
        return date(1904, 1, 1) + timedelta(days=int(number))
    return _EXCEL_EPOCH + timedelta(days=int(number))


def parse_gender(value):
    """``male``/``female``/``other``, ``False`` when unknown or empty.

    Raise ValueError for a value that is not a gender at all.
    """
    text = clean_text(value).lower()
    if not text:
        return False
    if text not in GENDERS:
        raise ValueError(text)
    return GENDERS[text]


def parse_tags(value):
    """Tag names of a cell, split on commas, semicolons, 、 and slashes."""
    names = []
    for part in _TAG_SPLIT.split(clean_text(value)):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return names


def parse_points(value):
    text = clean_text(value).replace(",", "")
    if not text:
        return None
    return float(text)


# ----------------------------------------------------------------------
# Headers
# ----------------------------------------------------------------------
def _header_key(title):
    text = clean_text(title).lower()
    return re.sub(r"[\s_\-:：*()（）.#]+", "", text)


def guess_field(title):
    """Field of a column title, or ``False``."""
    return _SYNONYM_INDEX.get(_header_key(title), False)


def guess_mapping(headers, saved=None):
    """Field of each column: ``saved`` mapping first, then synonyms.

    ``saved`` maps a normalized title (:func:`header_key`) to a field (or
    ``""`` to ignore the column). A field is used by one column only: the
    first column wins, a later column with the same field is ignored.
    """
    used = set()
    mapping = []
    for title in headers:
        key = _header_key(title)
        if saved is not None and key in saved:
            field = saved[key] or False
        else:
            field = _SYNONYM_INDEX.get(key, False) if key else False
        if field and field in used:
            field = False
        if field:
            used.add(field)
        mapping.append(field)
    return mapping


header_key = _header_key


# ----------------------------------------------------------------------
# Rows
# ----------------------------------------------------------------------
class CellError(ValueError):
    """A cell that cannot be imported: ``code`` and the offending ``value``."""

    def __init__(self, code, value):
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


def _clean_mobile(cell, opts):
    digits = phone_text(cell)
    if digits is None:
        raise CellError("phone_scientific", clean_text(cell))
    if not digits:
        return None
    try:
        return normalize_mobile(digits, opts["region"])
    except PhoneError as err:
        raise CellError("phone_" + err.code, digits) from err


def _clean_birthday(cell, opts):
    try:
        birthday = parse_date(cell, opts["datemode"])
    except ValueError as err:
        raise CellError("date_invalid", clean_text(cell)) from err
    if birthday is None:
        return None
    if birthday > opts["today"]:
        raise CellError("date_future", birthday.isoformat())
    if birthday.year < 1900:
        raise CellError("date_too_old", birthday.isoformat())
    return birthday


def _clean_gender(cell, opts):
    try:
        return parse_gender(cell)
    except ValueError as err:
        raise CellError("gender_invalid", clean_text(cell)) from err


def _clean_points(cell, opts):
    try:
        return parse_points(cell)
    except ValueError as err:
        raise CellError("points_invalid", clean_text(cell)) from err


def _clean_email(cell, opts):
    email = clean_text(cell).lower()
    if email and not _EMAIL.match(email):
        raise CellError("email_invalid", email)
    return email


def _clean_code(cell, opts):
    return clean_text(cell).upper()


CLEANERS = {
    "mobile": _clean_mobile,
    "birthday": _clean_birthday,
    "gender": _clean_gender,
    "tags": lambda cell, opts: parse_tags(cell),
    "points": _clean_points,
    "email": _clean_email,
    "member_code": _clean_code,
}


def clean_row(raw, mapping, region="CN", today=None, datemode=0):
    """Clean one row.

    Return ``(values, errors)``: ``values`` maps the fields of ``mapping``
    to clean values (empty cells are left out), ``errors`` is a list of
    ``(code, params)``, empty when the row is valid.
    """
    opts = {"region": region, "today": today or date.today(), "datemode": datemode}
    values = {}
    errors = []
    for index, field in enumerate(mapping):
        if not field:
            continue
        cell = raw[index] if index < len(raw) else None
        cleaner = CLEANERS.get(field)
        try:
            value = cleaner(cell, opts) if cleaner else clean_text(cell)
        except CellError as err:
            errors.append((err.code, {"value": err.value}))
            continue
        if value is not None and value != "" and value is not False and value != []:
            values[field] = value
    if not errors:
        if not values.get("mobile"):
            errors.append(("mobile_missing", {}))
        if not values.get("name"):
            errors.append(("name_missing", {}))
    return values, errors


def dedup_keys(values):
    """Keys that identify the member of a clean row, strongest first."""
    keys = []
    if values.get("mobile"):
        keys.append(("mobile", values["mobile"]))
    if values.get("member_code"):
        keys.append(("member_code", values["member_code"]))
    if values.get("unionid"):
        keys.append(("unionid", values["unionid"]))
    return keys


class FileDedup:
    """Finds rows describing a member already seen earlier in the file."""

    def __init__(self):
        self.seen = {}

    def check(self, row_number, values):
        """Return the row number of the earlier row, or ``None`` (and
        remember this row)."""
        keys = dedup_keys(values)
        for key in keys:
            if key in self.seen:
                return self.seen[key]
        for key in keys:
            self.seen[key] = row_number
        return None


def empty_row(raw):
    for cell in raw:
        if cell is None or cell is False:
            continue
        if not isinstance(cell, str) or cell[:1].isalnum():
            return False  # numbers, dates, True and text starting with a letter
        if clean_text(cell) != "":
            return False
    return True


# ----------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------
def file_extension(file_name):
    name = (file_name or "").strip().lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def read_table(content, file_name, max_rows=None, max_size=None):
    """Read the first visible sheet of ``content`` into a :class:`Table`.

    Raise :class:`ImportFileError` when the file cannot be imported.
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    max_size = MAX_FILE_SIZE if max_size is None else max_size
    if content is None or not len(content):
        raise ImportFileError("empty")
    if len(content) > max_size:
        raise ImportFileError("too_large", size=len(content), max_size=max_size)
    ext = file_extension(file_name)
    if ext not in EXTENSIONS:
        raise ImportFileError("extension", extension=ext or "-")
    head = bytes(content[:8])
    if ext == "csv":
        if head.startswith(OLE_MAGIC) or head.startswith(ZIP_MAGIC):
            raise ImportFileError("corrupted", detail="binary file named .csv")
        rows, encoding = _csv_rows(content)
        sheet = None
    elif head.startswith(OLE_MAGIC):
        if ext == "xlsx":
            # An .xlsx saved with a password is an encrypted OLE container.
            raise ImportFileError("encrypted")
        rows, sheet = _xls_rows(content)
        encoding = None
    elif head.startswith(ZIP_MAGIC):
        rows, sheet = _xlsx_rows(content)
        encoding = None
    else:
        raise ImportFileError("corrupted", detail="not a spreadsheet")
    return _table(rows, max_rows, sheet, encoding)


def _table(rows, max_rows, sheet, encoding):
    """Find the header among the first rows, collect the non-empty rows."""
    rows = iter(rows)
    scanned = []
    header_at = None
    for number, raw in rows:
        if empty_row(raw):
            continue
        scanned.append((number, raw))
        known = sum(1 for cell in raw if guess_field(cell))
        if known >= 2 or (known and "mobile" in map(guess_field, raw)):
            header_at = len(scanned) - 1
            break
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    if not scanned:
        raise ImportFileError("empty")
    if header_at is None:
        header_at = 0
    __, headers = scanned[header_at]
    headers = [clean_text(h) for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    data = list(scanned[header_at + 1 :])
    for number, raw in rows:
        if empty_row(raw):
            continue
        data.append((number, list(raw)))
        if len(data) > max_rows:
            raise ImportFileError("too_many_rows", max_rows=max_rows)
    if len(data) > max_rows:
        raise ImportFileError("too_many_rows", max_rows=max_rows)
    if not data:
        raise ImportFileError("no_rows")
    return Table(headers, data, sheet, encoding)


def _xlsx_rows(content):
    """Rows of the first visible sheet: the fast reader, else openpyxl."""
    try:
        rows = fast_xlsx_rows(content)
    except Exception:  # noqa: BLE001 - anything unusual: openpyxl decides
        rows = None
    if rows is not None:
        return rows
    return openpyxl_xlsx_rows(content)


def openpyxl_xlsx_rows(content):
    """Rows of the first visible sheet read by openpyxl (read-only mode)."""
    import openpyxl  # external dependency of the addon

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as exc:
        raise ImportFileError("corrupted", detail=str(exc)[:200]) from exc
    sheets = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    if not sheets:
        raise ImportFileError("empty")
    sheet = sheets[0]

    def rows():
        try:
            for number, raw in enumerate(sheet.iter_rows(values_only=True), 1):
                yield number, list(raw)
        except Exception as exc:  # broken XML inside the zip
            raise ImportFileError("corrupted", detail=str(exc)[:200]) from exc
        finally:
            book.close()

    return rows(), sheet.title


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_ROW = _SHEET_NS + "row"
_XLSX_VALUE = _SHEET_NS + "v"
_XLSX_INLINE = _SHEET_NS + "is"
_XLSX_TEXT = _SHEET_NS + "t"
_XLSX_SI = _SHEET_NS + "si"
_XLSX_DIMENSION = _SHEET_NS + "dimension"
_XLSX_SHEET_DATA = _SHEET_NS + "sheetData"
_COLUMN_LETTERS = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _xml_events(source, **kwargs):
    """``lxml`` iterparse that resolves no entity and reads no URL."""
    from lxml import etree  # dependency of Odoo itself

    return etree.iterparse(
        source, resolve_entities=False, no_network=True, huge_tree=False, **kwargs
    )


def _fast_text(node):
    """Text of a ``<si>`` or ``<is>`` element, as openpyxl reads it."""
    children = list(node)
    if len(children) == 1 and children[0].tag == _XLSX_TEXT and not len(children[0]):
        return children[0].text or ""
    # rich text, phonetic runs...: openpyxl's own parsing of the element
    from openpyxl.cell.text import Text  # noqa: PLC0415

    return Text.from_tree(node).content


def fast_xlsx_rows(content):
    """Rows of the first visible sheet of an .xlsx, as :func:`openpyxl_xlsx_rows`
    gives them, read with ``lxml`` iterparse (2-3 times faster).

    The workbook parts (sheets, styles, date system) are read with
    openpyxl's own classes; the sheet's cells and the shared strings, where
    the time goes, are parsed here. Returns ``None`` (the caller then uses
    openpyxl) when the workbook has no visible worksheet; raises on anything
    unexpected (the caller falls back to openpyxl too).
    """
    from openpyxl.reader.excel import ExcelReader  # noqa: PLC0415
    from openpyxl.styles.stylesheet import apply_stylesheet  # noqa: PLC0415

    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    archive = reader.archive
    try:
        reader.read_manifest()
        reader.read_workbook()
        book = reader.wb
        apply_stylesheet(archive, book)
        target = title = None
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            if sheet.state == "visible":
                target, title = rel.target, sheet.name
                break
        if target is None:
            return None
        cells = _FastCells(_fast_shared_strings(reader), book)
        with archive.open(target) as src:
            max_col, max_row = _fast_dimensions(src)
        with archive.open(target) as src:
            rows = list(_fast_sheet_rows(src, cells, max_col, max_row))
    finally:
        archive.close()
    return iter(rows), title


def _fast_shared_strings(reader):
    from openpyxl.xml.constants import SHARED_STRINGS  # noqa: PLC0415

    strings = []
    part = reader.package.find(SHARED_STRINGS)
    if part is not None:
        with reader.archive.open(part.PartName[1:]) as src:
            for __, node in _xml_events(src, tag=_XLSX_SI):
                strings.append(_fast_text(node).replace("x005F_", ""))
                node.clear()
    return strings


def _fast_dimensions(src):
    """``(max column, max row)`` of the sheet's dimension, as openpyxl's
    read-only worksheet uses it (``None`` when absent)."""
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415

    for __, node in _xml_events(src, events=("start",)):
        if node.tag == _XLSX_DIMENSION:
            ref = node.get("ref")
            if ref:
                __, __, max_col, max_row = range_boundaries(ref)
                return max_col, max_row
            break
        if node.tag == _XLSX_SHEET_DATA:
            break
    return None, None


class _FastCells:
    """Values of ``<c>`` elements, as openpyxl's read-only sheets read them."""

    def __init__(self, strings, book):
        from openpyxl.utils.cell import column_index_from_string  # noqa: PLC0415
        from openpyxl.utils.datetime import from_excel, from_ISO8601  # noqa: PLC0415

        self.column_index = column_index_from_string
        self.from_excel = from_excel
        self.from_iso = from_ISO8601
        self.strings = strings
        self.epoch = book.epoch
        # openpyxl's read-only sheets read durations ([h]:mm) as dates too
        self.date_styles = book._date_formats
        self.columns = {}

    def column(self, ref):
        letters = ref.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is None:
            if not _COLUMN_LETTERS.match(ref):
                raise ValueError(ref)
            column = self.columns[letters] = self.column_index(letters)
        return column

    def value(self, cell):
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            node = cell.find(_XLSX_INLINE)
            return None if node is None else _fast_text(node)
        value = cell.findtext(_XLSX_VALUE) or None
        if value is None or kind in ("str", "e"):
            return value
        if kind == "n":
            if "." in value or "E" in value or "e" in value:
                value = float(value)
            else:
                value = int(value)
            style = cell.get("s")
            if (int(style) if style else 0) in self.date_styles:
                try:
                    return self.from_excel(value, self.epoch)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return value
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return self.from_iso(value)
        raise ValueError(kind)


def _fast_row_number(row, previous):
    index = row.get("r")
    if index is None:
        return previous + 1
    try:
        return int(index)
    except ValueError:
        value = float(index)
        if not value.is_integer():
            raise
        return int(value)


def _fast_sheet_rows(src, cells, max_col, max_row):
    """``(row number, values)`` of each row, with openpyxl's padding: rows
    missing in the XML are empty rows, values are padded to the sheet's
    width (else to the row's last cell), rows beyond the dimension are cut."""
    empty = [None] * max_col if max_col is not None else []
    counter = 1
    number = 0
    for __, row in _xml_events(src, tag=_XLSX_ROW):
        number = _fast_row_number(row, number)
        if max_row is not None and number > max_row:
            break
        while counter < number:
            yield counter, list(empty)
            counter += 1
        if counter > number:
            row.clear()
            continue
        values = []
        column = 0
        for cell in row:
            ref = cell.get("r")
            column = cells.column(ref) if ref else column + 1
            values.append((column, cells.value(cell)))
        row.clear()
        while row.getprevious() is not None:
            del row.getparent()[0]
        if not values and max_col is None:
            raw = []
        else:
            size = max_col or values[-1][0]
            raw = [None] * size
            for column, value in values:
                if 1 <= column <= size:
                    raw[column - 1] = value
        yield number, raw
        counter += 1


def _xls_rows(content):
    import xlrd  # external dependency of the addon

    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ImportFileError("encrypted") from exc
        raise ImportFileError("corrupted", detail=str(exc)[:200]) from exc
    except Exception as exc:
        raise ImportFileError("corrupted", detail=str(exc)[:200]) from exc
    sheet = None
    for index in range(book.nsheets):
        candidate = book.sheet_by_index(index)
        if not candidate.visibility:
            sheet = candidate
            break
    if sheet is None:
        raise ImportFileError("empty")
    datemode = book.datemode

    def cell_value(cell):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
            except Exception:
                return cell.value
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return None
        return cell.value

    def rows():
        for number in range(sheet.nrows):
            yield number + 1, [cell_value(c) for c in sheet.row(number)]

    return rows(), sheet.name


def _is_utf8(content):
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_csv(content):
    """Text of a CSV file and the encoding found.

    BOM first (UTF-8, UTF-16), then UTF-8, then GB18030 (a superset of GBK);
    a file mixing UTF-8 and GBK lines is decoded line by line.
    """
    content = bytes(content)
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError("encoding") from exc
    sample = content[:4000]
    if b"\x00" in sample:
        # UTF-16 without a BOM (text in UTF-8 or GBK has no zero byte):
        # the zero byte of ASCII characters comes second in little endian.
        odd = sample[1::2].count(b"\x00")
        even = sample[0::2].count(b"\x00")
        codec = "utf-16-le" if odd >= even else "utf-16-be"
        try:
            return content.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise ImportFileError("encoding") from exc
    if _is_utf8(content):
        return content.decode("utf-8"), "utf-8"
    # Line by line: GBK exports appended to UTF-8 ones are common.
    lines = []
    codecs = set()
    for number, line in enumerate(content.split(b"\n"), 1):
        try:
            lines.append(line.decode("utf-8"))
            if not line.isascii():
                codecs.add("utf-8")
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("gb18030"))
                codecs.add("gb18030")
            except UnicodeDecodeError as exc:
                raise ImportFileError("encoding", line=number) from exc
    return "\n".join(lines), "mixed" if len(codecs) > 1 else "gb18030"


def guess_delimiter(text):
    """The separator used most on the first non-empty line (``,`` if none)."""
    for line in text[:65536].splitlines():
        if line.strip():
            counts = {sep: line.count(sep) for sep in (",", ";", "\t", "|")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _csv_rows(content):
    text, encoding = decode_csv(content)
    if "\x00" in text:
        raise ImportFileError("corrupted", detail="NUL characters")
    delimiter = guess_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            for raw in reader:
                yield reader.line_num, raw
        except csv.Error as exc:
            raise ImportFileError("corrupted", detail=str(exc)[:200]) from exc

    return rows(), encoding


# ----------------------------------------------------------------------
# Duplicates
# ----------------------------------------------------------------------
COMPLETENESS_FIELDS = (
    "name",
    "mobile",
    "email",
    "birthday",
    "gender",
    "unionid",
    "user_id",
    "tags",
)


def master_sort_key(member):
    """Sort key of a duplicate member; the greatest is proposed as master.

    ``member`` is a dict with ``id``, ``last_purchase`` (date or None),
    ``last_activity`` (datetime or None) and the :data:`COMPLETENESS_FIELDS`.
    The member who bought most recently wins, then the most recently
    active, then the most complete, then the oldest record.
    """
    completeness = sum(1 for f in COMPLETENESS_FIELDS if member.get(f))
    return (
        member.get("last_purchase") or date.min,
        member.get("last_activity") or datetime.min,
        completeness,
        -member["id"],
    )


def propose_master(members):
    """The member of ``members`` (dicts, see :func:`master_sort_key`) to keep."""
    return max(members, key=master_sort_key)
