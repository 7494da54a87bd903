"""Where problems come from without a person typing them: failed items of submitted
inspections (the hook inspections calls inside the submission's transaction), and the facts
the draw asks of problems (rebounds as risk, points with recently closed problems).

Also rebound detection (反弹) and the township a place lies in.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.problems import deadlines
from chuangcheng.problems.choices import Action, ProblemSource, ProblemStatus, Severity


def severity_of(result) -> str:
    """A failed veto item is critical; the worst status (C#) major; anything else general."""
    if result.is_veto:
        return Severity.CRITICAL
    if result.status == "C#":
        return Severity.MAJOR
    return Severity.GENERAL


def mark_rebound(problem) -> None:
    """Link ``problem`` (not yet saved) to a problem closed at the same point for the same check
    item within ``PROBLEM_REBOUND_DAYS`` days, and flag it: the same problem is back."""
    from chuangcheng.problems.models import Problem

    if problem.point_id is None or problem.check_item_id is None:
        return
    found_at = problem.found_at or timezone.now()
    earlier = (
        Problem.objects.filter(
            point_id=problem.point_id,
            check_item_id=problem.check_item_id,
            status=ProblemStatus.CLOSED,
            closed_at__lte=found_at,
            closed_at__gte=found_at - timedelta(days=settings.PROBLEM_REBOUND_DAYS),
        )
        .order_by("-closed_at", "-pk")
        .first()
    )
    if earlier is not None:
        problem.rebound_of = earlier
        problem.is_rebound = True


def open_from_inspection(inspection) -> list:
    """One problem per failed item of ``inspection``, assigned to the point's responsible unit
    with the time limit for its severity. Runs inside the submission's transaction; a covert
    finding keeps the inspection's embargo (hidden from the unit, its clock starting when the
    embargo ends). ``item_result`` is unique, so nothing is opened twice."""
    from chuangcheng.problems.actions import _notify_unit
    from chuangcheng.problems.models import ProblemEvent

    failed = list(
        inspection.results.filter(outcome=Outcome.FAIL, problem__isnull=True)
        .select_related("check_item")
        .prefetch_related("indicators")
    )
    if not failed:
        return []
    opened = []
    for result in failed:
        problem = problem_for(inspection, result)
        problem.save()
        ProblemEvent.objects.create(
            problem=problem,
            action=Action.CREATE,
            from_status="",
            to_status=ProblemStatus.ASSIGNED,
            actor=None,  # opened by the system from the inspection, not by its inspector
            at=inspection.submitted_at,
            to_unit_id=inspection.responsible_unit_id,
            new_deadline=problem.deadline,
        )
        _notify_unit(problem, f"{problem.code} {problem.title}", "problem.assigned")
        opened.append(problem)
    return opened


def problem_for(inspection, result):
    """The problem (not saved) a failed ``result`` of ``inspection`` opens: assigned to the
    point's responsible unit, the embargo copied, a rebound linked, its clock scheduled."""
    from chuangcheng.problems.models import Problem

    source = (
        ProblemSource.SELF_INSPECTION if inspection.kind == InspectionKind.SELF else ProblemSource.INSPECTION
    )
    point = inspection.point
    indicators = sorted(result.indicators.all(), key=lambda i: i.code)
    problem = Problem(
        area_id=inspection.area_id,
        source=source,
        inspection=inspection,
        item_result=result,
        point=point,
        point_type_id=point.point_type_id,
        check_item=result.check_item,
        indicator=indicators[0] if indicators else None,
        title=result.check_item.text[:200],
        description=result.note,
        severity=severity_of(result),
        address=point.address,
        township_id=inspection.township_id,
        responsible_unit_id=inspection.responsible_unit_id,
        status=ProblemStatus.ASSIGNED,
        found_at=inspection.submitted_at,
        embargo_until=inspection.embargo_until,
    )
    mark_rebound(problem)
    deadlines.schedule(problem, deadlines.clock_start(problem, inspection.submitted_at))
    return problem


def township_at(area, latitude, longitude):
    """The township or street whose outline contains the place (None when none does)."""
    if latitude is None or longitude is None:
        return None
    from chuangcheng.org.choices import UnitKind
    from chuangcheng.points.models import AreaOutline
    from chuangcheng.utils import geo

    outlines = AreaOutline.objects.filter(
        unit__path__startswith=area.path, unit__kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET]
    ).select_related("unit")
    for outline in outlines:
        try:
            if geo.contains(outline.geojson, float(latitude), float(longitude)):
                return outline.unit
        except geo.GeometryError:
            continue
    return None


def rebound_risk(area, point_ids, since) -> dict[int, int]:
    """For the draw: each rebound at a point since ``since`` adds one to its weight."""
    from chuangcheng.problems.models import Problem

    rows = (
        Problem.objects.filter(area=area, point_id__in=list(point_ids), is_rebound=True, found_at__gte=since)
        .values("point_id")
        .annotate(n=Count("pk"))
    )
    return {row["point_id"]: row["n"] for row in rows}


def points_with_recently_closed(area, days) -> set[int]:
    """For 回头看 plans: points with problems closed in the last ``days`` days."""
    from chuangcheng.problems.models import Problem

    since = timezone.now() - timedelta(days=days)
    return set(
        Problem.objects.filter(
            area=area, status=ProblemStatus.CLOSED, closed_at__gte=since, point__isnull=False
        ).values_list("point_id", flat=True)
    )
