"""Spreadsheets of the monthly evaluation, in the house style of the problems ledger
(``problems.ledger``): a styled, frozen header row with filters, set widths, text written as
text (never a formula), figures as numbers, times in Beijing time, headers translated.

* ``build_rankings``: one sheet per peer group with every part of every unit's value, the
  month's failing points (点未达标月评排名), and a sheet saying which snapshot it is.
* ``build_sanctions``: the reward/penalty ledger (奖惩台账) — every entry, each with its chain
  (the first entry, the one it supersedes, the one that superseded it) and whether it is the
  chain's current state.

Headers are the models' own field names (``verbose_name``), so a figure is called the same
on the pages and in the files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from chuangcheng.problems.ledger import DATETIME_FORMAT, HEADER_ALIGNMENT, HEADER_FILL, HEADER_FONT, WRAP
from chuangcheng.scoring.choices import PeerGroup, SanctionKind, SanctionStatus
from chuangcheng.scoring.models import Evaluation, PointResult, Sanction, UnitResult

RATE_FORMAT = "0.00"


class Kind:
    TEXT = "text"
    NUMBER = "number"
    RATE = "rate"  # a two-place figure
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    header: Any  # lazily translated
    value: Callable[[Any], Any]
    kind: str = Kind.TEXT
    width: int = 10


def label(model, name: str):
    """A model field's translated name, capitalised as a header."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _field(model, name: str, kind: str = Kind.NUMBER, width: int = 10) -> Column:
    return Column(label(model, name), lambda row: getattr(row, name), kind, width)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


# --- cells and sheets --------------------------------------------------------------------------
def _text(value) -> str | None:
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) or None


def _cell(sheet, column: Column, value) -> WriteOnlyCell | None:
    if value is None or value == "":
        return None
    if column.kind == Kind.DATETIME:
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if column.kind in (Kind.NUMBER, Kind.RATE):
        cell = WriteOnlyCell(sheet, value=value)
        if column.kind == Kind.RATE:
            cell.number_format = RATE_FORMAT
        return cell
    text = _text(value)
    if text is None:
        return None
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever a name starts with
    return cell


_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title) -> str:
    return _SHEET_TITLE_ILLEGAL.sub("", str(title))[:31] or "-"


def _table_sheet(book: Workbook, title, columns: tuple[Column, ...], rows) -> int:
    """A sheet of ``rows``: header styled, frozen and filtered; returns the number of rows."""
    sheet = book.create_sheet(_sheet_title(title))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, column, column.value(row)) for column in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- rankings -------------------------------------------------------------------------------------
# fmt: off
UNIT_COLUMNS: tuple[Column, ...] = (
    _field(UnitResult, "rank", width=6),
    Column(label(UnitResult, "unit"), lambda r: r.unit.name, width=18),
    Column(label(UnitResult, "insufficient_sample"), lambda r: _yes_no(r.insufficient_sample), width=8),
    _field(UnitResult, "points"),
    _field(UnitResult, "points_passed"),
    _field(UnitResult, "inspections"),
    _field(UnitResult, "point_pass_rate", Kind.RATE),
    _field(UnitResult, "problems"),
    _field(UnitResult, "closed"),
    _field(UnitResult, "closed_on_time"),
    _field(UnitResult, "reworked"),
    _field(UnitResult, "rebounds"),
    _field(UnitResult, "overdue"),
    _field(UnitResult, "closing_rate", Kind.RATE),
    _field(UnitResult, "on_time_rate", Kind.RATE),
    _field(UnitResult, "rework_rate", Kind.RATE),
    _field(UnitResult, "workload", Kind.RATE),
    _field(UnitResult, "rectification", Kind.RATE),
    _field(UnitResult, "composite", Kind.RATE),
    _field(UnitResult, "band", Kind.TEXT, width=6),
)

POINT_COLUMNS: tuple[Column, ...] = (
    _field(PointResult, "failing_rank", width=8),
    Column(gettext_lazy("Point code"), lambda r: r.point.code, width=12),
    Column(label(PointResult, "point"), lambda r: r.point.name, width=20),
    Column(label(PointResult, "responsible_unit"), lambda r: _name(r.responsible_unit), width=16),
    Column(label(PointResult, "township"), lambda r: _name(r.township), width=14),
    Column(label(PointResult, "point_leader"), lambda r: _name(r.point_leader), width=10),
    _field(PointResult, "inspections"),
    _field(PointResult, "passed_inspections"),
    _field(PointResult, "mean_score", Kind.RATE),
    _field(PointResult, "pass_rate", Kind.RATE),
    Column(label(PointResult, "veto_failed"), lambda r: _yes_no(r.veto_failed), width=8),
    _field(PointResult, "open_problems"),
    _field(PointResult, "overdue_problems"),
    _field(PointResult, "months_failing"),
)
# fmt: on


def unit_rows(evaluation: Evaluation, peer_group: str) -> list[UnitResult]:
    """A peer group's rows: ranked units by rank, then the unranked (too few observations)."""
    rows = list(
        UnitResult.objects.filter(evaluation=evaluation, peer_group=peer_group)
        .select_related("unit")
        .order_by("rank", "unit__name_pinyin", "unit_id")
    )
    return [r for r in rows if r.rank is not None] + [r for r in rows if r.rank is None]


def failing_point_rows(evaluation: Evaluation) -> list[PointResult]:
    return list(
        PointResult.objects.filter(evaluation=evaluation, passed=False)
        .select_related("point", "responsible_unit", "township", "point_leader")
        .order_by("failing_rank", "point__code", "pk")
    )


def _about(book: Workbook, evaluation: Evaluation) -> None:
    sheet = book.create_sheet(_sheet_title(_("About this workbook")))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 70
    lines = [
        (label(Evaluation, "area"), evaluation.area.name),
        (label(Evaluation, "month"), evaluation.month.strftime("%Y-%m")),
        (label(Evaluation, "number"), evaluation.number),
        (label(Evaluation, "status"), evaluation.get_status_display()),
        (label(Evaluation, "settings_version"), evaluation.settings_version.version),
        (label(Evaluation, "cutoff"), timezone.localtime(evaluation.cutoff).strftime("%Y-%m-%d %H:%M")),
        (
            label(Evaluation, "published_at"),
            timezone.localtime(evaluation.published_at).strftime("%Y-%m-%d %H:%M")
            if evaluation.published_at
            else "",
        ),
        (label(Evaluation, "published_by"), _name(evaluation.published_by)),
        (label(Evaluation, "content_hash"), evaluation.content_hash),
    ]
    if evaluation.corrects_id:
        lines.append((label(Evaluation, "corrects"), str(evaluation.corrects)))
        lines.append((label(Evaluation, "reason"), evaluation.reason))
    lines.append(
        (
            _("Made"),
            _("{when} (Beijing time)").format(when=timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        )
    )
    for name, value in lines:
        key = WriteOnlyCell(sheet, value=str(name))
        key.font = HEADER_FONT
        cell = WriteOnlyCell(sheet, value=_text(value))
        if isinstance(value, str):
            cell.data_type = "s"
        cell.alignment = WRAP
        sheet.append([key, cell])


def build_rankings(evaluation: Evaluation) -> bytes:
    """The rankings of ``evaluation``: a sheet per peer group, the failing points, and what the
    snapshot is (its month, version, publication and content hash)."""
    book = Workbook(write_only=True)
    present = set(UnitResult.objects.filter(evaluation=evaluation).values_list("peer_group", flat=True))
    for value, group_label in PeerGroup.choices:
        if value in present:
            _table_sheet(book, group_label, UNIT_COLUMNS, unit_rows(evaluation, value))
    _table_sheet(book, _("Failing points"), POINT_COLUMNS, failing_point_rows(evaluation))
    _about(book, evaluation)
    return _save(book)


# --- the reward/penalty ledger ------------------------------------------------------------------
@dataclass
class LedgerEntry:
    """One ledger entry with its place in its chain."""

    entry: Sanction
    first_id: int
    superseded_by_id: int | None

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None


def _label_of(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _evaluation_name(evaluation: Evaluation | None) -> str:
    if evaluation is None:
        return ""
    return _("{area} {month} version {n}").format(
        area=evaluation.area.name, month=evaluation.month.strftime("%Y-%m"), n=evaluation.number
    )


# fmt: off
SANCTION_COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Entry"), lambda r: r.entry.pk, Kind.NUMBER, 8),
    Column(label(Sanction, "month"), lambda r: r.entry.month.strftime("%Y-%m"), width=9),
    Column(label(Sanction, "evaluation"), lambda r: _evaluation_name(r.entry.evaluation), width=22),
    Column(label(Sanction, "kind"), lambda r: _label_of(SanctionKind, r.entry.kind), width=22),
    Column(label(Sanction, "rule"), lambda r: r.entry.rule, width=16),
    Column(label(Sanction, "unit"), lambda r: _name(r.entry.unit), width=16),
    Column(label(Sanction, "person"), lambda r: _name(r.entry.person), width=10),
    Column(label(Sanction, "points"), lambda r: r.entry.points, Kind.RATE, 10),
    Column(label(Sanction, "status"), lambda r: _label_of(SanctionStatus, r.entry.status), width=10),
    Column(gettext_lazy("Current state of its chain"), lambda r: _yes_no(r.is_current), width=10),
    Column(gettext_lazy("First entry of its chain"), lambda r: r.first_id, Kind.NUMBER, 10),
    Column(label(Sanction, "supersedes"), lambda r: r.entry.supersedes_id, Kind.NUMBER, 10),
    Column(gettext_lazy("Superseded by"), lambda r: r.superseded_by_id, Kind.NUMBER, 10),
    Column(label(Sanction, "evidence"), lambda r: r.entry.evidence, width=40),
    Column(label(Sanction, "created_by"), lambda r: _name(r.entry.created_by), width=10),
    Column(label(Sanction, "created_at"), lambda r: r.entry.created_at, Kind.DATETIME, 17),
)
# fmt: on


def ledger_entries(queryset) -> list[LedgerEntry]:
    """The entries of ``queryset`` (already scoped), chains together: by month (newest first),
    area, the chain's first entry, then in the order they were made. The chain is worked out in
    memory from the entries read once (every entry of a chain shares its area and month)."""
    entries = list(
        queryset.select_related("area", "unit", "person", "created_by", "evaluation__area").order_by("pk")
    )
    by_id = {e.pk: e for e in entries}
    successor = {e.supersedes_id: e.pk for e in entries if e.supersedes_id}
    first: dict[int, int] = {}
    for entry in entries:  # by pk: an entry's predecessor comes before it
        first[entry.pk] = first[entry.supersedes_id] if entry.supersedes_id in by_id else entry.pk
    rows = [LedgerEntry(e, first[e.pk], successor.get(e.pk)) for e in entries]
    rows.sort(key=lambda r: (-r.entry.month.toordinal(), r.entry.area.path, r.first_id, r.entry.pk))
    return rows


def build_sanctions(queryset) -> tuple[bytes, int]:
    """The reward/penalty ledger of ``queryset`` (already scoped and filtered): the workbook and
    its number of entries."""
    book = Workbook(write_only=True)
    count = _table_sheet(book, _("Rewards and penalties"), SANCTION_COLUMNS, ledger_entries(queryset))
    about = book.create_sheet(_sheet_title(_("About this ledger")))
    about.column_dimensions["A"].width = 100
    for line in (
        _("Reward and penalty ledger, made {when} (Beijing time): {n} entries.").format(
            when=timezone.localtime().strftime("%Y-%m-%d %H:%M"), n=count
        ),
        _(
            "Nothing in the ledger is edited: a change of status is a new entry that supersedes the "
            "previous one. The current state of a reward or penalty is the last entry of its chain."
        ),
    ):
        cell = WriteOnlyCell(about, value=line)
        cell.alignment = WRAP
        about.append([cell])
    return _save(book), count
