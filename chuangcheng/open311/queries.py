"""What Open311 shows: the areas (jurisdictions), their services (the small classes of the
problem catalogue) and the residents' reports as service requests.

A service request is one citizen report (its tracking code is the ``service_request_id``),
shown with the state of the problem it follows. Never shown: a covert finding under embargo
(a report whose problem is, or was merged into, one), a reporter's phone number or name (a
number typed into the description is masked too), who inspected or handled anything, internal
notes. Photos are only those residents sent with their reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from chuangcheng.citizens.actions import followed_problem
from chuangcheng.citizens.models import Report, mask_mobiles
from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit
from chuangcheng.problems.choices import Action, PhotoKind, ProblemStatus
from chuangcheng.problems.models import Category, Problem, ProblemPhoto

CLOSED_STATES = (ProblemStatus.CLOSED, ProblemStatus.REJECTED)
# status_notes: fixed words per state (a reason typed by the office may name people: never shown)
STATUS_NOTES = {
    ProblemStatus.REPORTED: "已收到，等待受理。",
    ProblemStatus.REGISTERED: "已受理，等待派发给责任单位。",
    ProblemStatus.ASSIGNED: "已派发给责任单位。",
    ProblemStatus.RECTIFYING: "责任单位正在整改。",
    ProblemStatus.SUBMITTED: "责任单位已整改，等待创城办核查。",
    ProblemStatus.REWORK: "核查未通过，责任单位重新整改。",
    ProblemStatus.CLOSED: "已整改并经创城办核查，办结。",
    ProblemStatus.REJECTED: "经核实不予受理，已关闭。",
}
MERGED_NOTE = "与他人反映的同一问题合并办理。"
TRACKING_CODE = re.compile(r"[A-Z0-9]{6,12}")


# --- jurisdictions ----------------------------------------------------------------------------
def jurisdiction_id(area: OrgUnit) -> str:
    """The area's administrative code when it has one, else its id."""
    return area.code or str(area.pk)


def _service_categories():
    return Category.objects.filter(is_active=True, parent__isnull=False)


def jurisdictions() -> list[OrgUnit]:
    """The areas that take reports: active counties (and cities) with at least one service."""
    return list(
        OrgUnit.objects.filter(
            kind__in=AREA_KINDS, is_active=True, pk__in=_service_categories().values("area")
        ).order_by("path")
    )


def find_jurisdiction(raw: str) -> OrgUnit | None:
    """The area named by its code, or by its id."""
    areas = OrgUnit.objects.filter(kind__in=AREA_KINDS, is_active=True)
    found = areas.filter(code=raw).first()
    if found is None and raw.isascii() and raw.isdigit() and len(raw) <= 18:
        found = areas.filter(pk=int(raw)).first()
    return found


# --- services ---------------------------------------------------------------------------------
def services(area: OrgUnit) -> list[Category]:
    return list(
        _service_categories()
        .filter(area=area)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def find_service(area: OrgUnit, code: str) -> Category | None:
    if len(code) > Category._meta.get_field("code").max_length or not code.isprintable():
        return None  # cannot exist (and a NUL byte would upset PostgreSQL)
    return _service_categories().filter(area=area, code=code).select_related("parent").first()


def service_row(category: Category) -> dict:
    description = f"{category.parent.name}：{category.name}"
    if category.needs_photo:
        description += "（须附现场照片）"
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": description,
        "metadata": False,  # no attributes: a category, a place, words and photos say it all
        "type": "realtime",  # a request is created at once; its id comes in the response
        "keywords": "",
        "group": category.parent.name,
    }


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": []}


# --- service requests ---------------------------------------------------------------------------
def _reports(area: OrgUnit | None, today=None):
    """Reports out of any embargo (their own problem's, or the one it was merged into)."""
    today = today or timezone.localdate()
    reports = Report.objects.all() if area is None else Report.objects.filter(area=area)
    return (
        reports.exclude(problem__embargo_until__gte=today)
        .exclude(problem__merged_into__embargo_until__gte=today)
        .select_related(
            "category",
            "problem__responsible_unit",
            "problem__merged_into__responsible_unit",
        )
    )


def normalise_code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "")


def find_request(code: str, area: OrgUnit | None = None) -> tuple[Report, Problem] | None:
    """The report with this tracking code (in ``area`` when given) and the problem it follows;
    None for an unknown code or one under embargo."""
    code = normalise_code(code)
    if not TRACKING_CODE.fullmatch(code):
        return None
    report = _reports(area).filter(code=code).first()
    if report is None:
        return None
    problem = followed_problem(report)
    if problem.is_embargoed():
        return None
    return report, problem


@dataclass
class RequestFilter:
    ids: list[str] = field(default_factory=list)  # overrides everything else
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: set[str] = field(default_factory=set)  # "open", "closed"


def find_requests(area: OrgUnit, wanted: RequestFilter, limit: int = 1000) -> list[tuple[Report, Problem]]:
    """The area's reports matching ``wanted``, newest first, at most ``limit``."""
    reports = _reports(area)
    if wanted.ids:
        codes = {normalise_code(code) for code in wanted.ids}
        reports = reports.filter(code__in=[c for c in codes if TRACKING_CODE.fullmatch(c)])
        statuses: set[str] = set()
    else:
        statuses = wanted.statuses
        if wanted.service_codes:
            reports = reports.filter(category__code__in=wanted.service_codes)
        if wanted.start is not None:
            reports = reports.filter(created_at__gte=wanted.start)
        if wanted.end is not None:
            reports = reports.filter(created_at__lte=wanted.end)
        if statuses == {"open"} or statuses == {"closed"}:
            # the problem a report follows is its own or the one it was merged into; a longer
            # chain of merges is rare and checked below
            reports = reports.annotate(
                followed_status=Coalesce("problem__merged_into__status", "problem__status")
            )
            closed = Q(followed_status__in=CLOSED_STATES)
            reports = reports.filter(closed) if statuses == {"closed"} else reports.exclude(closed)
    found = []
    for report in reports.order_by("-created_at", "-pk")[:limit]:
        problem = followed_problem(report)
        if problem.is_embargoed():
            continue
        if statuses and status_of(problem) not in statuses:
            continue
        found.append((report, problem))
    return found


def status_of(problem: Problem) -> str:
    return "closed" if problem.status in CLOSED_STATES else "open"


# --- photos -----------------------------------------------------------------------------------
def public_photos(today=None):
    """Before-photos residents sent with their reports: uploaded by nobody signed in, with the
    system's own step (the report opening a problem, or joining one), on a problem that has a
    citizen report and is out of any embargo. Never an office's or an inspector's photo."""
    today = today or timezone.localdate()
    return (
        ProblemPhoto.objects.filter(
            kind=PhotoKind.BEFORE,
            uploaded_by__isnull=True,
            event__isnull=False,
            event__actor__isnull=True,
            event__action__in=[Action.CREATE, Action.COMMENT],
            problem__in=Report.objects.values("problem"),
        )
        .exclude(problem__embargo_until__gte=today)
        .exclude(problem__merged_into__embargo_until__gte=today)
    )


def public_photo(photo_id: int) -> ProblemPhoto | None:
    return public_photos().filter(pk=photo_id).first()


def first_photos(problem_ids: Iterable[int]) -> dict[int, ProblemPhoto]:
    """The first public before-photo of each problem (one query for the whole page)."""
    first: dict[int, ProblemPhoto] = {}
    rows = public_photos().filter(problem_id__in=set(problem_ids)).order_by("uploaded_at", "pk")
    for photo in rows.only("pk", "problem_id", "uploaded_at"):
        first.setdefault(photo.problem_id, photo)
    return first


def request_row(report: Report, problem: Problem, media_url: str = "") -> dict:
    status_notes = STATUS_NOTES.get(problem.status, "")
    if problem.pk != report.problem_id:
        status_notes = f"{MERGED_NOTE}{status_notes}"
    category = report.category
    return {
        "service_request_id": report.code,
        "status": status_of(problem),
        "status_notes": status_notes,
        "service_name": category.name if category else "",
        "service_code": category.code if category else "",
        "description": mask_mobiles(report.description),
        "agency_responsible": problem.responsible_unit.name if problem.responsible_unit_id else "",
        "service_notice": "",
        "requested_datetime": report.created_at,
        "updated_datetime": problem.updated_at,
        "expected_datetime": problem.deadline,
        "address": mask_mobiles(report.address),
        "address_id": "",
        "zipcode": "",
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": media_url,
    }
