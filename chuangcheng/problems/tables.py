"""The problems ledger (台账): its columns, declared once.

Each column is a header, a value function and how the cell is written. ``ledger.py`` writes
them to the xlsx; the value functions read a ``ledger.LedgerRow`` (the problem and what was
worked out for it set-based: links, photo URLs, working days taken, whether the user may see
the problem it rebounds from).

Nothing here names an inspector: the ledger shows who is responsible, never who inspected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chuangcheng.problems.choices import ProblemSource, ProblemStatus, Severity

if TYPE_CHECKING:
    from chuangcheng.problems.ledger import LedgerRow


class Kind:
    """How a value is written to a cell."""

    TEXT = "text"  # a string, never read as a formula
    NUMBER = "number"
    DATETIME = "datetime"  # an aware datetime, written in Beijing time
    LINK = "link"  # a Link: its text, with the hyperlink
    LINKS = "links"  # URLs, one per line; the cell links to the first


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Column:
    header: Any  # lazily translated
    value: Callable[[LedgerRow], Any]
    kind: str = Kind.TEXT
    width: int = 12


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")


def _label(choices, value: str) -> str:
    """A choice's label (``get_FOO_display`` costs ten times as much, over 20,000 rows)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _source(row: LedgerRow) -> str:
    problem = row.problem
    parts = [_label(ProblemSource, problem.source), problem.source_detail]
    if problem.instructed_by_id:
        parts.append(problem.instructed_by.display_name)
    return " · ".join(str(p) for p in parts if p)


def _name(obj) -> str:
    return obj.name if obj is not None else ""


def _indicator(row: LedgerRow) -> str:
    indicator = row.problem.indicator
    return f"{indicator.code} {indicator.name}" if indicator is not None else ""


def _rebound(row: LedgerRow) -> Link | str:
    """The earlier problem's number, linked — or just "Yes" when the user may not see it
    (as on the problem page)."""
    if row.rebound is not None:
        return row.rebound
    return gettext("Yes") if row.problem.is_rebound else ""


# The column table reads best as a table.
# fmt: off
LEDGER_COLUMNS: tuple[Column, ...] = (
    Column(_("Number"), lambda r: Link(r.problem.code, r.url), Kind.LINK, 16),
    Column(_("Problem"), lambda r: r.problem.title, width=30),
    Column(_("Description"), lambda r: r.problem.description, width=30),
    Column(_("Source"), _source, width=16),
    Column(_("Point"), lambda r: _name(r.problem.point), width=18),
    Column(_("Address"), lambda r: r.problem.address, width=22),
    Column(_("Township/street"), lambda r: _name(r.problem.township), width=14),
    Column(_("Responsible unit"), lambda r: _name(r.problem.responsible_unit), width=16),
    Column(_("Category"), lambda r: str(r.problem.category or ""), width=20),
    Column(_("Indicator"), _indicator, width=20),
    Column(_("Severity"), lambda r: _label(Severity, r.problem.severity), width=8),
    Column(_("Status"), lambda r: _label(ProblemStatus, r.problem.status), width=10),
    Column(_("Found at"), lambda r: r.problem.found_at, Kind.DATETIME, 17),
    Column(_("Assigned at"), lambda r: r.problem.assigned_at, Kind.DATETIME, 17),
    Column(_("Deadline"), lambda r: r.problem.deadline, Kind.DATETIME, 17),
    Column(_("Closed at"), lambda r: r.problem.closed_at, Kind.DATETIME, 17),
    Column(_("Days taken (working days, from assignment to closing)"),
           lambda r: r.days_taken, Kind.NUMBER, 14),
    Column(_("Rectified on time"), lambda r: _yes_no(r.problem.rectified_on_time), width=10),
    Column(_("Rework count"), lambda r: r.problem.rework_count, Kind.NUMBER, 8),
    Column(_("Extensions"), lambda r: r.problem.extension_count, Kind.NUMBER, 8),
    Column(_("Rebound of"), _rebound, Kind.LINK, 16),
    Column(_("Before photos"), lambda r: r.before_urls, Kind.LINKS, 40),
    Column(_("After photos"), lambda r: r.after_urls, Kind.LINKS, 40),
)
# fmt: on
