"""Bulk import of points from an .xlsx sheet: validate everything, then write all or nothing.

``plan_import`` reads and checks the whole file against one area and returns an
``ImportPlan``: the rows to create or update (upserted by code) and every problem found, each
with its row number, column and reason. ``apply_import`` writes a plan without problems in one
transaction. The page (upload → preview → confirm) and ``manage.py import_points`` both use
these two functions; the per-field rules (area membership, coordinates, the county outline)
are the ones in ``actions``, so a point is checked the same way whichever door it comes in by.

Lookups are set-based (every type, unit, person and existing code is loaded once), so a file
of thousands of rows is checked in a handful of queries.
"""

import io
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.org.choices import Role
from chuangcheng.org.models import OrgUnit, RoleAssignment, User
from chuangcheng.points import actions
from chuangcheng.points.choices import CoordinateSystem, PointStatus
from chuangcheng.points.models import Point

SHEET_NAME = "点位"
MAX_ROWS = 20_000
BATCH_SIZE = 500


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header in the file (data, not interface text: files are Chinese)
    required: bool
    max_length: int | None = None


COLUMNS = (
    Column("code", "编码", True, 32),
    Column("name", "名称", True, 120),
    Column("point_type", "点位类型", True),
    Column("address", "地址", False, 200),
    Column("latitude", "纬度", False),
    Column("longitude", "经度", False),
    Column("coordinate_system", "坐标系", False),
    Column("township", "乡镇街道", False),
    Column("responsible_unit", "责任单位", True),
    Column("point_leader", "点长", True),
    Column("status", "状态", False),
)
HEADER = {column.key: column.header for column in COLUMNS}

_COORDINATE_SYSTEMS = {
    "WGS84": CoordinateSystem.WGS84,
    "GPS": CoordinateSystem.WGS84,
    "GCJ02": CoordinateSystem.GCJ02,
    "火星坐标": CoordinateSystem.GCJ02,
    "国测局": CoordinateSystem.GCJ02,
}


@dataclass(frozen=True)
class ImportIssue:
    """One problem: spreadsheet row number (None for the file as a whole), column header, reason."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportRow:
    row: int
    data: actions.PointInput
    latitude: Decimal | None
    longitude: Decimal | None
    existing: Point | None

    @property
    def is_update(self) -> bool:
        return self.existing is not None


@dataclass
class ImportPlan:
    area: OrgUnit
    rows: list[ImportRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def creates(self) -> int:
        return sum(1 for row in self.rows if not row.is_update)

    @property
    def updates(self) -> int:
        return sum(1 for row in self.rows if row.is_update)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    roles_granted: int


# --- reading the file -------------------------------------------------------------------------
def _not_xlsx() -> ImportIssue:
    return ImportIssue(
        None,
        "",
        _(
            "The file is not an Excel .xlsx workbook (it may be another kind of file renamed to .xlsx). "
            "Open it in Excel or WPS, save it as .xlsx and upload it again."
        ),
    )


def _open_workbook(content: bytes):
    """The workbook, or an ImportIssue saying why the bytes are not a readable .xlsx file."""
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return ImportIssue(
            None,
            "",
            _(
                "The file is in the old .xls format. Open it in Excel or WPS, save it as .xlsx "
                "and upload it again."
            ),
        )
    if not content.startswith(b"PK\x03\x04"):
        return _not_xlsx()
    try:
        return openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        return _not_xlsx()


def _text(value) -> str:
    """A cell as trimmed text; whole numbers lose the ".0" Excel gives them; full-width → half-width."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(value) -> str:
    return _text(value).replace(" ", "").rstrip("*＊")


def _decimal(value) -> Decimal | None:
    """A number cell, or None when blank; raises ValueError when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return Decimal(repr(value))
    try:
        number = Decimal(_text(value).rstrip("°"))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


# --- lookups ------------------------------------------------------------------------------------
class _Lookup:
    """Find one object by any of several keys; remembers which keys are ambiguous."""

    def __init__(self):
        self._by_key: dict[str, list] = defaultdict(list)

    def add(self, key: str, obj) -> None:
        key = _text(key).casefold()
        if key and obj not in self._by_key[key]:
            self._by_key[key].append(obj)

    def find(self, value: str) -> list:
        return self._by_key.get(value.casefold(), [])


def _by_code_then_name(objects, code_attr="code", name_attrs=("name",)) -> tuple[_Lookup, _Lookup]:
    codes, names = _Lookup(), _Lookup()
    for obj in objects:
        codes.add(getattr(obj, code_attr), obj)
        for attr in name_attrs:
            names.add(getattr(obj, attr), obj)
    return codes, names


def _status_lookup() -> dict[str, str]:
    values = {"在用": PointStatus.ACTIVE, "启用": PointStatus.ACTIVE, "正常": PointStatus.ACTIVE}
    values |= {"撤销": PointStatus.RETIRED, "已撤销": PointStatus.RETIRED, "停用": PointStatus.RETIRED}
    for status in PointStatus:
        values[status.value] = status
        for language in ("zh-hans", "en"):
            with translation.override(language):
                values[str(status.label)] = status
    return {key.casefold(): value for key, value in values.items()}


class _Resolver:
    """Turns the text of one row into objects of the area, collecting problems."""

    def __init__(self, area: OrgUnit, people):
        self.area = area
        self.type_codes, self.type_names = _by_code_then_name(actions.point_types_for(area))
        units = list(actions.units_for(area))
        self.unit_codes, self.unit_names = _by_code_then_name(units, name_attrs=("name", "short_name"))
        townships = [unit for unit in units if unit.kind in actions.TOWNSHIP_KINDS]
        self.township_codes, self.township_names = _by_code_then_name(
            townships, name_attrs=("name", "short_name")
        )
        self.usernames, self.person_names = _Lookup(), _Lookup()
        for person in people.select_related(None).only(
            "pk", "username", "full_name", "first_name", "last_name", "unit_id"
        ):
            self.usernames.add(person.username, person)
            self.person_names.add(person.display_name, person)
        self.statuses = _status_lookup()

    @staticmethod
    def _one(value, codes: _Lookup, names: _Lookup):
        """(object, candidates): the match by code first, then by name."""
        found = codes.find(value) or names.find(value)
        return (found[0], found) if len(found) == 1 else (None, found)

    def point_type(self, value):
        found, _candidates = self._one(value, self.type_codes, self.type_names)
        if found is None:
            return None, _(
                "Unknown point type “{value}”: use a code or name from the point types sheet."
            ).format(value=value)
        return found, None

    def unit(self, value, *, township=False):
        codes, names = (
            (self.township_codes, self.township_names) if township else (self.unit_codes, self.unit_names)
        )
        found, candidates = self._one(value, codes, names)
        if found is not None:
            return found, None
        if candidates:
            return None, _("“{value}” matches several units ({names}): use the unit's code instead.").format(
                value=value, names="、".join(str(c) for c in candidates[:5])
            )
        if township:
            return None, _("Unknown township or street “{value}” in {area}.").format(
                value=value, area=self.area
            )
        return None, _("Unknown unit “{value}” in {area}.").format(value=value, area=self.area)

    def person(self, value):
        found = self.usernames.find(value)
        if len(found) == 1:
            return found[0], None
        found = self.person_names.find(value)
        if len(found) == 1:
            return found[0], None
        if found:
            return None, _(
                "Several people are called “{value}”: use the username instead ({usernames})."
            ).format(value=value, usernames="、".join(p.username for p in found[:5]))
        return None, _(
            "Unknown person “{value}”: use a username or the full name of someone in your area."
        ).format(value=value)

    def status(self, value):
        if not value:
            return PointStatus.ACTIVE, None
        found = self.statuses.get(value.casefold())
        if found is None:
            return None, _("Unknown status “{value}”: use 在用 or 撤销.").format(value=value)
        return found, None


# --- planning ---------------------------------------------------------------------------------
def plan_import(content: bytes, *, area: OrgUnit, people) -> ImportPlan:
    """Read and check a whole .xlsx file for ``area``; ``people`` are those who may be named 点长.

    Writes nothing. The plan lists every problem; when it has none, ``apply_import`` may run.
    """
    plan = ImportPlan(area=area)
    workbook = _open_workbook(content)
    if isinstance(workbook, ImportIssue):
        plan.issues.append(workbook)
        return plan
    sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
    plan.sheet = sheet.title
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    positions = _read_header(header_row or (), plan)
    if plan.issues:
        return plan
    _check_merged_cells(sheet, positions, plan)

    resolver = _Resolver(area, people)
    existing = {
        point.code: point
        for point in Point.objects.filter(area=area).select_related(
            "point_type", "responsible_unit", "township", "point_leader"
        )
    }
    outline = actions.area_outline(area)
    first_row_of_code: dict[str, int] = {}
    count = 0
    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            plan.issues.append(
                ImportIssue(None, "", _("The file has more than {n} points; split it.").format(n=MAX_ROWS))
            )
            break
        row = _plan_row(number, cells, resolver, existing, outline, first_row_of_code, plan)
        if row is not None:
            plan.rows.append(row)
    if count == 0 and not plan.issues:
        plan.issues.append(
            ImportIssue(None, "", _("The sheet “{sheet}” has no points.").format(sheet=sheet.title))
        )
    return plan


def _read_header(header_row, plan: ImportPlan) -> dict[str, int]:
    by_header = {column.header: column for column in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(header_row):
        key = _header_key(value)
        column = by_header.get(key)
        if column is None:
            continue
        if column.key in positions:
            plan.issues.append(
                ImportIssue(1, column.header, _("The column appears more than once in the header row."))
            )
        positions[column.key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            plan.issues.append(ImportIssue(1, column.header, _("The column is missing from the header row.")))
    has_lat, has_lng = "latitude" in positions, "longitude" in positions
    if has_lat != has_lng:
        missing = HEADER["longitude"] if has_lat else HEADER["latitude"]
        plan.issues.append(
            ImportIssue(1, missing, _("Latitude and longitude columns must be given together."))
        )
    if has_lat and "coordinate_system" not in positions:
        plan.issues.append(
            ImportIssue(
                1,
                HEADER["coordinate_system"],
                _("The column is missing: with coordinates, say whether they are WGS-84 or GCJ-02."),
            )
        )
    return positions


def _check_merged_cells(sheet, positions: dict[str, int], plan: ImportPlan) -> None:
    headers = {index: HEADER[key] for key, index in positions.items()}
    for merged in sorted(sheet.merged_cells.ranges, key=lambda cells: (cells.min_row, cells.min_col)):
        plan.issues.append(
            ImportIssue(
                merged.min_row,
                headers.get(merged.min_col - 1, get_column_letter(merged.min_col)),
                _("Merged cells {cells}: unmerge them and fill in every row.").format(cells=merged.coord),
            )
        )


def _plan_row(
    number, cells, resolver: _Resolver, existing, outline, first_row_of_code, plan
) -> ImportRow | None:
    issues_before = len(plan.issues)

    def problem(key, message):
        plan.issues.append(ImportIssue(number, HEADER[key], message))

    text = {key: _text(value) for key, value in cells.items()}
    for column in COLUMNS:
        value = text.get(column.key)
        if value is None:
            continue
        if column.required and not value:
            problem(column.key, _("This cell must not be empty."))
        elif column.max_length and len(value) > column.max_length:
            problem(column.key, _("At most {n} characters are allowed.").format(n=column.max_length))

    code = text["code"]
    if code:
        if code in first_row_of_code:
            problem(
                "code",
                _("The code “{code}” is also in row {row}.").format(code=code, row=first_row_of_code[code]),
            )
        else:
            first_row_of_code[code] = number

    point_type = township = unit = leader = status = None
    if text["point_type"]:
        point_type, message = resolver.point_type(text["point_type"])
        if message:
            problem("point_type", message)
    if text.get("township"):
        township, message = resolver.unit(text["township"], township=True)
        if message:
            problem("township", message)
    if text["responsible_unit"]:
        unit, message = resolver.unit(text["responsible_unit"])
        if message:
            problem("responsible_unit", message)
    if text["point_leader"]:
        leader, message = resolver.person(text["point_leader"])
        if message:
            problem("point_leader", message)
    if "status" in text:
        status, message = resolver.status(text["status"])
        if message:
            problem("status", message)

    latitude = longitude = None
    system = CoordinateSystem.WGS84
    if "latitude" in cells:
        try:
            latitude = _decimal(cells["latitude"])
        except ValueError:
            problem("latitude", _("“{value}” is not a number.").format(value=text["latitude"]))
        try:
            longitude = _decimal(cells["longitude"])
        except ValueError:
            problem("longitude", _("“{value}” is not a number.").format(value=text["longitude"]))
        system_text = text.get("coordinate_system", "")
        if latitude is not None or longitude is not None:
            system = _COORDINATE_SYSTEMS.get(
                system_text.upper().replace("-", "").replace("_", "").replace(" ", "")
            )
            if system is None:
                problem(
                    "coordinate_system",
                    _("Unknown coordinate system “{value}”: write WGS-84 or GCJ-02.").format(
                        value=system_text
                    )
                    if system_text
                    else _("Say whether the coordinates are WGS-84 or GCJ-02."),
                )

    if len(plan.issues) > issues_before:
        return None

    current = existing.get(code)
    changes = {
        "code": code,
        "name": text["name"],
        "point_type": point_type,
        "responsible_unit": unit,
        "point_leader": leader,
    }
    if "address" in text:
        changes["address"] = text["address"]
    if "township" in text:
        changes["township"] = township
    if "status" in text:
        changes["status"] = status
    if "latitude" in cells:
        changes.update(latitude=latitude, longitude=longitude, coordinate_system=system)
    data = (
        actions.PointInput.from_point(current, **changes)
        if current is not None
        else actions.PointInput(**changes)
    )
    errors: dict[str, list[ValidationError]] = {}
    wgs_lat, wgs_lng = actions.resolve_location(resolver.area, data, outline, errors)
    for key, messages in errors.items():
        for error in messages:
            problem(key, error.messages[0])
    if errors:
        return None
    return ImportRow(number, data, wgs_lat, wgs_lng, current)


# --- writing ------------------------------------------------------------------------------------
UPDATED_FIELDS = [
    "name",
    "point_type",
    "address",
    "latitude",
    "longitude",
    "township",
    "responsible_unit",
    "point_leader",
    "status",
    "updated_at",
]


def _update_points(points: list[Point]) -> None:
    """Write the changed fields of many points with one prepared UPDATE run per row (executemany).

    QuerySet.bulk_update builds a CASE expression per field per batch in Python, which takes
    about a minute for 10,000 rows; this takes under a second on SQLite and PostgreSQL. Values
    are prepared by each field (get_db_prep_save), exactly as save() would.
    """
    if not points:
        return
    model_fields = [Point._meta.get_field(name) for name in UPDATED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in model_fields)
    # identifiers come from the model's metadata, values are parameters
    sql = f"UPDATE {quote(Point._meta.db_table)} SET {assignments} WHERE {quote(Point._meta.pk.column)} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(point, field.attname), connection) for field in model_fields]
        + [point.pk]
        for point in points
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def apply_import(plan: ImportPlan, *, actor=None, request=None, source: str = "") -> ImportResult:
    """Write a checked plan in one transaction: new codes created, existing codes updated."""
    if not plan.ok:
        raise actions.ActionError(_("The file has problems; nothing was imported."))
    area = plan.area
    now = timezone.now()
    with transaction.atomic():
        # all the area's points (a few hundred), not code__in: no parameter limit on SQLite
        locked = {point.code: point for point in Point.objects.select_for_update().filter(area=area)}
        new_points, changed = [], []
        for row in plan.rows:
            point = locked.get(row.data.code)
            if point is None:
                point = Point(area=area)
                actions._apply(point, row.data, row.latitude, row.longitude)
                new_points.append(point)
                continue
            before = actions.snapshot(point)
            actions._apply(point, row.data, row.latitude, row.longitude)
            if actions.snapshot(point) != before:  # rows that change nothing are not rewritten
                point.updated_at = now
                changed.append(point)
        Point.objects.bulk_create(new_points, batch_size=BATCH_SIZE)
        _update_points(changed)
        roles = _grant_leader_roles(plan, actor=actor, request=request)
        audit.record(
            AuditAction.IMPORT,
            request=request,
            user=actor,
            username="manage.py import_points" if actor is None else "",
            obj=area,
            kind="points_import",
            source=source[:200],
            created=len(new_points),
            updated=len(changed),
            roles_granted=roles,
        )
    return ImportResult(created=len(new_points), updated=len(changed), roles_granted=roles)


def _grant_leader_roles(plan: ImportPlan, *, actor, request) -> int:
    """POINT_LEADER at each leader's unit (or the point's responsible unit), for those who lack it."""
    wanted = {}
    for row in plan.rows:
        leader = row.data.point_leader
        unit_id = leader.unit_id or row.data.responsible_unit.pk
        wanted[(leader.pk, unit_id)] = leader
    held = set(
        RoleAssignment.objects.filter(
            role=Role.POINT_LEADER, user_id__in={user_id for user_id, _unit in wanted}
        ).values_list("user_id", "unit_id")
    )
    missing_keys = {key for key in wanted if key not in held}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=user_id, unit_id=unit_id, role=Role.POINT_LEADER)
            for user_id, unit_id in missing_keys
        ],
        batch_size=BATCH_SIZE,
    )
    created = RoleAssignment.objects.filter(
        role=Role.POINT_LEADER, user_id__in={user_id for user_id, _unit in missing_keys}
    )
    for assignment in created:
        if (assignment.user_id, assignment.unit_id) in missing_keys:
            audit.record(
                AuditAction.CREATE,
                request=request,
                user=actor,
                username="manage.py import_points" if actor is None else "",
                obj=assignment,
                role=Role.POINT_LEADER.value,
                person=assignment.user_id,
                unit=assignment.unit_id,
                reason="point leader (import)",
            )
    return len(missing_keys)


def people_in_area(area: OrgUnit):
    """Who the command may name as 点长: active people of units in the area."""
    return User.objects.filter(is_active=True, unit__path__startswith=area.path)


# --- the blank template -------------------------------------------------------------------------
def template_workbook(area: OrgUnit | None = None) -> bytes:
    """A blank .xlsx with the header row, an explanation sheet and, for an area, its valid values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([column.header for column in COLUMNS])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE8E7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = 16 if column.key != "address" else 30
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("说明")
    notes.append(["列", "必填", "说明"])
    explanations = {
        "code": "点位编码，在本县唯一；已存在的编码会被更新",
        "name": "点位名称",
        "point_type": "点位类型的编码或名称（见“点位类型”表）",
        "address": "详细地址",
        "latitude": "纬度，如 30.274100",
        "longitude": "经度，如 120.155100",
        "coordinate_system": "WGS-84（GPS）或 GCJ-02（高德、腾讯地图）；填写坐标时必填",
        "township": "所在乡镇或街道的名称",
        "responsible_unit": "责任单位的名称或编码",
        "point_leader": "点长的用户名或姓名（重名时请填用户名）",
        "status": "在用 或 撤销；空白为在用",
    }
    for column in COLUMNS:
        notes.append([column.header, "是" if column.required else "", explanations[column.key]])
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["C"].width = 60
    for cell in notes[1]:
        cell.font = bold

    if area is not None:
        types = workbook.create_sheet("点位类型")
        types.append(["编码", "名称"])
        for point_type in actions.point_types_for(area):
            types.append([point_type.code, point_type.name])
        units = workbook.create_sheet("单位")
        units.append(["名称", "编码", "类别"])
        with translation.override("zh-hans"):
            for unit in actions.units_for(area):
                units.append([unit.name, unit.code, str(unit.get_kind_display())])
        for extra in (types, units):
            extra.column_dimensions["A"].width = 24
            for cell in extra[1]:
                cell.font = bold
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
