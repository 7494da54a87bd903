"""Everything the public does — report a problem (or join an open one nearby), answer "is it
really fixed?" — and what the office does with reports: reveal a phone number to call back, and
the retention purge. The web form and Open311 both call ``submit``; it raises ``ReportError``
with a message fit to show and the field it concerns.

A report goes through the problems workflow's own rules: a new problem is opened by the system
(not by a user), routed to the point's unit (a QR report), else to its category's unit, else to
the township or street whose outline holds the place, else left registered for the office; its
deadline is its category's time limit (``problems.deadlines``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.citizens.choices import Channel, Feedback
from chuangcheng.citizens.models import Report, mask_mobiles
from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction, AuditResult
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit, mobile_validator
from chuangcheng.points.models import AreaOutline, Point
from chuangcheng.problems import deadlines, intake, photos
from chuangcheng.problems.choices import Action, PhotoKind, ProblemSource, ProblemStatus, Severity
from chuangcheng.problems.models import Category, Problem, ProblemEvent, ProblemPhoto
from chuangcheng.utils import coords, geo

PHONE = re.compile(mobile_validator.regex.pattern, re.ASCII)  # the one rule for mobile numbers
MAX_DESCRIPTION = 1000
FINAL = (ProblemStatus.CLOSED, ProblemStatus.REJECTED)
MERGEABLE = (ProblemStatus.REPORTED, ProblemStatus.REGISTERED, ProblemStatus.ASSIGNED)


class ReportError(Exception):
    """A refused report. ``code``: invalid, not_found, key_reused (the same client key with
    another report), state, forbidden, throttled."""

    STATUS = {
        "invalid": 400,
        "not_found": 404,
        "key_reused": 422,
        "state": 409,
        "forbidden": 403,
        "throttled": 429,
    }

    def __init__(self, message: str, field: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code

    @property
    def http_status(self) -> int:
        return self.STATUS.get(self.code, 400)


@dataclass
class ReportData:
    area: OrgUnit
    client_key: str
    category: Category | None = None
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    gcj02: bool = False  # the place came from a Chinese phone map
    address: str = ""
    point: Point | None = None
    phone: str = ""
    anonymous: bool = False
    photos: list = field(default_factory=list)
    join: int | None = None  # an open problem nearby this report joins
    channel: str = Channel.WEB
    device: str = ""  # already hashed

    def fingerprint(self) -> str:
        """What the same submission sent twice has in common (the photos by name and size)."""
        parts = {
            "area": self.area.pk,
            "category": self.category.pk if self.category else None,
            "description": self.description.strip(),
            "lat": None if self.latitude is None else round(float(self.latitude), 6),
            "lng": None if self.longitude is None else round(float(self.longitude), 6),
            "address": self.address.strip(),
            "point": self.point.pk if self.point else None,
            "phone": self.phone.strip(),
            "anonymous": self.anonymous,
            "join": self.join,
            "photos": [(getattr(f, "name", ""), getattr(f, "size", 0)) for f in self.photos],
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class Submitted:
    report: Report
    replayed: bool = False  # the same submission arrived again: the first report is returned


# --- the place ---------------------------------------------------------------------------------
def place(data: ReportData) -> tuple[Decimal | None, Decimal | None]:
    """The report's place in WGS-84 (converted from GCJ-02 when it came from a phone map),
    checked to lie in the area; a QR report without a place takes the point's."""
    lat, lng = data.latitude, data.longitude
    if (lat is None) != (lng is None):
        raise ReportError(_("Give both latitude and longitude, or neither."), field="latitude")
    if lat is None:
        if data.point is not None and data.point.has_location:
            return data.point.latitude, data.point.longitude
        if not data.address.strip() and data.point is None:
            raise ReportError(_("Mark the place on the map or give an address."), field="latitude")
        return None, None
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ReportError(_("The place is not a valid coordinate."), field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or lat != lat or lng != lng:
        raise ReportError(_("The place is not a valid coordinate."), field="latitude")
    if data.gcj02:
        lat, lng = coords.gcj02_to_wgs84(lat, lng)
    if not within_area(data.area, lat, lng):
        raise ReportError(
            _("This place is outside {area}; reports here are handled by another county.").format(
                area=data.area.name
            ),
            field="latitude",
        )
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def within_area(area: OrgUnit, lat: float, lng: float) -> bool:
    """Inside the county's outline — or, without one, inside one of its townships' (an area with
    no outline drawn accepts any place)."""
    own = AreaOutline.objects.filter(unit=area).first()
    if own is not None:
        return _contains(own.geojson, lat, lng)
    outlines = AreaOutline.objects.filter(
        unit__path__startswith=area.path, unit__kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET]
    )
    shapes = [o.geojson for o in outlines]
    return not shapes or any(_contains(shape, lat, lng) for shape in shapes)


def _contains(shape, lat, lng) -> bool:
    try:
        return geo.contains(shape, lat, lng)
    except geo.GeometryError:
        return False


# --- duplicates nearby ---------------------------------------------------------------------------
def reports_of(problem_ref):
    """The number of residents' reports of a problem, those of duplicates merged into it included
    (a subquery: ``problem_ref`` is an OuterRef or a primary key)."""
    return Coalesce(
        Subquery(
            Report.objects.filter(Q(problem=problem_ref) | Q(problem__merged_into=problem_ref))
            .order_by()
            .annotate(k=Value(1))
            .values("k")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def report_count(problem: Problem) -> int:
    return Report.objects.filter(Q(problem=problem) | Q(problem__merged_into=problem)).count()


@dataclass
class Nearby:
    problem: Problem
    distance: int  # metres
    reports: int


def nearby(area: OrgUnit, category: Category | None, lat, lng, *, today=None, limit: int = 5) -> list[Nearby]:
    """Up to ``limit`` open problems of ``category`` within its duplicate radius of the place,
    nearest first — never a covert finding still under embargo."""
    if category is None or lat is None or lng is None:
        return []
    lat, lng = float(lat), float(lng)
    radius = category.duplicate_radius or settings.CITIZEN_DUPLICATE_RADIUS_M
    # a box around the place first (an index-friendly filter), then the exact distance
    dlat = radius / 111_000
    dlng = radius / max(1.0, 111_000 * abs(math.cos(math.radians(lat))))
    today = today or timezone.localdate()
    candidates = (
        Problem.objects.filter(area=area, category=category, merged_into__isnull=True)
        .exclude(status__in=FINAL)
        .exclude(embargo_until__gte=today)
        .filter(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lng - dlng,
            longitude__lte=lng + dlng,
        )
        .annotate(reports=reports_of(OuterRef("pk")))
    )
    found = []
    for problem in candidates[:200]:
        distance = geo.distance_m(lat, lng, float(problem.latitude), float(problem.longitude))
        if distance <= radius:
            found.append(Nearby(problem, round(distance), problem.reports))
    found.sort(key=lambda n: (n.distance, n.problem.pk))
    return found[:limit]


# --- submitting --------------------------------------------------------------------------------
def submit(data: ReportData, *, now: datetime | None = None, request=None) -> Submitted:
    now = now or timezone.now()
    key = (data.client_key or "").strip()
    if not key or len(key) > 64:
        raise ReportError(_("The form is missing its submission key; reload the page."), field="client_key")
    fingerprint = data.fingerprint()
    earlier = Report.objects.filter(client_key=key).first()
    if earlier is not None:
        return _replay(earlier, fingerprint)
    checked = _check(data)
    lat, lng = place(data)
    if data.join is not None:
        _joinable(data, lat, lng)
    try:
        prepared = photos.prepare(data.photos)
    except ValidationError as exc:
        raise ReportError(" ".join(exc.messages), field="photos") from exc
    try:
        with transaction.atomic():
            if data.join is not None:
                problem = _join(data, _joinable(data, lat, lng, lock=True), prepared, now)
            else:
                problem = _open(data, lat, lng, prepared, now)
            report = Report.objects.create(
                area=data.area,
                problem=problem,
                joined=data.join is not None,
                channel=data.channel,
                category=data.category,
                point=data.point,
                description=checked["description"],
                address=data.address.strip()[:200],
                latitude=lat,
                longitude=lng,
                anonymous=data.anonymous,
                phone="" if data.anonymous else checked["phone"],
                device=data.device,
                client_key=key,
                payload_hash=fingerprint,
                created_at=now,
            )
            audit.record(AuditAction.CREATE, request=request, obj=report, channel=data.channel)
    except IntegrityError:  # the same key arrived twice at once: the other one won
        earlier = Report.objects.filter(client_key=key).first()
        if earlier is None:
            raise
        return _replay(earlier, fingerprint)
    return Submitted(report)


def _replay(earlier: Report, fingerprint: str) -> Submitted:
    if earlier.payload_hash != fingerprint:
        raise ReportError(
            _("This submission key was already used for another report; reload the page."),
            field="client_key",
            code="key_reused",
        )
    return Submitted(earlier, replayed=True)


def _check(data: ReportData) -> dict:
    if data.area.kind not in (UnitKind.COUNTY, UnitKind.CITY) or not data.area.is_active:
        raise ReportError(_("Reports are not taken for this area."), field="area", code="not_found")
    category = data.category
    if category is None:
        raise ReportError(_("Choose what kind of problem it is."), field="category")
    if not category.is_active or category.area_id != data.area.pk or category.parent_id is None:
        raise ReportError(_("Choose a kind of problem from the list."), field="category")
    if data.point is not None and data.point.area_id != data.area.pk:
        raise ReportError(_("The point is not in this county."), field="point")
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ReportError(
            _("Describe it in at most {n} characters.").format(n=MAX_DESCRIPTION), field="description"
        )
    if len(data.photos) > settings.CITIZEN_MAX_PHOTOS:
        raise ReportError(_("At most {n} photos.").format(n=settings.CITIZEN_MAX_PHOTOS), field="photos")
    if data.join is None and category.needs_photo and not data.photos:
        raise ReportError(_("Add a photo of the problem: this kind of report needs one."), field="photos")
    phone = unicodedata.normalize("NFKC", data.phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not data.anonymous and not PHONE.match(phone):
        raise ReportError(_("Enter an 11-digit mobile number, e.g. 13812345678."), field="phone")
    if len(data.address or "") > 200:
        raise ReportError(_("The address is too long (at most 200 characters)."), field="address")
    return {"description": description, "phone": phone}


def _joinable(data: ReportData, lat, lng, *, lock: bool = False) -> Problem:
    """The open problem a report joins: one the reporter could have been offered — the same kind,
    within its radius of the report's place, open, not merged, not a covert finding under
    embargo (checked again under the row lock when ``lock``)."""
    refused = ReportError(_("That problem is no longer open; report this one as new."), field="join")
    if lat is None or lng is None:
        raise refused
    if not lock:
        offered = nearby(data.area, data.category, lat, lng, limit=50)
        if not any(n.problem.pk == data.join for n in offered):
            raise refused
    problems = Problem.objects.select_for_update() if lock else Problem.objects
    problem = problems.filter(pk=data.join, area=data.area, category=data.category).first()
    if problem is None or problem.status in FINAL or problem.merged_into_id or problem.is_embargoed():
        raise refused
    return problem


def _title(data: ReportData, description: str) -> str:
    where = data.point.name if data.point is not None else data.address.strip()
    text = f"{data.category.name}：{description or where or _('citizen report')}"
    return text[:60]


def route(data: ReportData, lat, lng):
    """(unit, township): the point's unit for a QR report, else the category's, else the
    township or street whose outline holds the place — or no unit (the office assigns it)."""
    township = data.point.township if data.point is not None else intake.township_at(data.area, lat, lng)
    if data.point is not None and data.point.responsible_unit_id:
        return data.point.responsible_unit, township
    if data.category.responsible_unit_id and data.category.responsible_unit.is_active:
        return data.category.responsible_unit, township
    return township, township


def _open(data: ReportData, lat, lng, prepared, now) -> Problem:
    from chuangcheng.problems.actions import _notify_unit

    description = (data.description or "").strip()
    unit, township = route(data, lat, lng)
    problem = Problem(
        area=data.area,
        source=ProblemSource.CITIZEN,
        source_detail=_("Citizen report ({channel})").format(channel=Channel(data.channel).label)[:200],
        point=data.point,
        point_type_id=data.point.point_type_id if data.point is not None else None,
        category=data.category,
        title=mask_mobiles(_title(data, description)),
        description=mask_mobiles(description),
        severity=Severity.GENERAL,
        address=data.address.strip()[:200] or (data.point.address if data.point is not None else ""),
        latitude=lat,
        longitude=lng,
        township=township,
        found_at=now,
        status=ProblemStatus.ASSIGNED if unit is not None else ProblemStatus.REGISTERED,
        responsible_unit=unit,
    )
    if unit is not None:
        deadlines.schedule(problem, deadlines.clock_start(problem, now))
    problem.save()
    event = ProblemEvent.objects.create(
        problem=problem,
        action=Action.CREATE,
        from_status="",
        to_status=problem.status,
        actor=None,  # opened by the system from the resident's report
        at=now,
        note=problem.source_detail,
        to_unit=unit,
        new_deadline=problem.deadline,
    )
    if prepared:
        photos.store(problem, event, PhotoKind.BEFORE, prepared, None)
    if unit is not None:
        _notify_unit(problem, f"{problem.code} {problem.title}", "problem.assigned")
    return problem


def _join(data: ReportData, problem: Problem, prepared, now) -> Problem:
    event = ProblemEvent.objects.create(
        problem=problem,
        action=Action.COMMENT,
        from_status=problem.status,
        to_status=problem.status,
        actor=None,
        at=now,
        note=_("Another resident reports the same problem.")
        + (
            f"\n{mask_mobiles(data.description.strip()[:MAX_DESCRIPTION])}"
            if data.description.strip()
            else ""
        ),
        from_unit=problem.responsible_unit,
        to_unit=problem.responsible_unit,
    )
    if prepared:
        photos.store(problem, event, PhotoKind.BEFORE, prepared, None)
    return problem


# --- following a report ------------------------------------------------------------------------
def find(code: str) -> Report | None:
    code = (code or "").strip().upper().replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9]{6,12}", code):
        return None
    return Report.objects.select_related("problem", "category").filter(code=code).first()


def followed_problem(report: Report) -> Problem:
    """The problem a report follows: its own, or the original it was merged into."""
    problem = report.problem
    seen = {problem.pk}
    while problem.merged_into_id and problem.merged_into_id not in seen:
        problem = problem.merged_into
        seen.add(problem.pk)
    return problem


def after_photos(problem: Problem):
    """The after-photos of a closed problem (what the reporter is shown); none before closing."""
    if problem.status != ProblemStatus.CLOSED:
        return ProblemPhoto.objects.none()
    return ProblemPhoto.objects.filter(problem=problem, kind=PhotoKind.AFTER).order_by("taken_at", "pk")


def answer(code: str, fixed: bool, note: str = "", *, now=None, request=None) -> Report:
    """The reporter's "is it really fixed?" once the problem is closed (once per report). A "no"
    opens a problem for the office to check again — registered, linked to the report — instead
    of the answer vanishing."""
    now = now or timezone.now()
    with transaction.atomic():
        found = find(code)
        if found is None:
            raise ReportError(_("No report has this tracking code."), field="code", code="not_found")
        report = Report.objects.select_for_update().get(pk=found.pk)
        problem = followed_problem(report)
        if problem.status != ProblemStatus.CLOSED:
            raise ReportError(_("You can answer once the problem is closed."), code="state")
        if report.feedback:
            raise ReportError(_("You have already answered; thank you."), code="state")
        note = (note or "").strip()[:300]
        report.feedback = Feedback.FIXED if fixed else Feedback.NOT_FIXED
        report.feedback_note, report.feedback_at = note, now
        if not fixed:
            followup = Problem.objects.create(
                area=problem.area,
                source=ProblemSource.CITIZEN,
                source_detail=_("The reporter says {code} is not fixed").format(code=problem.code)[:200],
                point=problem.point,
                point_type_id=problem.point_type_id,
                check_item=problem.check_item,
                indicator=problem.indicator,
                category=problem.category,
                title=(_("Not fixed, says the reporter: ") + problem.title)[:200],
                description=mask_mobiles(note),
                severity=problem.severity,
                address=problem.address,
                latitude=problem.latitude,
                longitude=problem.longitude,
                township=problem.township,
                found_at=now,
                status=ProblemStatus.REGISTERED,
            )
            ProblemEvent.objects.create(
                problem=followup,
                action=Action.CREATE,
                from_status="",
                to_status=ProblemStatus.REGISTERED,
                at=now,
                note=followup.source_detail,
            )
            report.followup = followup
        report.save(update_fields=["feedback", "feedback_note", "feedback_at", "followup"])
        audit.record(AuditAction.UPDATE, request=request, obj=report, feedback=report.feedback)
    return report


# --- the office ----------------------------------------------------------------------------------
def can_reveal(user, report: Report) -> bool:
    """The campaign office calls reporters back; the unit complained about never sees the number."""
    from chuangcheng.problems.actions import can_register

    return bool(user.is_authenticated and can_register(user, report.area))


def reveal_phone(user, report_id: int, *, request=None) -> str:
    report = Report.objects.filter(pk=report_id).select_related("area").first()
    if report is None or not Report.objects.visible_to(user).filter(pk=report_id).exists():
        raise ReportError(_("No such report."), code="not_found")
    if not can_reveal(user, report):
        audit.record(AuditAction.REVEAL, request=request, user=user, obj=report, result=AuditResult.DENIED)
        raise ReportError(_("Only the campaign office may see a reporter's number."), code="forbidden")
    if not report.phone:
        raise ReportError(_("This report has no phone number (anonymous, or removed)."), code="state")
    audit.record(AuditAction.REVEAL, request=request, user=user, obj=report, field="phone")
    return report.phone


def purge_phones(now: datetime | None = None) -> int:
    """Remove reporters' phone numbers ``CITIZEN_PHONE_RETENTION_DAYS`` after their problem
    was closed or rejected (PIPL §19). Set-based; safe to run twice."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.CITIZEN_PHONE_RETENTION_DAYS)
    # decided by the problem the report follows: its own, or the original it was merged into
    own = Q(problem__merged_into__isnull=True) & (
        Q(problem__status=ProblemStatus.CLOSED, problem__closed_at__lt=before)
        | Q(problem__status=ProblemStatus.REJECTED, problem__updated_at__lt=before)
    )
    closed = Q(problem__merged_into__status=ProblemStatus.CLOSED, problem__merged_into__closed_at__lt=before)
    rejected = Q(
        problem__merged_into__status=ProblemStatus.REJECTED, problem__merged_into__updated_at__lt=before
    )
    done = own | closed | rejected
    ids = list(Report.objects.exclude(phone="").filter(done).values_list("pk", flat=True))
    return Report.objects.filter(pk__in=ids).update(phone="", phone_purged_at=now)


def merge(user, duplicate_id: int, original_code: str, note: str = "", *, now=None, request=None) -> Problem:
    """The office merges a duplicate into the original it names (by number): the duplicate is
    closed as not a separate problem (rejected, with the original named in its history), its
    residents follow the original from then on, and the original counts their reports."""
    from chuangcheng.problems.actions import _notify_unit, can_register

    now = now or timezone.now()
    with transaction.atomic():
        duplicate = Problem.objects.select_for_update().filter(pk=duplicate_id).first()
        if duplicate is None or not can_register(user, duplicate.area):
            raise ReportError(_("Only the campaign office merges problems."), code="forbidden")
        code = (original_code or "").strip().upper()
        original = (
            Problem.objects.select_for_update().filter(area=duplicate.area, code=code).first()
            if code
            else None
        )
        if original is None:
            raise ReportError(
                _("No problem of this area has the number {code}.").format(code=code), field="original"
            )
        if original.pk == duplicate.pk:
            raise ReportError(_("A problem cannot be merged into itself."), field="original")
        if duplicate.status in FINAL or duplicate.merged_into_id:
            raise ReportError(_("This problem is already closed or merged."), code="state")
        # only a resident's report nobody has started on: merging closes it as "not a separate
        # problem", which must not erase an inspection finding or a unit's overdue work
        if duplicate.source != ProblemSource.CITIZEN or duplicate.status not in MERGEABLE:
            raise ReportError(
                _("Only a resident's report the unit has not yet accepted can be merged."), code="state"
            )
        if original.status in FINAL or original.merged_into_id:
            raise ReportError(_("Merge into a problem that is still open and not merged."), field="original")
        if original.is_embargoed():  # a covert finding the residents must not be pointed to
            raise ReportError(
                _("No problem of this area has the number {code}.").format(code=code), field="original"
            )
        before = duplicate.status
        # what was merged into the duplicate follows it to the original (one level of merging)
        Problem.objects.filter(merged_into=duplicate).update(merged_into=original)
        duplicate.merged_into = original
        duplicate.status = ProblemStatus.REJECTED
        duplicate.save(update_fields=["merged_into", "status", "updated_at"])
        ProblemEvent.objects.create(
            problem=duplicate,
            action=Action.REJECT,
            from_status=before,
            to_status=ProblemStatus.REJECTED,
            actor=user,
            at=now,
            note=(
                _("Merged into {code} (the same problem).").format(code=original.code) + f"\n{note.strip()}"
            )[:2000].strip(),
            from_unit=duplicate.responsible_unit,
            to_unit=duplicate.responsible_unit,
        )
        ProblemEvent.objects.create(
            problem=original,
            action=Action.COMMENT,
            from_status=original.status,
            to_status=original.status,
            actor=user,
            at=now,
            note=_("{code} merged into this problem: its residents follow this one now.").format(
                code=duplicate.code
            ),
            from_unit=original.responsible_unit,
            to_unit=original.responsible_unit,
        )
        if duplicate.responsible_unit_id and duplicate.responsible_unit_id != original.responsible_unit_id:
            _notify_unit(
                duplicate,
                f"{duplicate.code} {duplicate.title}",
                "problem.merged",
                body=_("Merged into {code}.").format(code=original.code),
            )
        audit.record(
            AuditAction.UPDATE, request=request, user=user, obj=duplicate, step="merge", into=original.pk
        )
    return duplicate
