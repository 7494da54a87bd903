"""The evaluation benchmark at a small size: ``seed_demo --scale province`` builds what it says,
and ``bench_evaluation`` times the floor and the evaluation and leaves nothing behind."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery, Sum

from chuangcheng.core.models import AuditLog
from chuangcheng.indicators.models import CheckItem
from chuangcheng.inspections.choices import AssignmentStatus, Outcome
from chuangcheng.inspections.models import Assignment, Inspection, ItemResult, Plan
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.models import Point
from chuangcheng.problems.choices import ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.scoring.models import Evaluation, PointResult, ScoringSettings, UnitResult

COUNTIES, POINTS = 2, 10


def seed(*extra) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo", "--scale", "province", "--counties", str(COUNTIES), "--points", str(POINTS), "--force",
        *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def said(output: str) -> dict[str, int]:
    """The "行数:" line: what the builder says it wrote."""
    line = next(line for line in output.splitlines() if line.startswith("行数:"))
    return {key: int(value) for key, value in re.findall(r"(\w+) (\d+)", line)}


@pytest.fixture
def province(db):
    return said(seed())


def test_province_counts_are_what_it_says(province):
    n = province
    assert n["counties"] == OrgUnit.objects.filter(kind=UnitKind.COUNTY).count() == COUNTIES
    assert n["cities"] == OrgUnit.objects.filter(kind=UnitKind.CITY).count() == 1
    assert n["units"] == OrgUnit.objects.count()
    for county in OrgUnit.objects.filter(kind=UnitKind.COUNTY):
        children = county.children.values_list("kind", flat=True)
        assert sum(k in (UnitKind.TOWNSHIP, UnitKind.STREET) for k in children) == 10
        assert sum(k == UnitKind.DEPARTMENT for k in children) == 10
        assert county.path == f"{county.parent.path}{county.pk}/"
    assert n["users"] == User.objects.count()
    assert n["points"] == Point.objects.count() == COUNTIES * POINTS
    assert n["plans"] == Plan.objects.count() == COUNTIES
    assert n["assignments"] == Assignment.objects.filter(status=AssignmentStatus.DONE).count()
    # four covert visits per point, each one an assignment of its county's drawn plan
    assert n["inspections"] == Inspection.objects.count() == COUNTIES * POINTS * 4 == n["assignments"]
    per_point = Inspection.objects.values("point").annotate(n=Count("pk")).values_list("n", flat=True)
    assert set(per_point) == {4}
    assert not Inspection.objects.exclude(assignment__point=F("point")).exists()
    # the full checklist: one result for every active item of the point's type
    items = CheckItem.objects.filter(point_type=OuterRef("point__point_type"), is_active=True)
    checklist = Subquery(items.order_by().values("point_type").annotate(c=Count("pk")).values("c"))
    answered = Inspection.objects.annotate(answered=Count("results"), checklist=checklist)
    assert not answered.exclude(answered=F("checklist")).exists()
    assert n["item_results"] == ItemResult.objects.count()
    assert n["indicator_links"] == ItemResult.indicators.through.objects.count()
    # scores as inspections.score gives them: 100 − the points lost, the failures counted
    for inspection in Inspection.objects.annotate(lost=Sum("results__points_lost")):
        assert inspection.points_lost == inspection.lost
        assert inspection.score == max(0, 100 - inspection.lost)
        assert inspection.failed_items == inspection.results.filter(outcome=Outcome.FAIL).count()
    assert n["passed"] == Inspection.objects.filter(passed=True).count()
    # every failed item of the month opened a problem; the month before is there by its problems
    failed = ItemResult.objects.filter(outcome=Outcome.FAIL)
    assert n["problems_month"] == failed.count() == Problem.objects.filter(item_result__isnull=False).count()
    assert n["problems_previous"] == Problem.objects.filter(inspection__isnull=True).count()
    closed = Problem.objects.filter(status=ProblemStatus.CLOSED)
    assert n.get("previous_closed", 0) + n.get("month_closed", 0) == closed.count()
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not Problem.objects.filter(closed_at__lt=F("assigned_at")).exists()
    assert not Problem.objects.filter(deadline__lt=F("assigned_at")).exists()
    rebounds = Problem.objects.filter(is_rebound=True)
    assert n.get("month_rebound", 0) == rebounds.count()
    assert not rebounds.exclude(rebound_of__closed_at__lte=F("found_at")).exists()
    assert not rebounds.exclude(rebound_of__check_item=F("check_item"), rebound_of__point=F("point")).exists()


def test_bench_evaluation_times_both_and_leaves_nothing(province):
    audit = AuditLog.objects.count()
    out = io.StringIO()
    call_command("bench_evaluation", "--repeat", "1", stdout=out)
    text = out.getvalue()
    assert re.search(r"floor \(inspections per point\): median \d+\.\d{3} s", text)
    assert re.search(r"evaluation \(every county in one pass, then every city\): median \d+\.\d{3} s", text)
    assert re.search(r"ratio evaluation / floor: [\d.]+×", text)
    assert (
        f"{COUNTIES} counties, 1 cities; {COUNTIES * POINTS * 4} counted inspections of {COUNTIES * POINTS}"
        in text
    )
    # each county's points and the city's points (its counties' together)
    assert f"{2 * COUNTIES * POINTS} point results" in text
    assert connection.vendor in text.lower() or "PostgreSQL" in text
    assert Evaluation.objects.count() == PointResult.objects.count() == UnitResult.objects.count() == 0
    assert ScoringSettings.objects.count() == 0
    assert AuditLog.objects.count() == audit


def test_bench_one_county_with_a_profile(province):
    county = OrgUnit.objects.filter(kind=UnitKind.COUNTY).order_by("path").first()
    out = io.StringIO()
    call_command("bench_evaluation", "--repeat", "1", "--area", str(county.pk), "--profile", stdout=out)
    text = out.getvalue()
    assert "1 counties, 0 cities" in text
    assert "statements" in text and "INSERT INTO" in text
    assert Evaluation.objects.count() == 0


def test_bench_refuses_without_data(db):
    with pytest.raises(CommandError, match="no county"):
        call_command("bench_evaluation", "--repeat", "1", stdout=io.StringIO())


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for other databases")
def test_province_refused_on_sqlite_without_force(db, settings):
    settings.DEBUG = True  # not the DEBUG refusal: the database one
    with pytest.raises(CommandError, match="--force"):
        call_command(
            "seed_demo", "--scale", "province", "--counties", "1", "--points", "1", stdout=io.StringIO()
        )
    assert not OrgUnit.objects.exists()
