"""Assessment systems in and out of xlsx workbooks (测评体系表).

The workbook format (documented in docs/spreadsheets.md and in the workbook's own 说明 sheet):

    体系        one row: the system (title, city level, edition, year, name…)
    指标        one row per indicator; the tree is given by 编码 / 上级编码 / 层级
    点位类型    point types, upserted by code in the area
    测评细则    check items, upserted by (point type, code) and linked to indicators by code

Row 1 of each sheet holds the column headers (in any order); data starts in row 2. Sheet and
column names are part of the format, so they are the same whatever the interface language;
enumerations are written with their Chinese labels, and the English labels and stored values
are accepted too.

Import is in two steps so that nothing is written from a bad file: ``prepare_import`` reads
and checks everything (cell types, references to units, point types and indicators, the tree),
and ``import_system`` writes the checked plan in one transaction with bulk inserts. Every
problem carries the sheet, row number and column it is about.
"""

import datetime
import io
import itertools
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.indicators.actions import archive_active_systems
from chuangcheng.indicators.choices import CityLevel, Method, ScoringMode, SystemStatus, Title
from chuangcheng.indicators.models import AssessmentSystem, CheckItem, Indicator, PointType
from chuangcheng.indicators.validation import TreeRow, check_tree
from chuangcheng.org.models import OrgUnit

# --- the format -----------------------------------------------------------------------------

SHEET_README = "说明"
SHEET_SYSTEM = "体系"
SHEET_INDICATORS = "指标"
SHEET_POINT_TYPES = "点位类型"
SHEET_CHECK_ITEMS = "测评细则"
DATA_SHEETS = (SHEET_SYSTEM, SHEET_INDICATORS, SHEET_POINT_TYPES, SHEET_CHECK_ITEMS)
REQUIRED_SHEETS = (SHEET_SYSTEM, SHEET_INDICATORS)

YES, NO = "是", "否"
LIST_SEPARATOR = "、"
# 、 is what people type; commas, semicolons and line breaks are accepted as well
LIST_SPLIT_RE = re.compile(r"[、,，;；\n\r]+")
CODE_FORBIDDEN_RE = re.compile(r"[、,，;；/\s]")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A zip bomb is refused before openpyxl unpacks it: 10,000 rows take about 5 MB unpacked.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_SCORE = Decimal("99999.99")  # DecimalField(max_digits=7, decimal_places=2)
MAX_SMALL_INT = 32767
MAX_INT = 2_147_483_647
PROGRESS_EVERY = 2000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the attribute it fills, how a cell is read."""

    header: str
    attr: str
    kind: str  # text | code | codes | units | int | decimal | bool | choice
    required: bool = False
    max_length: int | None = None
    choice: str = ""  # key of CHOICE_SETS
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    width: int = 12
    help: Any = ""  # lazily translated explanation for the 说明 sheet


# The column tables read best as tables.
# fmt: off
SYSTEM_COLUMNS = (
    Column("称号", "title", "choice", required=True, choice="title", width=18,
           help=gettext_lazy("The city title this system assesses.")),
    Column("城市级别", "city_level", "choice", required=True, choice="city_level", width=14,
           help=gettext_lazy("The official systems differ by the level of the city assessed.")),
    Column("版本", "edition", "text", required=True, max_length=40, width=12,
           help=gettext_lazy("Edition, e.g. 2021版; unique per title and city level in the area.")),
    Column("年份", "year", "int", required=True, minimum=1949, maximum=2100, width=8,
           help=gettext_lazy("The year of the edition, e.g. 2024.")),
    Column("名称", "name", "text", required=True, max_length=200, width=36,
           help=gettext_lazy("Full name of the system.")),
    Column("是否声明分值", "declares_totals", "bool", default=True, width=14,
           help=gettext_lazy(
               "是 when the published system gives each parent's score: then sub-indicators must not "
               "add up to more than their parent. Blank means 是.")),
    Column("总分", "total_score", "decimal", width=8,
           help=gettext_lazy("The declared total score; the top-level indicators should add up to it.")),
    Column("示范内容(是/否)", "is_sample", "bool", default=False, width=14,
           help=gettext_lazy(
               "是 when the content was built from public facts rather than the official text. "
               "Blank means 否.")),
    Column("来源", "source", "text", width=30, help=gettext_lazy("Where the text comes from.")),
    Column("备注", "notes", "text", width=30, help=gettext_lazy("Notes.")),
)

INDICATOR_COLUMNS = (
    Column("编码", "code", "code", required=True, max_length=32, width=10,
           help=gettext_lazy("Unique code of the indicator in this system, e.g. 3.2.1.")),
    Column("上级编码", "parent_code", "code", max_length=32, width=10,
           help=gettext_lazy("Code of the parent indicator; blank for a top-level indicator.")),
    Column("层级", "level", "int", required=True, minimum=0, maximum=99, width=6,
           help=gettext_lazy("1 测评项目, 2 测评内容, 3 测评标准: the parent's level plus one.")),
    Column("名称", "name", "text", required=True, max_length=500, width=36, help=gettext_lazy("Name.")),
    Column("说明", "description", "text", width=40,
           help=gettext_lazy("The full text of the indicator or standard.")),
    Column("分值", "max_score", "decimal", width=8,
           help=gettext_lazy("Maximum score, not negative, at most two decimals.")),
    Column("权重", "weight", "decimal", width=8,
           help=gettext_lazy("Weight, where the system gives weights.")),
    Column("测评方法", "method", "choice", choice="method", width=14,
           help=gettext_lazy("How the indicator is assessed.")),
    Column("牵头单位", "lead_unit", "text", max_length=200, width=16,
           help=gettext_lazy(
               "Name of a unit in the campaign area. When two units share a name, write it as "
               "上级单位/单位.")),
    Column("配合单位", "cooperating_units", "units", width=24,
           help=gettext_lazy("Names of units in the campaign area, separated by 、.")),
    Column("点位类型", "point_types", "codes", width=16,
           help=gettext_lazy(
               "Codes of the point types where the indicator is checked, separated by 、; each must be "
               "in the 点位类型 sheet or already exist in the area.")),
    Column("备注", "notes", "text", width=20, help=gettext_lazy("Notes.")),
    Column("排序", "sort_order", "int", minimum=0, maximum=MAX_INT, width=6,
           help=gettext_lazy("Order among siblings; blank means the order of the rows.")),
)

POINT_TYPE_COLUMNS = (
    Column("编码", "code", "code", required=True, max_length=32, width=10,
           help=gettext_lazy(
               "Code of the point type in the campaign area; an existing point type with this code "
               "is updated.")),
    Column("名称", "name", "text", required=True, max_length=60, width=16, help=gettext_lazy("Name.")),
    Column("观察方法", "protocol", "text", width=40,
           help=gettext_lazy("What the inspector does there, e.g. walk 500 m along the road.")),
    Column("步行距离(米)", "walk_metres", "int", minimum=0, maximum=MAX_INT, width=12,
           help=gettext_lazy("Distance to walk, in metres.")),
    Column("抽查数量", "sample_count", "int", minimum=0, maximum=MAX_INT, width=10,
           help=gettext_lazy("How many samples to check (stairwells, bus lines…).")),
    Column("排序", "sort_order", "int", minimum=0, maximum=MAX_INT, width=6,
           help=gettext_lazy("Order of the point types; blank means the order of the rows.")),
)

CHECK_ITEM_COLUMNS = (
    Column("点位类型编码", "point_type", "code", required=True, max_length=32, width=12,
           help=gettext_lazy("Code of the point type whose checklist the item belongs to.")),
    Column("编码", "code", "code", required=True, max_length=32, width=10,
           help=gettext_lazy(
               "Code of the item within its point type; an existing item with this code is updated.")),
    Column("检查内容", "text", "text", required=True, max_length=500, width=40,
           help=gettext_lazy("What to check.")),
    Column("对应指标编码", "indicators", "codes", required=True, width=16,
           help=gettext_lazy(
               "Codes of the indicators (in the 指标 sheet) the item serves, separated by 、.")),
    Column("计分方式", "scoring_mode", "choice", choice="scoring_mode", default=ScoringMode.PASS_FAIL,
           width=10,
           help=gettext_lazy(
               "扣分制: failing loses the deduction. 等级制: the number of violations sets the status "
               "A/B/C/C#, keeping 100/66/33/0 per cent of the score. Blank means 扣分制.")),
    Column("分值", "points", "decimal", width=8,
           help=gettext_lazy("The item's score; required for 等级制.")),
    Column("扣分", "deduction", "decimal", width=8,
           help=gettext_lazy("Points lost when the item fails; required for 扣分制.")),
    Column("B级起(例)", "threshold_b", "int", minimum=0, maximum=MAX_SMALL_INT, width=10,
           help=gettext_lazy("等级制: number of violations from which the status is B.")),
    Column("C级起(例)", "threshold_c", "int", minimum=0, maximum=MAX_SMALL_INT, width=10,
           help=gettext_lazy("等级制: number of violations from which the status is C.")),
    Column("C#级起(例)", "threshold_c_sharp", "int", minimum=0, maximum=MAX_SMALL_INT, width=10,
           help=gettext_lazy(
               "等级制: number of violations from which the status is C#; required for 等级制.")),
    Column("失分须拍照(是/否)", "photo_required_on_failure", "bool", default=True, width=12,
           help=gettext_lazy(
               "Whether the inspector must take a photo when the item fails. Blank means 是.")),
    Column("一票否决(是/否)", "is_veto", "bool", default=False, width=12,
           help=gettext_lazy("Failing a veto item fails the point whatever the score. Blank means 否.")),
    Column("排序", "sort_order", "int", minimum=0, maximum=MAX_INT, width=6,
           help=gettext_lazy("Order in the checklist; blank means the order of the rows.")),
)
# fmt: on

SHEET_COLUMNS = {
    SHEET_SYSTEM: SYSTEM_COLUMNS,
    SHEET_INDICATORS: INDICATOR_COLUMNS,
    SHEET_POINT_TYPES: POINT_TYPE_COLUMNS,
    SHEET_CHECK_ITEMS: CHECK_ITEM_COLUMNS,
}

# Chinese names offices use for the enumerations, whatever the catalogue says; the first of
# each is written when the catalogue has no Chinese label yet.
ALIASES = {
    "title": {
        Title.CIVILISED_NATIONAL: ("全国文明城市",),
        Title.CIVILISED_PROVINCIAL: ("省级文明城市",),
        Title.SANITARY_CITY: ("国家卫生城市",),
        Title.SANITARY_COUNTY: ("国家卫生县城", "国家卫生县"),
        Title.FOREST_CITY: ("国家森林城市",),
        Title.GARDEN_NATIONAL: ("国家园林城市",),
        Title.GARDEN_PROVINCIAL_COUNTY: ("省级园林县城",),
    },
    "city_level": {
        CityLevel.PREFECTURE: ("地级及以上", "地级以上", "地级"),
        CityLevel.COUNTY: ("县级",),
    },
    "method": {
        Method.FIELD_CHECK: ("实地考察",),
        Method.DOCUMENT_REVIEW: ("材料审核",),
        Method.SURVEY: ("问卷调查",),
        Method.STATISTIC: ("数据指标",),
        Method.ONLINE_FILING: ("网上申报",),
        Method.MEDIA_SURVEY: ("网络媒体调查",),
        Method.ENQUIRY: ("问询",),
    },
    # the scoring modes are written with the assessors' own words
    "scoring_mode": {
        ScoringMode.PASS_FAIL: ("扣分制",),
        ScoringMode.STATUS_SCALE: ("等级制",),
    },
}
CHOICE_CLASSES = {"title": Title, "city_level": CityLevel, "method": Method, "scoring_mode": ScoringMode}
FIXED_LABELS = {"scoring_mode"}  # written with the alias, not the catalogue's label

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).casefold()


class ChoiceSet:
    """Labels of one enumeration: what is written, and everything that is read as each value."""

    def __init__(self, key: str):
        choices = CHOICE_CLASSES[key]
        aliases = ALIASES[key]
        self.labels: dict[str, str] = {}
        self.lookup: dict[str, str] = {}
        for value, label in choices.choices:
            with translation.override("zh-hans"):
                chinese = str(label)
            with translation.override("en"):
                english = str(label)
            if key in FIXED_LABELS or chinese == english:  # no Chinese label in the catalogue yet
                chinese = aliases[value][0]
            self.labels[value] = chinese
            for word in (value, chinese, english, *aliases[value]):
                self.lookup.setdefault(_norm(word), value)

    def parse(self, text: str) -> str | None:
        return self.lookup.get(_norm(text))

    def label(self, value: str) -> str:
        return self.labels.get(value, value)


def choice_set(key: str) -> ChoiceSet:
    # built per call: labels come from the catalogue, which may be reloaded in development
    return ChoiceSet(key)


def _header_key(text: Any) -> str:
    """Headers match with spaces, a required-mark *, full-width brackets and (是/否) forgiven."""
    key = re.sub(r"\s+", "", str(text or ""))
    key = key.replace("（", "(").replace("）", ")").rstrip("*＊")
    key = re.sub(r"\(是/否\)$", "", key)
    return key


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a workbook, located by sheet, row and column."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.sheet and self.row and self.column:
            return _("{sheet}, row {row}, {column}: {reason}").format(
                sheet=self.sheet, row=self.row, column=self.column, reason=self.message
            )
        if self.sheet and self.row:
            return _("{sheet}, row {row}: {reason}").format(
                sheet=self.sheet, row=self.row, reason=self.message
            )
        if self.sheet and self.column:
            return _("{sheet}, column {column}: {reason}").format(
                sheet=self.sheet, column=self.column, reason=self.message
            )
        if self.sheet:
            return _("{sheet}: {reason}").format(sheet=self.sheet, reason=self.message)
        return self.message

    def sort_key(self):
        sheet_rank = DATA_SHEETS.index(self.sheet) if self.sheet in DATA_SHEETS else -1
        columns = [c.header for c in SHEET_COLUMNS.get(self.sheet, ())]
        column_rank = columns.index(self.column) if self.column in columns else -1
        return (sheet_rank, self.row or 0, column_rank)


class WorkbookInvalid(Exception):
    """The workbook cannot be imported; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --- parsed rows -----------------------------------------------------------------------------


@dataclass
class SystemRow:
    row: int
    title: str | None = None
    city_level: str | None = None
    edition: str = ""
    year: int | None = None
    name: str = ""
    declares_totals: bool = True
    total_score: Decimal | None = None
    is_sample: bool = False
    source: str = ""
    notes: str = ""


@dataclass
class IndicatorRow:
    row: int
    code: str = ""
    parent_code: str = ""
    level: int | None = None
    name: str = ""
    description: str = ""
    max_score: Decimal | None = None
    weight: Decimal | None = None
    method: str | None = None
    lead_unit: str = ""
    cooperating_units: list[str] = field(default_factory=list)
    point_types: list[str] = field(default_factory=list)
    notes: str = ""
    sort_order: int | None = None


@dataclass
class PointTypeRow:
    row: int
    code: str = ""
    name: str = ""
    protocol: str = ""
    walk_metres: int | None = None
    sample_count: int | None = None
    sort_order: int | None = None


@dataclass
class CheckItemRow:
    row: int
    point_type: str = ""
    code: str = ""
    text: str = ""
    indicators: list[str] = field(default_factory=list)
    scoring_mode: str | None = ScoringMode.PASS_FAIL
    points: Decimal | None = None
    deduction: Decimal | None = None
    threshold_b: int | None = None
    threshold_c: int | None = None
    threshold_c_sharp: int | None = None
    photo_required_on_failure: bool = True
    is_veto: bool = False
    sort_order: int | None = None


ROW_CLASSES = {
    SHEET_SYSTEM: SystemRow,
    SHEET_INDICATORS: IndicatorRow,
    SHEET_POINT_TYPES: PointTypeRow,
    SHEET_CHECK_ITEMS: CheckItemRow,
}


@dataclass
class ParsedWorkbook:
    system: SystemRow | None = None
    indicators: list[IndicatorRow] = field(default_factory=list)
    point_types: list[PointTypeRow] = field(default_factory=list)
    check_items: list[CheckItemRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # a sheet or column is missing, or the file is unreadable: rows were not (all) checked
    broken: bool = False


# --- reading cells ---------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value cannot be read; the message is for the user."""


def _shown(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= 30 else text[:30] + "…"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _read_decimal(value: Any) -> Decimal:
    if isinstance(value, bool | datetime.date | datetime.time):
        raise CellError(_("Expected a number, not “{value}”.").format(value=_shown(value)))
    try:
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellError(_("Expected a number, not “{value}”.").format(value=_shown(value))) from None
    if not number.is_finite():
        raise CellError(_("Expected a number, not “{value}”.").format(value=_shown(value)))
    if abs(number) > MAX_SCORE:
        raise CellError(_("The number {value} is too large.").format(value=_shown(value)))
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        raise CellError(_("At most two decimal places are allowed ({value}).").format(value=_shown(value)))
    return number.quantize(Decimal("0.01"))


def _read_int(value: Any, column: Column) -> int:
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        number = int(value.strip())
    if number is None:
        raise CellError(_("Expected a whole number, not “{value}”.").format(value=_shown(value)))
    if (column.minimum is not None and number < column.minimum) or (
        column.maximum is not None and number > column.maximum
    ):
        raise CellError(
            _("Expected a whole number from {min} to {max}, not {value}.").format(
                min=column.minimum, max=column.maximum, value=number
            )
        )
    return number


def _read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _norm(_read_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Expected 是 or 否, not “{value}”.").format(value=_shown(value)))


def _read_code(value: Any, column: Column) -> str:
    code = _read_text(value)
    if CODE_FORBIDDEN_RE.search(code):
        raise CellError(
            _("The code “{value}” must not contain spaces, /, 、, commas or semicolons.").format(
                value=_shown(code)
            )
        )
    if column.max_length and len(code) > column.max_length:
        raise CellError(_("At most {n} characters are allowed.").format(n=column.max_length))
    return code


def _split(value: Any) -> list[str]:
    seen: dict[str, None] = {}
    for part in LIST_SPLIT_RE.split(_read_text(value)):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _read_cell(value: Any, column: Column, choices: dict[str, ChoiceSet]) -> Any:
    kind = column.kind
    if kind == "text":
        text = _read_text(value)
        if column.max_length and len(text) > column.max_length:
            raise CellError(
                _("At most {n} characters are allowed (this cell has {m}).").format(
                    n=column.max_length, m=len(text)
                )
            )
        return text
    if kind == "code":
        return _read_code(value, column)
    if kind == "codes":
        codes = _split(value)
        for code in codes:
            if len(code) > 32 or re.search(r"\s|/", code):
                raise CellError(_("“{value}” is not a valid code.").format(value=_shown(code)))
        return codes
    if kind == "units":
        return _split(value)
    if kind == "int":
        return _read_int(value, column)
    if kind == "decimal":
        return _read_decimal(value)
    if kind == "bool":
        return _read_bool(value)
    if kind == "choice":
        found = choices[column.choice].parse(_read_text(value))
        if found is None:
            allowed = LIST_SEPARATOR.join(choices[column.choice].labels.values())
            raise CellError(
                _("Unknown value “{value}”; allowed: {allowed}.").format(value=_shown(value), allowed=allowed)
            )
        return found
    raise AssertionError(kind)


def _empty_value(column: Column) -> Any:
    if column.default is not None:
        return column.default
    if column.kind in ("text", "code"):
        return ""
    if column.kind in ("codes", "units"):
        return []
    return None


# --- reading a workbook ----------------------------------------------------------------------

Progress = Callable[[str], None]


def _file_problem(message: str) -> WorkbookInvalid:
    return WorkbookInvalid([Problem("", None, "", message)])


def _not_xlsx() -> WorkbookInvalid:
    return _file_problem(
        _(
            "The file is not an .xlsx workbook (perhaps an .xls or another file renamed to .xlsx, or an "
            "encrypted workbook). Open it in Excel or WPS, save it as .xlsx and try again."
        )
    )


def open_workbook(source) -> Workbook:
    """Open an uploaded or stored file as an xlsx workbook (read-only), judging by content.

    ``source`` is a path or a binary file object. Raises ``WorkbookInvalid`` for anything that is
    not a real xlsx zip, and for zip bombs.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            data = handle.read()
    else:
        source.seek(0)
        data = source.read()
        source.seek(0)
    if not data:
        raise _file_problem(_("The file is empty."))
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _not_xlsx() from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx()
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_problem(_("The workbook is too large once unpacked."))
    buffer.seek(0)
    try:
        return load_workbook(buffer, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError):
        # SyntaxError covers the XML parser's errors on a damaged part
        raise _not_xlsx() from None


MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _merged_ranges(worksheet) -> list[str]:
    """Merged ranges of a read-only sheet (read-only mode does not expose them, so the sheet's
    XML is scanned; the <mergeCells> element follows the data and is small)."""
    with worksheet._get_source() as source:
        return [m.decode() for m in MERGE_RE.findall(source.read())]


def _range_start(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)([0-9]+)", ref)
    letters, digits = match.group(1), match.group(2)
    column = 0
    for letter in letters:
        column = column * 26 + (ord(letter) - 64)
    return int(digits), column


def read_workbook(source, *, progress: Progress | None = None) -> ParsedWorkbook:
    """Read and check every cell of a workbook (no database access)."""
    parsed = ParsedWorkbook()
    try:
        book = open_workbook(source)
    except WorkbookInvalid as exc:
        parsed.problems.extend(exc.problems)
        parsed.broken = True
        return parsed
    try:
        sheets = {name.strip(): book[name] for name in book.sheetnames}
        for name in REQUIRED_SHEETS:
            if name not in sheets:
                parsed.problems.append(
                    Problem(name, None, "", _("The sheet “{sheet}” is missing.").format(sheet=name))
                )
                parsed.broken = True
        if parsed.broken:
            return parsed
        choices = {key: choice_set(key) for key in CHOICE_CLASSES}
        for sheet in DATA_SHEETS:
            if sheet in sheets:
                rows = _read_sheet(parsed, sheets[sheet], sheet, choices, progress)
                if sheet == SHEET_SYSTEM:
                    _take_system_row(parsed, rows)
                elif sheet == SHEET_INDICATORS:
                    parsed.indicators = rows
                elif sheet == SHEET_POINT_TYPES:
                    parsed.point_types = rows
                else:
                    parsed.check_items = rows
        if not parsed.broken and not parsed.indicators:
            parsed.problems.append(
                Problem(SHEET_INDICATORS, None, "", _("The sheet has no indicators: fill in from row 2."))
            )
    finally:
        book.close()
    return parsed


def _take_system_row(parsed: ParsedWorkbook, rows: list[SystemRow]):
    if not rows:
        if not parsed.broken:
            parsed.problems.append(
                Problem(SHEET_SYSTEM, 2, "", _("Fill in the system in row 2 (this row is empty)."))
            )
        return
    parsed.system = rows[0]
    for extra in rows[1:]:
        parsed.problems.append(
            Problem(SHEET_SYSTEM, extra.row, "", _("A workbook holds one system: only row 2 is read."))
        )


def _read_sheet(parsed, worksheet, sheet, choices, progress) -> list:
    columns = SHEET_COLUMNS[sheet]
    row_class = ROW_CLASSES[sheet]
    worksheet.reset_dimensions()  # some writers declare a wrong size; read what is there
    rows_iter = worksheet.iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    if all(_is_blank(cell) for cell in header):
        rest = [number for number, values in enumerate(rows_iter, start=2) if not all(map(_is_blank, values))]
        if not rest:
            return []  # an empty sheet counts as no rows
        header = ()

    # headers → positions
    wanted = {_header_key(c.header): c for c in columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if _is_blank(cell):
            continue
        key = _header_key(cell)
        column = wanted.get(key)
        if column is None:
            parsed.warnings.append(
                Problem(
                    sheet,
                    1,
                    _read_text(cell),
                    _("Unknown column “{header}”: it is ignored.").format(header=_shown(cell)),
                )
            )
        elif column.attr in positions:
            parsed.problems.append(Problem(sheet, 1, column.header, _("This column appears more than once.")))
            parsed.broken = True
        else:
            positions[column.attr] = index
    missing = [c for c in columns if c.attr not in positions]
    for column in missing:
        parsed.problems.append(
            Problem(
                sheet,
                1,
                column.header,
                _("The column “{header}” is missing from the header row.").format(header=column.header),
            )
        )
    if missing:
        parsed.broken = True
        return []

    header_of_index = {positions[column.attr]: column.header for column in columns}
    for ref in _merged_ranges(worksheet):
        row, column_index = _range_start(ref)
        parsed.problems.append(
            Problem(
                sheet,
                row,
                header_of_index.get(column_index - 1, ""),
                _("Cells {cells} are merged. Unmerge them and fill in every cell.").format(cells=ref),
            )
        )

    result = []
    ordinal = 0
    for row_number, values in enumerate(rows_iter, start=2):
        if all(_is_blank(v) for v in values):
            continue
        ordinal += 1
        fields = {}
        for column in columns:
            index = positions[column.attr]
            value = values[index] if index < len(values) else None
            if _is_blank(value):
                if column.required:
                    parsed.problems.append(
                        Problem(sheet, row_number, column.header, _("This cell is required."))
                    )
                fields[column.attr] = _empty_value(column)
                continue
            try:
                fields[column.attr] = _read_cell(value, column, choices)
            except CellError as exc:
                parsed.problems.append(Problem(sheet, row_number, column.header, str(exc)))
                fields[column.attr] = _empty_value(column)
        if "sort_order" in fields and fields["sort_order"] is None:
            fields["sort_order"] = ordinal
        result.append(row_class(row=row_number, **fields))
        if progress and ordinal % PROGRESS_EVERY == 0:
            progress(_("{sheet}: {n} rows read…").format(sheet=sheet, n=ordinal))
    if progress and ordinal >= PROGRESS_EVERY and ordinal % PROGRESS_EVERY:
        progress(_("{sheet}: {n} rows read.").format(sheet=sheet, n=ordinal))
    return result


# --- checking against the area -----------------------------------------------------------------


class UnitDirectory:
    """The org units of a campaign area by name, to read and write 牵头单位/配合单位.

    A name is written as is when it is unique in the area, otherwise as 上级单位/单位 (as many
    levels as it takes); short names are accepted on the way in.
    """

    def __init__(self, area: OrgUnit):
        self.area = area
        rows = OrgUnit.objects.filter(path__startswith=area.path).values_list(
            "pk", "name", "short_name", "parent_id"
        )
        self.units = {pk: (name, short_name, parent_id) for pk, name, short_name, parent_id in rows}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_short_name: dict[str, list[int]] = defaultdict(list)
        for pk, (name, short_name, _parent) in self.units.items():
            self.by_name[name.strip()].append(pk)
            if short_name.strip():
                self.by_short_name[short_name.strip()].append(pk)

    def _ancestor_names(self, pk: int) -> list[str]:
        names = []
        parent = self.units[pk][2]
        while parent in self.units:
            names.append(self.units[parent][0])
            parent = self.units[parent][2]
        return names

    def resolve(self, ref: str) -> tuple[int | None, str]:
        """(unit id, "") or (None, a reason for the user)."""
        ref = ref.strip()
        found = self.by_name.get(ref) or self.by_short_name.get(ref)
        if not found and "/" in ref:
            *above, name = [part.strip() for part in ref.split("/")]
            found = [
                pk
                for pk in self.by_name.get(name, [])
                if self._ancestor_names(pk)[: len(above)] == list(reversed(above))
            ]
        if not found:
            return None, _("No unit named “{name}” in {area}.").format(name=ref, area=self.area.name)
        if len(found) > 1:
            return None, _(
                "More than one unit in {area} is named “{name}”: write it as 上级单位/{name}."
            ).format(area=self.area.name, name=ref)
        return found[0], ""

    def ref(self, pk: int) -> str:
        """How a unit is written in the workbook."""
        if pk not in self.units:
            return OrgUnit.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
        name = self.units[pk][0]
        parts = [name]
        ancestors = self._ancestor_names(pk)
        while len(self.by_name.get(name.strip(), [])) > 1 and ancestors:
            parts.insert(0, ancestors.pop(0))
            candidate = "/".join(parts)
            if self.resolve(candidate)[0] == pk:
                return candidate
        return "/".join(parts)


@dataclass
class ImportPlan:
    """A read and checked workbook, with its references resolved in the target area."""

    area: OrgUnit
    parsed: ParsedWorkbook
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unit_ids: dict[str, int] = field(default_factory=dict)
    existing_point_types: dict[str, int] = field(default_factory=dict)
    existing_check_items: set[tuple[str, str]] = field(default_factory=set)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    # figures for the preview
    def level_counts(self) -> dict[int, int]:
        counts = Counter(row.level for row in self.parsed.indicators)
        return {level: counts.get(level, 0) for level in (1, 2, 3)}

    def point_type_counts(self) -> tuple[int, int]:
        codes = {row.code for row in self.parsed.point_types}
        updated = len(codes & set(self.existing_point_types))
        return len(codes) - updated, updated

    def check_item_counts(self) -> tuple[int, int]:
        keys = {(row.point_type, row.code) for row in self.parsed.check_items}
        updated = len(keys & self.existing_check_items)
        return len(keys) - updated, updated


def prepare_import(source, area: OrgUnit, *, progress: Progress | None = None) -> ImportPlan:
    """Read a workbook and check everything against ``area``; nothing is written."""
    parsed = read_workbook(source, progress=progress)
    plan = ImportPlan(
        area=area, parsed=parsed, problems=list(parsed.problems), warnings=list(parsed.warnings)
    )
    if parsed.broken:
        return plan
    if progress:
        progress(_("Checking references and the tree…"))
    _check_system(plan)
    _check_indicators(plan)
    _check_point_types(plan)
    _check_check_items(plan)
    plan.problems.sort(key=Problem.sort_key)
    plan.warnings.sort(key=Problem.sort_key)
    return plan


def _edition_taken(area, system: SystemRow) -> bool:
    return AssessmentSystem.objects.filter(
        area=area, title=system.title, city_level=system.city_level, edition=system.edition
    ).exists()


def _edition_problem(plan_area, system: SystemRow) -> Problem:
    return Problem(
        SHEET_SYSTEM,
        system.row,
        "版本",
        _(
            "{area} already has the edition “{edition}” of {title} ({level}). Give this one another "
            "edition, or rename the existing one."
        ).format(
            area=plan_area.name,
            edition=system.edition,
            title=choice_set("title").label(system.title),
            level=choice_set("city_level").label(system.city_level),
        ),
    )


def _check_system(plan: ImportPlan):
    system = plan.parsed.system
    if system is None or not (system.title and system.city_level and system.edition):
        return
    if _edition_taken(plan.area, system):
        plan.problems.append(_edition_problem(plan.area, system))


TREE_FIELD_COLUMNS = {
    "code": "编码",
    "parent": "上级编码",
    "level": "层级",
    "max_score": "分值",
    "weight": "权重",
    "method": "测评方法",
}


def _check_indicators(plan: ImportPlan):
    parsed = plan.parsed
    system = parsed.system
    directory = UnitDirectory(plan.area)
    for row in parsed.indicators:
        refs = ([row.lead_unit] if row.lead_unit else []) + row.cooperating_units
        for ref in refs:
            if ref in plan.unit_ids:
                continue
            unit_id, reason = directory.resolve(ref)
            if unit_id is None:
                column = "牵头单位" if ref == row.lead_unit else "配合单位"
                plan.problems.append(Problem(SHEET_INDICATORS, row.row, column, reason))
            else:
                plan.unit_ids[ref] = unit_id

    # point types named by indicators: in the workbook, or already in the area
    sheet_codes = {row.code for row in parsed.point_types if row.code}
    wanted = {code for row in parsed.indicators for code in row.point_types} | {
        row.point_type for row in parsed.check_items if row.point_type
    }
    plan.existing_point_types = dict(
        PointType.objects.filter(area=plan.area, code__in=wanted | sheet_codes).values_list("code", "pk")
    )
    known = sheet_codes | set(plan.existing_point_types)
    for row in parsed.indicators:
        for code in row.point_types:
            if code not in known:
                plan.problems.append(
                    Problem(
                        SHEET_INDICATORS,
                        row.row,
                        "点位类型",
                        _(
                            "Unknown point type “{code}”: it is neither in the sheet “{sheet}” nor in {area}."
                        ).format(code=code, sheet=SHEET_POINT_TYPES, area=plan.area.name),
                    )
                )

    tree_rows = [
        TreeRow(
            code=row.code,
            parent_code=row.parent_code,
            level=row.level,
            max_score=row.max_score,
            weight=row.weight,
            method=row.method or "",
            ref=row.row,
        )
        for row in parsed.indicators
        if row.code
    ]
    declares = system.declares_totals if system else True
    total = system.total_score if system else None
    for issue in check_tree(tree_rows, declares_totals=declares, total_score=total):
        if issue.field == "total_score":
            target = Problem(SHEET_SYSTEM, system.row if system else 2, "总分", issue.message)
        else:
            target = Problem(
                SHEET_INDICATORS, issue.ref, TREE_FIELD_COLUMNS.get(issue.field, ""), issue.message
            )
        (plan.problems if issue.is_error else plan.warnings).append(target)


def _duplicate_message(row: int) -> str:
    return _("This code is already used in row {row}.").format(row=row)


def _check_point_types(plan: ImportPlan):
    first: dict[str, int] = {}
    for row in plan.parsed.point_types:
        if not row.code:
            continue
        if row.code in first:
            plan.problems.append(
                Problem(SHEET_POINT_TYPES, row.row, "编码", _duplicate_message(first[row.code]))
            )
        else:
            first[row.code] = row.row
    updated = sorted(set(first) & set(plan.existing_point_types))
    if updated:
        plan.warnings.append(
            Problem(
                SHEET_POINT_TYPES,
                None,
                "",
                _("{n} point types already exist in {area} and will be updated: {codes}.").format(
                    n=len(updated), area=plan.area.name, codes=LIST_SEPARATOR.join(updated[:20])
                ),
            )
        )


def _check_check_items(plan: ImportPlan):
    parsed = plan.parsed
    indicator_codes = {row.code for row in parsed.indicators if row.code}
    point_type_codes = {row.code for row in parsed.point_types if row.code} | set(plan.existing_point_types)
    first: dict[tuple[str, str], int] = {}
    for row in parsed.check_items:
        sheet = SHEET_CHECK_ITEMS
        if row.point_type and row.point_type not in point_type_codes:
            plan.problems.append(
                Problem(
                    sheet,
                    row.row,
                    "点位类型编码",
                    _(
                        "Unknown point type “{code}”: it is neither in the sheet “{sheet}” nor in {area}."
                    ).format(code=row.point_type, sheet=SHEET_POINT_TYPES, area=plan.area.name),
                )
            )
        if row.point_type and row.code:
            key = (row.point_type, row.code)
            if key in first:
                plan.problems.append(Problem(sheet, row.row, "编码", _duplicate_message(first[key])))
            else:
                first[key] = row.row
        for code in row.indicators:
            if code not in indicator_codes:
                plan.problems.append(
                    Problem(
                        sheet,
                        row.row,
                        "对应指标编码",
                        _("Unknown indicator code “{code}”: it is not in the sheet “{sheet}”.").format(
                            code=code, sheet=SHEET_INDICATORS
                        ),
                    )
                )
        for attr, header in (("points", "分值"), ("deduction", "扣分")):
            value = getattr(row, attr)
            if value is not None and value < 0:
                plan.problems.append(Problem(sheet, row.row, header, _("Must not be negative.")))
        if row.scoring_mode == ScoringMode.STATUS_SCALE:
            if row.points is None:
                plan.problems.append(
                    Problem(
                        sheet,
                        row.row,
                        "分值",
                        _("An item scored on the status scale (等级制) needs a score."),
                    )
                )
            if row.threshold_c_sharp is None:
                plan.problems.append(
                    Problem(
                        sheet,
                        row.row,
                        "C#级起(例)",
                        _(
                            "An item scored on the status scale (等级制) needs the number of violations"
                            " for C#."
                        ),
                    )
                )
            thresholds = [
                t for t in (row.threshold_b, row.threshold_c, row.threshold_c_sharp) if t is not None
            ]
            if any(later <= earlier for earlier, later in itertools.pairwise(thresholds)):
                plan.problems.append(
                    Problem(
                        sheet,
                        row.row,
                        "C级起(例)",
                        _("The numbers of violations must increase from B to C to C#."),
                    )
                )
        elif row.scoring_mode == ScoringMode.PASS_FAIL and row.deduction is None:
            plan.problems.append(
                Problem(
                    sheet, row.row, "扣分", _("A pass/fail item (扣分制) needs the points it loses (扣分).")
                )
            )
    if point_type_codes and first:
        plan.existing_check_items = set(
            CheckItem.objects.filter(
                point_type__area=plan.area, point_type__code__in={pt for pt, _code in first}
            ).values_list("point_type__code", "code")
        )


# --- writing the plan ------------------------------------------------------------------------

BATCH = 2000


def import_system(
    plan: ImportPlan, *, activate: bool = False, user=None, request=None, progress: Progress | None = None
) -> AssessmentSystem:
    """Write a checked plan in one transaction: a new system with its indicators, point types
    upserted by code, check items upserted by (point type, code) and linked to the indicators.
    With ``activate`` the new system becomes active and the one it replaces is archived."""
    if plan.problems:
        raise WorkbookInvalid(plan.problems)
    parsed, area = plan.parsed, plan.area
    row = parsed.system
    try:
        with transaction.atomic():
            if _edition_taken(area, row):  # imported by someone else since the preview
                raise WorkbookInvalid([_edition_problem(area, row)])
            archived = []
            if activate:
                archived = archive_active_systems(area, row.title, row.city_level)
            system = AssessmentSystem.objects.create(
                area=area,
                title=row.title,
                city_level=row.city_level,
                name=row.name,
                edition=row.edition,
                year=row.year,
                status=SystemStatus.ACTIVE if activate else SystemStatus.DRAFT,
                declares_totals=row.declares_totals,
                total_score=row.total_score,
                is_sample=row.is_sample,
                source=row.source,
                notes=row.notes,
            )
            if progress:
                progress(_("Writing point types…"))
            point_type_ids = _write_point_types(plan, system)
            if progress:
                progress(_("Writing {n} indicators…").format(n=len(parsed.indicators)))
            indicator_ids = _write_indicators(plan, system, point_type_ids)
            if progress and parsed.check_items:
                progress(_("Writing {n} check items…").format(n=len(parsed.check_items)))
            _write_check_items(plan, point_type_ids, indicator_ids)
            audit.record(
                AuditAction.IMPORT,
                request=request,
                user=user,
                obj=system,
                imported=True,
                indicators=len(parsed.indicators),
                point_types=len(parsed.point_types),
                check_items=len(parsed.check_items),
                archived=archived,
            )
    except IntegrityError as exc:
        # a concurrent import of the same edition, or a rule the checks above missed
        raise WorkbookInvalid(
            [Problem("", None, "", _("The database refused the import: {reason}").format(reason=exc))]
        ) from exc
    return system


def _write_point_types(plan: ImportPlan, system: AssessmentSystem) -> dict[str, int]:
    area = plan.area
    rows = {row.code: row for row in plan.parsed.point_types}
    existing = {pt.code: pt for pt in PointType.objects.filter(area=area, code__in=list(rows))}
    attrs = ["name", "protocol", "walk_metres", "sample_count", "sort_order"]
    changed, new = [], []
    for code, row in rows.items():
        point_type = existing.get(code)
        if point_type is None:
            point_type = PointType(area=area, code=code, is_sample=system.is_sample)
            new.append(point_type)
        else:
            changed.append(point_type)
        for attr in attrs:
            setattr(point_type, attr, getattr(row, attr))
    if changed:
        PointType.objects.bulk_update(changed, [*attrs, "updated_at"], batch_size=BATCH)
    PointType.objects.bulk_create(new, batch_size=BATCH)
    ids = dict(plan.existing_point_types)
    ids.update(PointType.objects.filter(area=area, code__in=list(rows)).values_list("code", "pk"))
    return ids


def _write_indicators(
    plan: ImportPlan, system: AssessmentSystem, point_type_ids: dict[str, int]
) -> dict[str, int]:
    rows = plan.parsed.indicators
    ids: dict[str, int] = {}
    by_level: dict[int, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        by_level[row.level].append(row)
    for level in sorted(by_level):  # parents before children: the tree was checked
        batch = [
            Indicator(
                system=system,
                parent_id=ids[row.parent_code] if row.parent_code else None,
                level=row.level,
                code=row.code,
                name=row.name,
                description=row.description,
                max_score=row.max_score,
                weight=row.weight,
                method=row.method or "",
                lead_unit_id=plan.unit_ids[row.lead_unit] if row.lead_unit else None,
                sort_order=row.sort_order,
                notes=row.notes,
            )
            for row in by_level[level]
        ]
        created = Indicator.objects.bulk_create(batch, batch_size=BATCH)
        if any(obj.pk is None for obj in created):  # a database that cannot return ids
            ids.update(Indicator.objects.filter(system=system, level=level).values_list("code", "pk"))
        else:
            ids.update((obj.code, obj.pk) for obj in created)
    cooperating = Indicator.cooperating_units.through
    links = [
        cooperating(indicator_id=ids[row.code], orgunit_id=unit_id)
        for row in rows
        for unit_id in dict.fromkeys(plan.unit_ids[ref] for ref in row.cooperating_units)
    ]
    cooperating.objects.bulk_create(links, batch_size=BATCH)
    where = Indicator.point_types.through
    where.objects.bulk_create(
        [
            where(indicator_id=ids[row.code], pointtype_id=point_type_ids[code])
            for row in rows
            for code in row.point_types
        ],
        batch_size=BATCH,
    )
    return ids


def _write_check_items(plan: ImportPlan, point_type_ids: dict[str, int], indicator_ids: dict[str, int]):
    rows = plan.parsed.check_items
    if not rows:
        return
    attrs = [
        "text",
        "scoring_mode",
        "points",
        "deduction",
        "threshold_b",
        "threshold_c",
        "threshold_c_sharp",
        "photo_required_on_failure",
        "is_veto",
        "sort_order",
    ]
    existing = {
        (item.point_type_id, item.code): item
        for item in CheckItem.objects.filter(
            point_type_id__in={point_type_ids[row.point_type] for row in rows}
        )
    }
    changed, new = [], []
    for row in rows:
        key = (point_type_ids[row.point_type], row.code)
        item = existing.get(key)
        if item is None:
            item = CheckItem(point_type_id=key[0], code=row.code)
            existing[key] = item
            new.append(item)
        else:
            changed.append(item)
        for attr in attrs:
            setattr(item, attr, getattr(row, attr))
    if changed:
        CheckItem.objects.bulk_update(changed, [*attrs, "updated_at"], batch_size=BATCH)
    CheckItem.objects.bulk_create(new, batch_size=BATCH)
    if any(item.pk is None for item in new):
        fetched = {
            (pt, code): pk
            for pk, pt, code in CheckItem.objects.filter(
                point_type_id__in={key[0] for key in existing}
            ).values_list("pk", "point_type_id", "code")
        }
        for key, item in existing.items():
            item.pk = item.id = fetched[key]
    served = CheckItem.indicators.through
    served.objects.bulk_create(
        [
            served(
                checkitem_id=existing[(point_type_ids[row.point_type], row.code)].pk,
                indicator_id=indicator_ids[code],
            )
            for row in rows
            for code in row.indicators
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def import_workbook(
    source,
    area: OrgUnit,
    *,
    activate: bool = False,
    user=None,
    request=None,
    progress: Progress | None = None,
) -> AssessmentSystem:
    """Check and import a workbook; raises ``WorkbookInvalid`` with every problem, writing nothing."""
    plan = prepare_import(source, area, progress=progress)
    return import_system(plan, activate=activate, user=user, request=request, progress=progress)


# --- writing a workbook ----------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
TEXT_KINDS = {"text", "code", "codes", "units"}


def _natural_key(code: str):
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", code) if part
    ]


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


def _put_row(worksheet, row_number: int, columns, values: list):
    for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
        value = _cell_value(value)
        if value is None:
            continue  # an empty cell is no cell (the column keeps its text format)
        cell = worksheet.cell(row=row_number, column=index, value=value)
        if column.kind in TEXT_KINDS:
            cell.number_format = "@"
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with


def _new_sheet(book: Workbook, sheet: str, rows_hint: int):
    columns = SHEET_COLUMNS[sheet]
    worksheet = book.create_sheet(sheet)
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = column.width
        if column.kind in TEXT_KINDS:
            worksheet.column_dimensions[letter].number_format = "@"
    worksheet.freeze_panes = "A2"
    last = max(rows_hint + 1, 2) if sheet == SHEET_SYSTEM else rows_hint + 1000
    choices = {key: choice_set(key) for key in CHOICE_CLASSES}
    for index, column in enumerate(columns, start=1):
        if column.kind == "choice":
            allowed = list(choices[column.choice].labels.values())
        elif column.kind == "bool":
            allowed = [YES, NO]
        else:
            continue
        formula = '"' + ",".join(allowed) + '"'
        if any("," in label or '"' in label for label in allowed) or len(formula) > 255:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error=_("Choose one of: {allowed}").format(allowed=LIST_SEPARATOR.join(allowed)),
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last}")
        worksheet.add_data_validation(validation)
    return worksheet


def _write_readme(book: Workbook):
    sheet = book.active
    sheet.title = SHEET_README
    choices = {key: choice_set(key) for key in CHOICE_CLASSES}
    lines = [
        (_("Assessment system workbook"), "", "", ""),
        (
            _(
                "Sheets 体系 and 指标 are required; 点位类型 and 测评细则 may be left out. Row 1 of each "
                "sheet holds the headers (their order may change, their names may not); data starts in "
                "row 2. Do not merge cells. Lists are separated by 、. Orange headers must be filled in on "
                "every row. A file with any wrong row is not imported at all: every problem is reported "
                "with its sheet, row and column."
            ),
            "",
            "",
            "",
        ),
        ("", "", "", ""),
        (_("Sheet"), _("Column"), _("Required"), _("Contents and allowed values")),
    ]
    for sheet_name, columns in SHEET_COLUMNS.items():
        for column in columns:
            text = str(column.help)
            if column.kind == "choice":
                text += " " + _("Allowed: {values}.").format(
                    values=LIST_SEPARATOR.join(choices[column.choice].labels.values())
                )
            elif column.kind == "bool":
                text += " " + _("Allowed: 是、否.")
            lines.append((sheet_name, column.header, YES if column.required else "", text))
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[4]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    sheet.merge_cells("A2:D2")  # the 说明 sheet is not read back, so merging is harmless here
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 75
    for letter, width in zip("ABCD", (12, 16, 8, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=5):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def blank_template() -> Workbook:
    """The empty workbook offices fill in: headers, the 说明 sheet, and dropdowns for enumerations."""
    with translation.override("zh-hans"):
        book = Workbook()
        _write_readme(book)
        for sheet in DATA_SHEETS:
            _new_sheet(book, sheet, 0)
    return book


@dataclass
class SystemExport:
    """The rows of one system's workbook, as plain values in sheet column order."""

    system: list
    indicators: list[list]
    point_types: list[list]
    check_items: list[list]


def collect_export(system: AssessmentSystem) -> SystemExport:
    """Everything a system's workbook holds, read with a handful of queries."""
    titles, levels, methods, modes = (
        choice_set(k) for k in ("title", "city_level", "method", "scoring_mode")
    )
    directory = UnitDirectory(system.area)
    indicators = list(
        Indicator.objects.filter(system=system).values(
            "pk",
            "parent_id",
            "level",
            "code",
            "name",
            "description",
            "max_score",
            "weight",
            "method",
            "lead_unit_id",
            "notes",
            "sort_order",
        )
    )
    code_of = {row["pk"]: row["code"] for row in indicators}
    children = defaultdict(list)
    for row in indicators:
        children[row["parent_id"]].append(row)
    ordered = []

    def walk(parent_id):
        for row in sorted(
            children.get(parent_id, []), key=lambda r: (r["sort_order"], _natural_key(r["code"]))
        ):
            ordered.append(row)
            walk(row["pk"])

    walk(None)
    position = {row["pk"]: index for index, row in enumerate(ordered)}
    cooperating = defaultdict(list)
    for indicator_id, unit_id in Indicator.cooperating_units.through.objects.filter(
        indicator__system=system
    ).values_list("indicator_id", "orgunit_id"):
        cooperating[indicator_id].append(directory.ref(unit_id))
    where = defaultdict(list)
    point_type_ids = set()
    for indicator_id, point_type_id in Indicator.point_types.through.objects.filter(
        indicator__system=system
    ).values_list("indicator_id", "pointtype_id"):
        where[indicator_id].append(point_type_id)
        point_type_ids.add(point_type_id)

    served = defaultdict(list)
    for item_id, indicator_id in CheckItem.indicators.through.objects.filter(
        indicator__system=system, checkitem__is_active=True
    ).values_list("checkitem_id", "indicator_id"):
        served[item_id].append(indicator_id)
    items = list(
        CheckItem.objects.filter(pk__in=list(served)).values(
            "pk",
            "point_type_id",
            "code",
            "text",
            "scoring_mode",
            "points",
            "deduction",
            "threshold_b",
            "threshold_c",
            "threshold_c_sharp",
            "photo_required_on_failure",
            "is_veto",
            "sort_order",
        )
    )
    point_type_ids.update(item["point_type_id"] for item in items)
    point_types = sorted(
        PointType.objects.filter(pk__in=point_type_ids).values(
            "pk", "code", "name", "protocol", "walk_metres", "sample_count", "sort_order"
        ),
        key=lambda pt: (pt["sort_order"], _natural_key(pt["code"])),
    )
    point_type_code = {pt["pk"]: pt["code"] for pt in point_types}
    point_type_rank = {pt["pk"]: index for index, pt in enumerate(point_types)}
    items.sort(key=lambda i: (point_type_rank[i["point_type_id"]], i["sort_order"], _natural_key(i["code"])))

    return SystemExport(
        system=[
            titles.label(system.title),
            levels.label(system.city_level),
            system.edition,
            system.year,
            system.name,
            system.declares_totals,
            system.total_score,
            system.is_sample,
            system.source,
            system.notes,
        ],
        indicators=[
            [
                row["code"],
                code_of.get(row["parent_id"], ""),
                row["level"],
                row["name"],
                row["description"],
                row["max_score"],
                row["weight"],
                methods.label(row["method"]) if row["method"] else "",
                directory.ref(row["lead_unit_id"]) if row["lead_unit_id"] else "",
                LIST_SEPARATOR.join(sorted(cooperating[row["pk"]])),
                LIST_SEPARATOR.join(
                    sorted((point_type_code.get(pk, "") for pk in where[row["pk"]]), key=_natural_key)
                ),
                row["notes"],
                row["sort_order"],
            ]
            for row in ordered
        ],
        point_types=[
            [pt["code"], pt["name"], pt["protocol"], pt["walk_metres"], pt["sample_count"], pt["sort_order"]]
            for pt in point_types
        ],
        check_items=[
            [
                point_type_code[item["point_type_id"]],
                item["code"],
                item["text"],
                LIST_SEPARATOR.join(
                    code_of[pk] for pk in sorted(served[item["pk"]], key=position.__getitem__)
                ),
                modes.label(item["scoring_mode"]),
                item["points"],
                item["deduction"],
                item["threshold_b"],
                item["threshold_c"],
                item["threshold_c_sharp"],
                item["photo_required_on_failure"],
                item["is_veto"],
                item["sort_order"],
            ]
            for item in items
        ],
    )


def export_workbook(system: AssessmentSystem) -> Workbook:
    """A system, its indicators, the point types it refers to and the check items serving it,
    in the import format: importing it into an area with the same unit names gives the same
    system back."""
    with translation.override("zh-hans"):
        data = collect_export(system)
        book = Workbook()
        _write_readme(book)
        for sheet, rows in (
            (SHEET_SYSTEM, [data.system]),
            (SHEET_INDICATORS, data.indicators),
            (SHEET_POINT_TYPES, data.point_types),
            (SHEET_CHECK_ITEMS, data.check_items),
        ):
            worksheet = _new_sheet(book, sheet, len(rows))
            for row_number, values in enumerate(rows, start=2):
                _put_row(worksheet, row_number, SHEET_COLUMNS[sheet], values)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_filename(system: AssessmentSystem) -> str:
    """A file name safe on Windows, macOS and Linux: the system's name and edition."""
    name = f"{system.name}（{system.edition}）"
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .") or "system"
    return f"{name[:120]}.xlsx"
