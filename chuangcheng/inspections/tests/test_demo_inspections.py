"""The inspections part of ``seed_demo``: seven months of drawn covert plans that verify, results
that improve month by month, photos, self-inspections, and work for the ``inspector`` login
today — while the townships see nothing of the open plan."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Avg, Count

from chuangcheng.demo.builders.inspections import AMENDMENT_REASON, MAX_PHOTOS, REASSIGN_REASON
from chuangcheng.indicators.models import CheckItem
from chuangcheng.inspections import actions
from chuangcheng.inspections.choices import AssignmentStatus, InspectionKind, PlanKind
from chuangcheng.inspections.models import Amendment, Assignment, EvidencePhoto, Inspection, Plan
from chuangcheng.inspections.score import score_line, total
from chuangcheng.org.models import User

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
WEDNESDAY = datetime.datetime(2026, 11, 18, 10, 30, tzinfo=TZ)
MONTH_STARTS = [datetime.date(2026, m, 1) for m in range(5, 12)]


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off


def seed(when=WEDNESDAY, *args) -> str:
    out = StringIO()
    with time_machine.travel(when, tick=False):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def covert_plans():
    return list(Plan.objects.filter(kind=PlanKind.COVERT).order_by("period_start"))


def test_seven_monthly_covert_plans_the_ended_ones_revealed_and_verified():
    out = seed()
    plans = covert_plans()
    assert [p.period_start for p in plans] == MONTH_STARTS
    assert [p.name for p in plans] == [f"2026年{m}月暗访督查" for m in range(5, 12)]
    *ended, current = plans
    with time_machine.travel(WEDNESDAY, tick=False):
        for plan in ended:
            assert plan.is_revealed and plan.has_ended()
            result = actions.verify_plan(plan)
            assert result.ok, result.problems
            assert result.checked == plan.assignments.filter(origin="drawn").count() == 302 + 10
    assert not current.is_revealed and current.revealed_seed == ""
    assert not actions.verify_plan(current).ok
    # every county point is drawn each month, with the risk extras on top
    for plan in plans:
        assert plan.assignments.filter(origin="drawn").values("point").distinct().count() == 302
    announced = Plan.objects.get(kind=PlanKind.ANNOUNCED)
    assert not announced.is_covert and announced.period_start == MONTH_STARTS[-1]
    assert {a.point.point_type.code for a in announced.assignments.select_related("point__point_type")} == {
        "NMSC",
        "YSTQ",
    }
    assert not announced.assignments.filter(second_inspector__isnull=True).exists()  # 双随机: two each
    assert "[10/17] 督查计划 … 7 个暗访计划（2026-05 至 2026-11）、1 个明查计划" in out


def test_results_are_scored_like_the_app_and_improve_month_by_month():
    seed()
    plans = covert_plans()
    done = Assignment.objects.filter(plan__in=plans, status=AssignmentStatus.DONE)
    inspections = Inspection.objects.filter(plan__in=plans)
    assert inspections.count() == done.count() > 6 * 290
    assert set(inspections.values_list("assignment_id", flat=True)) == set(done.values_list("pk", flat=True))
    assert not Inspection.objects.filter(assignment__status=AssignmentStatus.MISSED).exists()
    missed = Assignment.objects.filter(plan__in=plans[:-1], status=AssignmentStatus.MISSED).count()
    assert 0 < missed < 100
    # the ended months are fully carried out: nothing left pending
    assert not Assignment.objects.filter(plan__in=plans[:-1], status=AssignmentStatus.PENDING).exists()
    assert inspections.filter(passed=True).exists() and inspections.filter(passed=False).exists()
    # the current month: only windows that have closed are inspected (up to the 18th, 10:30)
    current = plans[-1]
    closed = current.assignments.filter(window_end__lte=WEDNESDAY).count()
    assert 0 < inspections.filter(plan=current).count() <= closed
    assert not inspections.filter(submitted_at__gt=WEDNESDAY).exists()

    by_month = dict(inspections.values_list("plan__period_start").annotate(Avg("score")))
    scores = [by_month[start] for start in MONTH_STARTS]
    assert sum(scores[3:]) / 3 > sum(scores[:3]) / 3 + 1
    assert scores[-1] > scores[0] + 2
    by_type = dict(inspections.values_list("point__point_type__code").annotate(Avg("score")))
    assert by_type["NMSC"] < by_type["YHWD"] - 3  # markets fail more than banks

    # the rural townships fail more often than the county seat's street (their few points make
    # one township's mean noisy: the two riskiest together, by pass rate)
    def pass_rate(names):
        chosen = inspections.filter(township__name__in=names)
        return chosen.filter(passed=True).count() * 100 / chosen.count()

    assert pass_rate(["龙泉乡", "新桥镇"]) < pass_rate(["城关街道"]) - 5

    for inspection in inspections.filter(failed_items__gte=2)[:25].prefetch_related(
        "results__check_item", "results__indicators"
    ):
        results = list(inspection.results.all())
        checklist = CheckItem.objects.filter(point_type_id=inspection.point.point_type_id, is_active=True)
        assert {r.check_item_id for r in results} == set(checklist.values_list("pk", flat=True))
        lines = [score_line(r.check_item, outcome=r.outcome, violations=r.violations) for r in results]
        assert [(line.points_lost, line.status) for line in lines] == [
            (r.points_lost, r.status) for r in results
        ]
        score = total(lines, Decimal(settings.INSPECTION_PASS_LINE))
        assert (score.score, score.passed, score.failed_items) == (
            inspection.score,
            inspection.passed,
            inspection.failed_items,
        )
        for r in results:
            assert {i.pk for i in r.indicators.all()} == set(
                r.check_item.indicators.values_list("pk", flat=True)
            )
        assert inspection.embargo_until == inspection.plan.period_end and inspection.is_covert
        a = inspection.assignment
        assert a.window_start <= inspection.started_at < inspection.submitted_at <= a.window_end
        assert inspection.kind == InspectionKind.COVERT and inspection.inspector_id == a.inspector_id


def test_photos_self_inspections_and_a_reseed_from_the_same_seeds(django_capture_on_commit_callbacks):
    seed()
    photos = list(EvidencePhoto.objects.select_related("result", "inspection"))
    assert 10 <= len(photos) <= MAX_PHOTOS + 1  # + the point leader's own photo
    for photo in photos:
        assert photo.taken_at is not None and photo.latitude is not None  # read from the EXIF
        assert photo.result is None or photo.result.outcome == "fail"
        assert Path(photo.image.path).exists() and Path(photo.original.path).exists()
    own = Inspection.objects.filter(kind=InspectionKind.SELF)
    leader = User.objects.get(username="pointleader")
    assert own.count() == 2 and set(own.values_list("inspector", flat=True)) == {leader.pk}
    assert not own.filter(is_covert=True).exists()
    files = [Path(p.image.path) for p in photos]
    commitments = [(p.name, p.seed_commitment) for p in Plan.objects.order_by("period_start", "kind")]

    with django_capture_on_commit_callbacks(execute=True):
        seed(WEDNESDAY, "--flush")
    assert not any(f.exists() for f in files)  # the files go once the rows are gone
    assert EvidencePhoto.objects.exclude(image__in=[p.image.name for p in photos]).count() >= 10
    # the plans' secret seeds come from the demo's seed (the ids, and so the draws, are new)
    assert [(p.name, p.seed_commitment) for p in Plan.objects.order_by("period_start", "kind")] == commitments


@pytest.mark.parametrize(
    "when",
    [
        WEDNESDAY,
        datetime.datetime(2026, 11, 18, 13, 0, tzinfo=TZ),  # between two day parts
        datetime.datetime(2026, 11, 18, 5, 30, tzinfo=TZ),  # before the day's first window
    ],
)
def test_the_inspector_has_work_now_and_the_township_sees_nothing_of_the_open_plan(when):
    seed(when)
    current = covert_plans()[-1]
    inspector = User.objects.get(username="inspector")
    township = User.objects.get(username="township")
    grace = datetime.timedelta(hours=settings.INSPECTION_SUBMIT_GRACE_HOURS)
    with time_machine.travel(when, tick=False):
        mine = Assignment.objects.mine(inspector).filter(plan=current, status=AssignmentStatus.PENDING)
        due = [a for a in mine if a.window_start <= when <= a.window_end + grace]
        later = Assignment.objects.filter(
            plan=current, status=AssignmentStatus.PENDING, window_start__gt=when, inspector=inspector
        )
        # work now, or (between two day parts, before the first) in the next window to open
        soon = later.filter(window_start__lte=when + datetime.timedelta(hours=3)).exists()
        assert due or soon, "the inspector login has nothing to do now"
        assert later.exists()
        assert not mine.filter(window_start__gt=when).exists()  # covert: later ones stay unseen
        for amendment in Amendment.objects.all():
            assert amendment.reason in (AMENDMENT_REASON, REASSIGN_REASON)
        assert actions.randomness_warnings(current) == []  # one or two changes do not erode the draw

        assert current not in Plan.objects.visible_to(township)
        assert not Assignment.objects.visible_to(township).filter(plan=current).exists()
        assert not Inspection.objects.visible_to(township).filter(plan=current).exists()
        # results of ended months reach the township, never who inspected
        earlier = Inspection.objects.visible_to(township).filter(plan__period_start=MONTH_STARTS[0])
        assert earlier.exists()
        assert not any(i.inspector_shown_to(township) for i in earlier)
        counts = dict(
            Inspection.objects.visible_to(township)
            .filter(plan__isnull=False)
            .values_list("township__name")
            .annotate(Count("pk"))
        )
        assert set(counts) == {"城关街道"}


def test_bench_draw_times_the_draw_and_rolls_back_create_plan(world, insp):
    out = StringIO()
    call_command(
        "bench_draw", "--points", "30", "--inspectors", "6", "--visits", "2", "--repeat", "3", "--with-db",
        stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("machine: ") and " CPUs, Python 3." in lines[0]
    assert (
        lines[1].startswith("draw.draw, synthetic: 30 points × 6 inspectors × 2 visits")
        and "= 60 assignments" in lines[1]
    )
    assert lines[2].startswith("  draw: median ") and lines[2].endswith("over 3 runs")
    # the world's county: 5 points, its 3 inspectors, 2 visits each
    assert lines[3].startswith(
        "actions.create_plan on this database (示范县): 5 points × 3 inspectors × 2 visits"
    )
    assert "= 10 assignments, rolled back" in lines[3]
    assert not Plan.objects.exists()
