"""曝光台: the public exposure board of an area's latest PUBLISHED month, and the office's choice of
the problems it publishes there.

What the board shows, and why (security.md 3, 6, 16, 21; PIPL):
* Failing units: those ranked in band E of the published month (composite below the D line of
  that month's settings) — an absolute standard, not "the last of each group": a group where
  everyone did well exposes no one, and the bottom places are already named in the circular.
  A unit with an insufficient sample is not exposed: one visit is no verdict.
* Failing points (点未达标), ranked as published, with their responsible unit and the point
  leader's NAME: the point leader (点长) is the official appointed to answer for the point, and
  点长制 posts that name on a sign at the point itself — it is a public duty, not private data.
  Only the name (``full_name``, never the username), no phone, no other field of the account.
  A point is left out while any counted inspection of it that month is still under a covert
  embargo (a plan whose period has not ended): the board must not tell a unit where the covert
  inspectors went.
* Problems the office chose (``ExposedProblem``), while they are still open and out of any
  embargo: title, point or address, responsible unit, found and deadline, the office's note —
  never the description, the reporter, the inspector, the inspection or a phone number. Photos
  are the problem's own before-photos, in their display copy (re-encoded, no EXIF), streamed by
  ``public_photo`` only while the problem is on a board — any other photo id answers 404.
  Inspection evidence photos are not published: their stamp names the covert visit's time and
  an inspector code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.problems.choices import FINAL_STATES, OPEN_STATES, PhotoKind
from chuangcheng.problems.models import Problem, ProblemPhoto
from chuangcheng.problems.querysets import not_embargoed_q
from chuangcheng.scoring import league
from chuangcheng.scoring.actions import ScoringError, can_manage
from chuangcheng.scoring.choices import Band
from chuangcheng.scoring.evaluate import counted_inspections_for
from chuangcheng.scoring.models import Evaluation, ExposedProblem, PointResult, UnitResult

MAX_EXPOSED = 50  # problems on one month's board


# --- what is public -----------------------------------------------------------------------------
def latest_month_q() -> Subquery:
    """The latest published month of the row's ``area``."""
    return Subquery(
        Evaluation.objects.published().filter(area=OuterRef("area")).order_by("-month").values("month")[:1]
    )


def public_exposures(today=None):
    """The exposures on the boards now: of the latest published month of their area, their
    problem still open and out of any embargo. The board and the photo view both use this."""
    today = today or timezone.localdate()
    return (
        ExposedProblem.objects.annotate(latest_month=latest_month_q())
        .filter(month=F("latest_month"))
        .exclude(problem__status__in=sorted(FINAL_STATES))
        .filter(
            Q(problem__embargo_until__isnull=True) | Q(problem__embargo_until__lt=today),
        )
    )


def public_photo(photo_id: int) -> ProblemPhoto | None:
    """A before-photo of a problem on a public board now; None for any other photo."""
    return (
        ProblemPhoto.objects.filter(pk=photo_id, kind=PhotoKind.BEFORE)
        .filter(problem__in=public_exposures().values("problem"))
        .first()
    )


def board_areas() -> list[tuple[OrgUnit, date]]:
    """Counties with a published month, each with its latest one."""
    rows = (
        Evaluation.objects.published()
        .filter(area__kind=UnitKind.COUNTY)
        .values("area", "month")
        .order_by("area", "-month")
    )
    latest: dict[int, date] = {}
    for row in rows:
        latest.setdefault(row["area"], row["month"])
    units = OrgUnit.objects.in_bulk(list(latest))
    found = [(units[pk], month) for pk, month in latest.items()]
    return sorted(found, key=lambda pair: pair[0].path)


@dataclass
class Board:
    evaluation: Evaluation
    band_line: object  # composite below this is band E
    failing_units: list[UnitResult] = field(default_factory=list)
    failing_points: list[PointResult] = field(default_factory=list)
    exposed: list[ExposedProblem] = field(default_factory=list)


def embargoed_point_ids(area: OrgUnit, month: date, today=None) -> set[int]:
    """Points with a counted inspection that month still under a covert embargo."""
    today = today or timezone.localdate()
    return set(
        counted_inspections_for(area, month)
        .filter(embargo_until__gte=today)
        .values_list("point_id", flat=True)
        .distinct()
    )


def board(area: OrgUnit, today=None) -> Board | None:
    """The public board of ``area``'s latest published month (None if it has none)."""
    evaluation = league.published(area)
    if evaluation is None:
        return None
    rules = evaluation.settings_version.rules
    failing_units = list(
        evaluation.unit_results.filter(band=Band.E, insufficient_sample=False)
        .select_related("unit")
        .order_by("peer_group", "composite", "unit__name", "unit_id")
    )
    hidden = embargoed_point_ids(area, evaluation.month, today)
    failing_points = list(
        evaluation.point_results.filter(passed=False)
        .exclude(point_id__in=hidden)
        .select_related("point", "responsible_unit", "township", "point_leader")
        .order_by("failing_rank", "point__code")
    )
    exposed = list(
        public_exposures(today)
        .filter(area=area, month=evaluation.month)
        .select_related("problem__point", "problem__responsible_unit")
        .prefetch_related(
            Prefetch(
                "problem__photos",
                queryset=ProblemPhoto.objects.filter(kind=PhotoKind.BEFORE).order_by("uploaded_at", "pk"),
                to_attr="public_photos",
            )
        )
        .order_by("problem__deadline", "chosen_at", "pk")[:MAX_EXPOSED]
    )
    return Board(evaluation, rules.band_d, failing_units, failing_points, exposed)


# --- the office's choice ------------------------------------------------------------------------
def managed_evaluation(user, area: OrgUnit, month: date | None = None) -> Evaluation | None:
    """The newest evaluation (draft or published) of ``area`` for ``month`` (default: the
    latest month evaluated) — the office chooses while it reviews the draft, too."""
    _check_office(user, area)
    found = Evaluation.objects.filter(area=area).select_related("area")
    if month is not None:
        found = found.filter(month=month.replace(day=1))
    return found.order_by("-month", "-number").first()


def candidates(evaluation: Evaluation, today=None):
    """Open problems out of embargo at the failing points of ``evaluation``, and those already
    chosen for its month (the office may withdraw them)."""
    today = today or timezone.localdate()
    failing = PointResult.objects.filter(evaluation=evaluation, passed=False).values("point")
    chosen = ExposedProblem.objects.filter(area=evaluation.area, month=evaluation.month)
    return (
        Problem.objects.filter(area__path__startswith=evaluation.area.path)
        .filter(
            Q(point__in=failing, status__in=sorted(OPEN_STATES)) & not_embargoed_q(today)
            | Q(pk__in=chosen.values("problem"))
        )
        .annotate(
            is_exposed=Exists(chosen.filter(problem=OuterRef("pk"))),
            exposure_note=Subquery(chosen.filter(problem=OuterRef("pk")).values("note")[:1]),
        )
        .select_related("point", "responsible_unit")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=ProblemPhoto.objects.filter(kind=PhotoKind.BEFORE).order_by("uploaded_at", "pk"),
                to_attr="public_photos",
            )
        )
        .order_by("deadline", "pk")
    )


def _check_office(user, area):
    if not can_manage(user, area):
        raise ScoringError(
            _("Only the campaign office of this area chooses what it exposes."), code="forbidden"
        )


def choose(user, problem_id: int, month: date, note: str = "", *, request=None, now=None) -> ExposedProblem:
    """Put a problem on ``month``'s board of its area (or change its note). Refused: a problem
    outside the office's area, closed, still under embargo, or a month not evaluated."""
    now = now or timezone.now()
    month = month.replace(day=1)
    problem = Problem.objects.select_related("area").filter(pk=problem_id).first()
    if problem is None:
        raise ScoringError(_("No such problem."), code="not_found")
    _check_office(user, problem.area)
    if problem.is_final:
        raise ScoringError(_("Only problems not yet rectified are exposed."), code="state")
    if problem.is_embargoed(timezone.localdate(now)):
        raise ScoringError(
            _("This problem is a covert finding still under embargo; it cannot be made public yet."),
            code="state",
        )
    if not Evaluation.objects.filter(area=problem.area, month=month).exists():
        raise ScoringError(
            _("{month} has not been evaluated in this area.").format(month=month.strftime("%Y-%m")),
            code="invalid",
        )
    note = note.strip()[:300]
    with transaction.atomic():
        existing = ExposedProblem.objects.select_for_update().filter(
            area=problem.area, month=month, problem=problem
        )
        found = existing.first()
        if found is not None:
            if found.note != note:
                existing.update(note=note)
                found.note = note
                audit.record(AuditAction.UPDATE, request=request, user=user, obj=found, note=note)
            return found
        if ExposedProblem.objects.filter(area=problem.area, month=month).count() >= MAX_EXPOSED:
            raise ScoringError(
                _("At most {n} problems are exposed in a month.").format(n=MAX_EXPOSED), code="invalid"
            )
        try:
            with transaction.atomic():
                made = ExposedProblem.objects.create(
                    area=problem.area, month=month, problem=problem, note=note, chosen_by=user, chosen_at=now
                )
        except IntegrityError:  # a concurrent click chose it first
            return ExposedProblem.objects.get(area=problem.area, month=month, problem=problem)
        audit.record(
            AuditAction.CREATE,
            request=request,
            user=user,
            obj=made,
            problem=problem.pk,
            month=month.isoformat(),
        )
    return made


def withdraw(user, problem_id: int, month: date, *, request=None) -> bool:
    """Take a problem off ``month``'s board; True if it was on it."""
    month = month.replace(day=1)
    problem = Problem.objects.select_related("area").filter(pk=problem_id).first()
    if problem is None:
        raise ScoringError(_("No such problem."), code="not_found")
    _check_office(user, problem.area)
    with transaction.atomic():
        found = ExposedProblem.objects.filter(area=problem.area, month=month, problem=problem).first()
        if found is None:
            return False
        audit.record(
            AuditAction.DELETE,
            request=request,
            user=user,
            obj=found,
            problem=problem.pk,
            month=month.isoformat(),
        )
        found.delete()
    return True


def set_exposures(user, evaluation: Evaluation, chosen: dict[int, str], *, request=None) -> tuple[int, int]:
    """The manage page's form: exactly ``chosen`` (problem id → public note) among the page's
    candidates are exposed for the month. Returns (added or changed, withdrawn)."""
    _check_office(user, evaluation.area)
    shown = {p.pk: p for p in candidates(evaluation)}
    changed = withdrawn = 0
    for pk, problem in shown.items():
        if pk in chosen:
            before = ExposedProblem.objects.filter(area=problem.area, month=evaluation.month, problem=problem)
            old = before.values_list("note", flat=True).first()
            choose(user, pk, evaluation.month, chosen[pk], request=request)
            changed += old is None or old != chosen[pk].strip()[:300]
        elif problem.is_exposed:
            withdrawn += withdraw(user, pk, evaluation.month, request=request)
    return changed, withdrawn
