"""The monthly evaluation, set-based: every result row is written by one INSERT … SELECT or
UPDATE over the month's inspections and problems — no loop over rows in Python.

Same numbers on SQLite and PostgreSQL: rates and means are computed in whole hundredths with
integer arithmetic (rounded half up) and only then divided by 100, so no floating-point sum or
a database's rounding rule can tell the two apart (the content hash depends on it).

As of the cut-off: a problem counts as closed if it was closed before the month ended, open if
it was not, overdue if its deadline had passed by then — whatever happened since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from chuangcheng.inspections.choices import InspectionKind
from chuangcheng.inspections.models import Inspection
from chuangcheng.problems.choices import ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.scoring.choices import PeerGroup
from chuangcheng.scoring.models import Evaluation, PointResult, UnitResult
from chuangcheng.scoring.rules import Rules

INT = IntegerField()
RATE = DecimalField(max_digits=6, decimal_places=2)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of the month in Beijing time."""
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min))
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


# --- integer arithmetic in SQL -----------------------------------------------------------------
def _int(expression):
    return ExpressionWrapper(expression, output_field=INT)


def hundredths(numerator, denominator):
    """numerator / denominator as a percentage in whole hundredths, rounded half up (integers)."""
    return _int((numerator * Value(20000) + denominator) / (denominator * Value(2)))


def as_rate(hundredths_expression):
    """Whole hundredths → a number with two places (the only division). A double holds any
    integer ÷ 100 to 15 significant digits, which both databases store in the decimal column
    exactly (SQLite would divide integers as integers; PostgreSQL takes the double by assignment)."""
    return ExpressionWrapper(
        Cast(hundredths_expression, FloatField()) / Value(100.0), output_field=FloatField()
    )


def rate_or_null(numerator, denominator):
    return Case(
        When(**{f"{denominator.name}__gt": 0}, then=as_rate(hundredths(numerator, denominator))), default=None
    )


def stored_hundredths(field: str):
    """A stored rate back in whole hundredths (exact on PostgreSQL; SQLite's float rounded)."""
    return Cast(Round(F(field) * Value(100)), INT)


# --- writing rows from a SELECT ----------------------------------------------------------------
def insert_select(model, queryset, columns: list[str]) -> int:
    """INSERT INTO model's table (columns) SELECT … — ``queryset.values(*columns)`` gives the
    SELECT, its columns in that order."""
    query = queryset.values(*columns).order_by()
    sql, params = query.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) {sql}", params
        )
        return cursor.rowcount


@dataclass(frozen=True)
class Grouping:
    """How a peer group's units are found: the point-result field that names the unit, a filter
    on those units, and the lookup from a problem to the unit it counts for."""

    peer_group: str
    point_field: str
    unit_filter: Q
    problem_subtree: str  # the problem's lookup whose path must start with the unit's path
    # a unit with problems but no inspected point is evaluated on rectification alone: the
    # problem's field naming its unit, and the filter on it
    problem_field: str
    problem_filter: Q


COUNTY_GROUPS = (
    # 属地: a township or street answers for the points that lie in it and for the problems of
    # its own tree; 行业: a department for the points it is responsible for and its problems
    Grouping(PeerGroup.TERRITORIAL, "township", Q(), "responsible_unit__path", "township", Q()),
    Grouping(
        PeerGroup.DEPARTMENT,
        "responsible_unit",
        Q(responsible_unit__kind="department"),
        "responsible_unit__path",
        "responsible_unit",
        Q(responsible_unit__kind="department"),
    ),
)
CITY_GROUPS = (Grouping(PeerGroup.COUNTY, "point__area", Q(), "area__path", "area", Q()),)


def area_ids(area) -> list[int]:
    """The campaign areas whose rows an evaluation of ``area`` reads: a county itself; a city and
    its counties. Rows are filtered by these ids (indexed) rather than by tree path."""
    from chuangcheng.org.choices import AREA_KINDS, UnitKind
    from chuangcheng.org.models import OrgUnit

    if area.kind != UnitKind.CITY:
        return [area.pk]  # a county has no campaign area below it
    return list(
        OrgUnit.objects.filter(path__startswith=area.path, kind__in=AREA_KINDS).values_list("pk", flat=True)
    )


def counted_inspections_for(area, month: date):
    """The month's inspections that count: covert and announced, re-checks, mock assessments and
    the office's extra visits — never self-inspections."""
    start, end = month_bounds(month)
    return Inspection.objects.filter(
        area_id__in=area_ids(area), submitted_at__gte=start, submitted_at__lt=end
    ).exclude(kind=InspectionKind.SELF)


def problems_found_for(area, month: date):
    start, end = month_bounds(month)
    return Problem.objects.filter(area_id__in=area_ids(area), found_at__gte=start, found_at__lt=end)


def counted_inspections(evaluation: Evaluation):
    return counted_inspections_for(evaluation.area, evaluation.month)


def _problems_as_of(evaluation: Evaluation):
    """The area's problems as they stood at the month's end (rejected ones never count)."""
    start, end = month_bounds(evaluation.month)
    problems = Problem.objects.filter(area_id__in=area_ids(evaluation.area), found_at__lt=end).exclude(
        status=ProblemStatus.REJECTED
    )
    return problems, start, end


def compute_points(evaluation: Evaluation, rules: Rules, previous: Evaluation | None) -> int:
    """One PointResult per inspected point."""
    problems, _start, end = _problems_as_of(evaluation)
    open_then = problems.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end), point=OuterRef("point"))
    count = {"c": Count("pk")}

    def per_point(qs):
        return Coalesce(Subquery(qs.order_by().values("point").annotate(**count).values("c")), 0)

    pass_line_h = int(rules.pass_line * 100)
    qs = (
        counted_inspections(evaluation)
        .values("point", "point__responsible_unit", "point__township", "point__point_leader")
        .annotate(
            evaluation_id=Value(evaluation.pk, output_field=INT),
            responsible_unit_id=F("point__responsible_unit"),
            township_id=F("point__township"),
            point_leader_id=F("point__point_leader"),
            n=Count("pk"),
            passed_n=Count("pk", filter=Q(passed=True)),
            vetoes=Count("pk", filter=Q(veto_failed=True)),
            cents=Cast(Round(Sum("score") * Value(100)), INT),
        )
        .annotate(
            mean_h=_int((F("cents") * Value(2) + F("n")) / (F("n") * Value(2))),
            inspections=F("n"),
            passed_inspections=F("passed_n"),
            mean_score=as_rate(F("mean_h")),
            pass_rate=as_rate(hundredths(F("passed_n"), F("n"))),
            veto_failed=Case(When(vetoes__gt=0, then=Value(True)), default=Value(False)),
            passed=Case(
                When(Q(mean_h__gte=pass_line_h) & Q(vetoes=0), then=Value(True)), default=Value(False)
            ),
            open_problems=per_point(open_then),
            overdue_problems=per_point(open_then.filter(deadline__lt=end)),
        )
    )
    columns = [
        "evaluation_id", "point", "responsible_unit_id", "township_id", "point_leader_id", "inspections",
        "passed_inspections", "mean_score", "pass_rate", "veto_failed", "passed", "open_problems",
        "overdue_problems",
    ]  # fmt: skip
    qs = qs.annotate(point_id=F("point"))
    columns[1] = "point_id"
    written = insert_select(PointResult, qs, columns)
    mine = PointResult.objects.filter(evaluation=evaluation)
    # 点未达标月评排名: failing points, worst mean score first (ties share a rank)
    worse = (
        PointResult.objects.filter(evaluation=evaluation, passed=False, mean_score__lt=OuterRef("mean_score"))
        .order_by()
        .values("evaluation")
        .annotate(c=Count("pk"))
        .values("c")
    )
    mine.filter(passed=False).update(failing_rank=Coalesce(Subquery(worse), 0) + 1)
    streak = Value(0)
    if previous is not None:
        streak = Coalesce(
            Subquery(
                PointResult.objects.filter(evaluation=previous, point=OuterRef("point"), passed=False).values(
                    "months_failing"
                )[:1]
            ),
            0,
        )
    mine.filter(passed=False).update(months_failing=streak + 1)
    return written


def compute_units(evaluation: Evaluation, rules: Rules, groups) -> int:
    """One UnitResult per unit of each peer group: its points' figures, then its problems'."""
    written = 0
    points = PointResult.objects.filter(evaluation=evaluation)
    for group in groups:
        field = group.point_field
        qs = (
            points.filter(group.unit_filter, **{f"{field}__isnull": False})
            .values(field, f"{field}__path")
            .annotate(
                evaluation_id=Value(evaluation.pk, output_field=INT),
                unit_id=F(field),
                unit_path=F(f"{field}__path"),
                peer_group=Value(group.peer_group, output_field=CharField()),
                n_points=Count("pk"),
                n_passed=Count("pk", filter=Q(passed=True)),
                n_inspections=Sum("inspections"),
            )
            .annotate(
                points=F("n_points"),
                points_passed=F("n_passed"),
                inspections=F("n_inspections"),
                point_pass_rate=as_rate(hundredths(F("n_passed"), F("n_points"))),
            )
        )
        written += insert_select(
            UnitResult,
            qs,
            [
                "evaluation_id",
                "unit_id",
                "unit_path",
                "peer_group",
                "points",
                "points_passed",
                "inspections",
                "point_pass_rate",
            ],
        )
        written += _units_with_problems_only(evaluation, group)
    _problem_figures(evaluation, groups)
    _composite(evaluation, rules)
    return written


def _units_with_problems_only(evaluation: Evaluation, group: Grouping) -> int:
    """Rows for the units of ``group`` that had problems in the month but no inspected point."""
    problems, start, _end = _problems_as_of(evaluation)
    field = group.problem_field
    present = UnitResult.objects.filter(evaluation=evaluation, peer_group=group.peer_group).values("unit")
    qs = (
        problems.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start), group.problem_filter)
        .filter(**{f"{field}__isnull": False})
        .exclude(**{f"{field}__in": present})
        .values(field, f"{field}__path")
        .annotate(
            n=Count("pk"),  # an aggregate: one row per unit (GROUP BY)
            evaluation_id=Value(evaluation.pk, output_field=INT),
            unit_id=F(field),
            unit_path=F(f"{field}__path"),
            peer_group=Value(group.peer_group, output_field=CharField()),
        )
    )
    return insert_select(UnitResult, qs, ["evaluation_id", "unit_id", "unit_path", "peer_group"])


def _problem_figures(evaluation: Evaluation, groups) -> None:
    problems, start, end = _problems_as_of(evaluation)
    # due this month: the deadline fell by the month's end, and it was not closed before it began
    due = problems.filter(deadline__lt=end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    closed = due.filter(closed_at__lt=end)
    for group in groups:
        mine = UnitResult.objects.filter(evaluation=evaluation, peer_group=group.peer_group)
        own = {f"{group.problem_subtree}__startswith": OuterRef("unit_path")}

        def counted(qs, own=own):
            sub = (
                qs.filter(**own)
                .order_by()
                .annotate(k=Value(1))
                .values("k")
                .annotate(c=Count("pk"))
                .values("c")
            )
            return Coalesce(Subquery(sub), 0)

        mine.update(
            problems=counted(due),
            closed=counted(closed),
            closed_on_time=counted(closed.filter(rectified_on_time=True)),
            reworked=counted(due.filter(rework_count__gt=0)),
            rebounds=counted(problems.filter(is_rebound=True, found_at__gte=start)),
            overdue=counted(
                problems.filter(deadline__lt=end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
            ),
        )


def _composite(evaluation: Evaluation, rules: Rules) -> None:
    mine = UnitResult.objects.filter(evaluation=evaluation)
    busiest = (
        UnitResult.objects.filter(evaluation=evaluation, peer_group=OuterRef("peer_group"))
        .order_by()
        .values("peer_group")
        .annotate(m=Max("problems"))
        .values("m")
    )
    mine.update(
        closing_rate=rate_or_null(F("closed"), F("problems")),
        on_time_rate=rate_or_null(F("closed_on_time"), F("problems")),
        rework_rate=rate_or_null(F("reworked"), F("problems")),
    )
    mine.filter(problems__gt=0).update(workload=as_rate(hundredths(F("problems"), Subquery(busiest))))
    # rectification value in whole hundredths: Σ weight × part / Σ weights
    weights = [rules.closing_weight, rules.on_time_weight, rules.rework_weight, rules.workload_weight]
    w = [int(x * 100) for x in weights]
    total = sum(w) or 1
    parts = (
        Value(w[0]) * stored_hundredths("closing_rate")
        + Value(w[1]) * stored_hundredths("on_time_rate")
        + Value(w[2]) * (Value(10000) - stored_hundredths("rework_rate"))
        + Value(w[3]) * stored_hundredths("workload")
    )
    mine.filter(problems__gt=0).update(
        rectification=as_rate(_int((parts * Value(2) + Value(total)) / Value(2 * total)))
    )
    # composite: the weighted mean of the parts a unit has, less deductions, floored at 0
    pw, rw = int(rules.points_weight * 100), int(rules.rectification_weight * 100)
    deduction = _int(
        Value(int(rules.rebound_deduction * 100)) * F("rebounds")
        + Value(int(rules.overdue_deduction * 100)) * F("overdue")
    )
    both = _int(
        (
            (
                Value(pw) * stored_hundredths("point_pass_rate")
                + Value(rw) * stored_hundredths("rectification")
            )
            * Value(2)
            + Value(pw + rw)
        )
        / Value(2 * (pw + rw))
    )
    value = Case(
        When(Q(point_pass_rate__isnull=False) & Q(rectification__isnull=False), then=both),
        When(point_pass_rate__isnull=False, then=stored_hundredths("point_pass_rate")),
        When(rectification__isnull=False, then=stored_hundredths("rectification")),
        default=None,
        output_field=INT,
    )
    net = _int(value - deduction)
    floored = Case(When(GreaterThan(net, Value(0)), then=net), default=Value(0), output_field=INT)
    mine.filter(Q(point_pass_rate__isnull=False) | Q(rectification__isnull=False)).update(
        composite=as_rate(floored)
    )
    mine.update(
        band=Case(
            When(composite__gte=rules.band_a, then=Value("A")),
            When(composite__gte=rules.band_b, then=Value("B")),
            When(composite__gte=rules.band_c, then=Value("C")),
            When(composite__gte=rules.band_d, then=Value("D")),
            When(composite__isnull=False, then=Value("E")),
            default=Value(""),
        ),
        insufficient_sample=Case(
            When(composite__isnull=True, then=Value(True)),
            When(LessThan(F("inspections") + F("problems"), Value(rules.min_observations)), then=Value(True)),
            default=Value(False),
        ),
    )
    mine.filter(insufficient_sample=True).update(band="")  # no band without a rank
    better = (
        UnitResult.objects.filter(
            evaluation=evaluation,
            peer_group=OuterRef("peer_group"),
            insufficient_sample=False,
            composite__gt=OuterRef("composite"),
        )
        .order_by()
        .values("peer_group")
        .annotate(c=Count("pk"))
        .values("c")
    )
    mine.filter(insufficient_sample=False).update(rank=Coalesce(Subquery(better), 0) + 1)
