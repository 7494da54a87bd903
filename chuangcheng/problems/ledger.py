"""The problems ledger (问题台账) as an xlsx workbook: the filtered list with every column
offices keep (``tables.LEDGER_COLUMNS``).

Set-based: the problems are read in chunks, each chunk with a fixed number of queries (the
problems with their related rows, their photos, the inspections and earlier problems the user
may see, the inspection evidence, the office's calendar overrides) — never one per row.

* Days taken are working days on the statutory calendar (``core.workdays``): the working time
  from assignment (the start of the unit's clock) to closing, divided by the length of a
  working day (``settings.WORK_HOURS``), to one decimal.
* Before-photos of an inspection problem include the inspection's evidence only when the user
  may see the inspection (as ``views.before_photos``); a rebound names the earlier problem only
  when the user may see it (as the problem page).
* At most ``LEDGER_MAX_ROWS`` rows; the workbook says so when the list was longer.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chuangcheng.core import workdays
from chuangcheng.inspections.models import EvidencePhoto, Inspection
from chuangcheng.problems.choices import PhotoKind
from chuangcheng.problems.models import Problem, ProblemPhoto
from chuangcheng.problems.tables import LEDGER_COLUMNS, Kind, Link

# 20,000 rows make a workbook of about 1.5 MB in some 10 seconds (measured on a 2-core
# machine, 23 queries); a longer list is cut here and the workbook says so (narrow the
# filters, e.g. by date, to export the rest).
LEDGER_MAX_ROWS = 20_000
CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class LedgerRow:
    """One problem and what was worked out for it, for the value functions of ``tables``."""

    problem: Problem
    url: str
    days_taken: float | None = None
    rebound: Link | None = None
    before_urls: list[str] = field(default_factory=list)
    after_urls: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    content: bytes
    rows: int
    truncated: bool


def ledger_queryset(queryset):
    """The related rows every column reads, joined or prefetched once per chunk."""
    photos = ProblemPhoto.objects.only("pk", "problem_id", "kind", "uploaded_at").order_by(
        "uploaded_at", "pk"
    )
    return queryset.select_related(
        "responsible_unit",
        "township",
        "point",
        "category",
        "category__parent",
        "indicator",
        "instructed_by",
    ).prefetch_related(Prefetch("photos", queryset=photos))


def _working_day_seconds() -> float:
    return sum(
        (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).total_seconds()
        for start, end in workdays.periods()
    )


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _clock_start(problem: Problem) -> dt.datetime:
    return problem.assigned_at or problem.found_at


def _days_taken(problems: list[Problem]) -> dict[int, float]:
    """Working days from assignment to closing of the closed problems, with one calendar (the
    office's overrides read once) spanning them all."""
    closed = [p for p in problems if p.closed_at is not None]
    if not closed:
        return {}
    calendar = workdays.Calendar(
        min(_local_date(_clock_start(p)) for p in closed), max(_local_date(p.closed_at) for p in closed)
    )
    day = _working_day_seconds()
    return {p.pk: round(calendar.working_seconds(_clock_start(p), p.closed_at) / day, 1) for p in closed}


def days_taken(problem: Problem) -> float | None:
    """Working days from assignment to closing of one problem (None while it is not closed)."""
    return _days_taken([problem]).get(problem.pk)


def _evidence_by_result(problems: list[Problem], user) -> dict[int, list[int]]:
    """Evidence photo ids per failed item, of the inspections the user may see."""
    inspection_ids = {p.inspection_id for p in problems if p.item_result_id and p.inspection_id}
    if not inspection_ids:
        return {}
    visible = set(
        Inspection.objects.visible_to(user).filter(pk__in=inspection_ids).values_list("pk", flat=True)
    )
    result_ids = [p.item_result_id for p in problems if p.item_result_id and p.inspection_id in visible]
    evidence: dict[int, list[int]] = defaultdict(list)
    if result_ids:
        for pk, result_id in (
            EvidencePhoto.objects.filter(result_id__in=result_ids)
            .order_by("pk")
            .values_list("pk", "result_id")
        ):
            evidence[result_id].append(pk)
    return evidence


def _visible_rebounds(problems: list[Problem], user) -> dict[int, str]:
    earlier = {p.rebound_of_id for p in problems if p.rebound_of_id}
    if not earlier:
        return {}
    return dict(Problem.objects.visible_to(user).filter(pk__in=earlier).values_list("pk", "code"))


def _rows_of_chunk(problems: list[Problem], user, absolute: Callable[[str], str]) -> list[LedgerRow]:
    days = _days_taken(problems)
    evidence = _evidence_by_result(problems, user)
    rebounds = _visible_rebounds(problems, user)
    rows = []
    for problem in problems:
        photos = problem.photos.all()
        before = [
            absolute(reverse("problems:photo", args=[p.pk, "display"]))
            for p in photos
            if p.kind == PhotoKind.BEFORE
        ]
        before += [
            absolute(reverse("inspections:photo", args=[pk, "display"]))
            for pk in evidence.get(problem.item_result_id, ())
        ]
        after = [
            absolute(reverse("problems:photo", args=[p.pk, "display"]))
            for p in photos
            if p.kind == PhotoKind.AFTER
        ]
        rebound = None
        if problem.rebound_of_id in rebounds:
            rebound = Link(
                rebounds[problem.rebound_of_id],
                absolute(reverse("problems:detail", args=[problem.rebound_of_id])),
            )
        rows.append(
            LedgerRow(
                problem=problem,
                url=absolute(problem.get_absolute_url()),
                days_taken=days.get(problem.pk),
                rebound=rebound,
                before_urls=before,
                after_urls=after,
            )
        )
    return rows


def ledger_rows(queryset, user, absolute: Callable[[str], str]) -> Iterator[LedgerRow]:
    """The rows of ``queryset`` (already scoped to ``user`` and filtered), in its order, at most
    ``LEDGER_MAX_ROWS + 1`` (one more tells the caller the list was cut)."""
    problems = ledger_queryset(queryset)[: LEDGER_MAX_ROWS + 1].iterator(chunk_size=CHUNK)
    while chunk := list(islice(problems, CHUNK)):
        yield from _rows_of_chunk(chunk, user, absolute)


# --- writing ---------------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) or None


def _cell(sheet, column, value) -> WriteOnlyCell | None:
    if value is None or value == "" or value == []:
        return None
    if column.kind == Kind.DATETIME:
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if column.kind == Kind.NUMBER:
        return WriteOnlyCell(sheet, value=value)
    if column.kind == Kind.LINKS:
        cell = WriteOnlyCell(sheet, value="\n".join(value))
        cell.data_type = "s"
        cell.hyperlink = value[0]
        cell.alignment = WRAP
        return cell
    if isinstance(value, Link):
        cell = WriteOnlyCell(sheet, value=_text(value.text))
        cell.data_type = "s"
        cell.hyperlink = value.url
        cell.style = "Hyperlink"
        return cell
    text = _text(value)
    if text is None:
        return None
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever a citizen's report starts with
    return cell


def build_ledger(queryset, user, absolute: Callable[[str], str]) -> Ledger:
    """The workbook of ``queryset``: the ledger sheet (header row styled and frozen, filters
    on) and a sheet saying what the columns mean and when it was made."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Problem ledger"))
    for index, column in enumerate(LEDGER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in LEDGER_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)

    count, truncated = 0, False
    for row in ledger_rows(queryset, user, absolute):
        if count == LEDGER_MAX_ROWS:
            truncated = True
            break
        sheet.append([_cell(sheet, column, column.value(row)) for column in LEDGER_COLUMNS])
        count += 1
    last = get_column_letter(len(LEDGER_COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    if truncated:
        sheet.append([])
        sheet.append([_too_many()])

    about = book.create_sheet(_("About this ledger"))
    about.column_dimensions["A"].width = 100
    lines = [
        _("Problem ledger, made {when} (Beijing time): {n} problems.").format(
            when=timezone.localtime().strftime("%Y-%m-%d %H:%M"), n=count
        ),
        _(
            "Days taken: working time from assignment to closing on the statutory calendar, in "
            "working days of {hours} hours, to one decimal."
        ).format(hours=round(_working_day_seconds() / 3600, 1)),
        _("Photos: the links open the photos for those signed in who may see the problem."),
    ]
    if truncated:
        lines.append(_too_many())
    for line in lines:
        cell = WriteOnlyCell(about, value=line)
        cell.alignment = WRAP
        about.append([cell])

    buffer = io.BytesIO()
    book.save(buffer)
    return Ledger(content=buffer.getvalue(), rows=count, truncated=truncated)


def _too_many() -> str:
    return _("Only the first {n} problems are listed; narrow the filters to export the rest.").format(
        n=f"{LEDGER_MAX_ROWS:,}"
    )
