"""The monthly evaluation: exact figures for the November of conftest.py (the same on SQLite and
PostgreSQL — CI runs this file on both), drafts and publication, the frozen snapshot and its
hash, corrections, streaks, the city level, and the refusals."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from chuangcheng.inspections.models import Inspection
from chuangcheng.problems.choices import Action
from chuangcheng.problems.tests.conftest import jpeg
from chuangcheng.scoring import actions
from chuangcheng.scoring.choices import EvaluationStatus, PeerGroup, SanctionKind, SanctionStatus
from chuangcheng.scoring.models import Evaluation, FrozenError, PointResult, Sanction, UnitResult
from chuangcheng.scoring.tests.conftest import AFTER_NOVEMBER, NOVEMBER, at, mean, visit

pytestmark = pytest.mark.django_db


def run(world, who=None, area=None, month=NOVEMBER, when=AFTER_NOVEMBER):
    with time_machine.travel(when, tick=False):
        return actions.run_month(who or world.people.office, area or world.units.county, month)


def test_point_results_agree_with_the_inspections(world, november):
    evaluation = run(world)
    pts = november.insp.pts
    gate = PointResult.objects.get(evaluation=evaluation, point=pts.gate)
    scores = [i.score for i in november.inspections if i.point_id == pts.gate.pk]
    assert (gate.inspections, gate.passed_inspections, gate.mean_score) == (2, 1, mean(scores))
    assert (gate.pass_rate, gate.veto_failed, gate.passed) == (Decimal("50.00"), True, False)
    assert (gate.failing_rank, gate.months_failing, gate.point_leader) == (1, 1, world.people.pointleader)
    road = PointResult.objects.get(evaluation=evaluation, point=pts.road_point)
    assert (road.inspections, road.mean_score, road.pass_rate, road.passed) == (
        2,
        Decimal("98.00"),
        Decimal("100.00"),
        True,
    )
    assert road.failing_rank is None
    # 人民路 at the end of November: B is not at the point; C closed; D open but due in December
    assert (road.open_problems, road.overdue_problems) == (2, 0)  # D and the covert finding
    assert evaluation.input_counts["points"] == 3 and evaluation.input_counts["inspections"] == 5


def test_the_department_figures_follow_the_formula(world, november):
    evaluation = run(world)
    row = UnitResult.objects.get(evaluation=evaluation, unit=world.units.department)
    assert row.peer_group == PeerGroup.DEPARTMENT
    # due in November: A, B, C; closed A and C; on time A; reworked A; rebound D; overdue B
    assert (row.problems, row.closed, row.closed_on_time, row.reworked, row.rebounds, row.overdue) == (
        3,
        2,
        1,
        1,
        1,
        1,
    )
    assert (row.closing_rate, row.on_time_rate, row.rework_rate, row.workload) == (
        Decimal("66.67"),
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("100.00"),
    )
    # 30 × 66.67 + 30 × 33.33 + 30 × (100 − 33.33) + 10 × 100, over 100 = 60.00
    assert row.rectification == Decimal("60.00")
    # (50 × 100 + 50 × 60) / 100 = 80, less 2 for the rebound and 1 for the overdue problem
    assert (row.points, row.points_passed, row.point_pass_rate) == (1, 1, Decimal("100.00"))
    assert (row.composite, row.band, row.insufficient_sample, row.rank) == (Decimal("77.00"), "B", False, 1)


def test_townships_answer_for_the_points_in_them_and_a_thin_sample_is_not_ranked(world, november):
    evaluation = run(world)
    rows = {
        r.unit.name: r for r in UnitResult.objects.filter(evaluation=evaluation, peer_group="territorial")
    }
    chengguan = rows["城关街道"]  # 西门菜市场 (failed on the veto) and 人民路 lie in it
    assert (chengguan.points, chengguan.points_passed, chengguan.point_pass_rate, chengguan.problems) == (
        2,
        1,
        Decimal("50.00"),
        0,
    )
    assert (chengguan.composite, chengguan.band, chengguan.rank) == (Decimal("50.00"), "D", 1)
    dongcheng = rows["东城街道"]  # one inspection, no problem: fewer than 3 observations
    assert (dongcheng.insufficient_sample, dongcheng.rank, dongcheng.composite) == (
        True,
        None,
        Decimal("100.00"),
    )


def test_publishing_freezes_the_snapshot_and_the_hash_catches_a_direct_edit(world, november):
    evaluation = run(world)
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        published = actions.publish(world.people.office, evaluation.pk)
    assert published.status == EvaluationStatus.PUBLISHED and published.published_by == world.people.office
    assert len(published.content_hash) == 64 and published.verify()
    row = published.unit_results.get(unit=world.units.department)
    row.composite = Decimal("99.00")
    with pytest.raises(FrozenError):
        row.save()
    with pytest.raises(FrozenError):
        published.point_results.first().delete()
    published.reason = "改一下"
    with pytest.raises(FrozenError):
        published.save()
    # a direct database edit goes round the models: the hash no longer matches
    UnitResult.objects.filter(pk=row.pk).update(composite=Decimal("99.00"))
    assert not Evaluation.objects.get(pk=published.pk).verify()


def test_publishing_twice_is_refused(world, november):
    evaluation = run(world)
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        actions.publish(world.people.office, evaluation.pk)
        with pytest.raises(actions.ScoringError) as refused:
            actions.publish(world.people.office, evaluation.pk)
    assert refused.value.code == "state"
    assert Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED).count() == 1


def test_a_rerun_replaces_the_draft_and_a_correction_is_a_new_version_with_a_reason(world, november):
    first = run(world)
    second = run(world)
    assert not Evaluation.objects.filter(pk=first.pk).exists() and second.number == 1
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        published = actions.publish(world.people.office, second.pk)
    correction = run(world)
    assert (correction.number, correction.corrects, correction.status) == (
        2,
        published,
        EvaluationStatus.DRAFT,
    )
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        with pytest.raises(actions.ScoringError):
            actions.publish(world.people.office, correction.pk)  # no reason
        corrected = actions.publish(world.people.office, correction.pk, reason="补录一次督查")
    assert corrected.reason == "补录一次督查"
    assert Evaluation.objects.published().filter(month=NOVEMBER).count() == 2  # both stay visible
    assert Evaluation.objects.latest_published(world.units.county) == corrected


def test_the_same_data_gives_the_same_hash(world, november):
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        first = actions.publish(world.people.office, run(world).pk)
        second = actions.publish(world.people.office, run(world).pk, reason="重算")
    assert first.content_hash != second.content_hash  # the version number is part of what is hashed
    assert first.canonical_content().split(",[", 1)[1] == second.canonical_content().split(",[", 1)[1]


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (at(datetime.date(2026, 11, 30), 20), "not_ended"),  # November has not ended yet
    ],
)
def test_a_month_not_yet_ended_is_refused(world, november, when, code):
    with pytest.raises(actions.ScoringError) as refused:
        run(world, when=when)
    assert refused.value.code == code and "2026-12-01" in refused.value.message
    assert not Evaluation.objects.exists()


def test_a_month_with_no_data_is_refused(world, november):
    with pytest.raises(actions.ScoringError) as refused:
        run(world, month=datetime.date(2026, 9, 1))
    assert refused.value.code == "no_data"
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("persona", ["department", "township", "leader", "oversight", "outsider"])
def test_only_the_areas_office_runs_it(world, november, persona):
    with pytest.raises(actions.ScoringError) as refused:
        run(world, who=getattr(world.people, persona))
    assert refused.value.code == "forbidden"
    assert not Evaluation.objects.exists()


def test_publishing_proposes_the_rules_rewards_and_penalties(world, november):
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        published = actions.publish(world.people.office, run(world).pk)
    entries = {(s.rule, s.kind, s.unit.name if s.unit else None, s.points) for s in published.sanctions.all()}
    # one ranked unit per peer group: each is in the top 3, none in the bottom 3 of so small a group
    assert entries == {
        ("top3", SanctionKind.PRAISE, "城关街道", Decimal("0.00")),
        ("top3", SanctionKind.PRAISE, "县城管局", Decimal("0.00")),
        ("rebound", SanctionKind.DEDUCTION, "县城管局", Decimal("-0.50")),
    }
    assert published.sanctions.get(rule="rebound").evidence == "反弹 1 次"  # in Chinese, whoever publishes
    assert set(published.sanctions.values_list("status", flat=True)) == {SanctionStatus.PROPOSED}


def test_a_reward_or_penalty_moves_on_as_new_entries(world, november):
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        published = actions.publish(world.people.office, run(world).pk)
    entry = published.sanctions.get(rule="rebound")
    confirmed = actions.move_sanction(world.people.office, entry.pk, SanctionStatus.CONFIRMED, "核实无误")
    applied = actions.move_sanction(world.people.office, confirmed.pk, SanctionStatus.APPLIED)
    assert [e.status for e in (entry, confirmed, applied)] == ["proposed", "confirmed", "applied"]
    assert Sanction.objects.get(pk=entry.pk).status == SanctionStatus.PROPOSED  # never edited
    with pytest.raises(actions.ScoringError):
        actions.move_sanction(world.people.office, entry.pk, SanctionStatus.CONFIRMED)  # superseded
    with pytest.raises(actions.ScoringError):
        actions.move_sanction(world.people.department, applied.pk, SanctionStatus.WITHDRAWN)


def test_a_point_failing_two_months_running_brings_an_interview_of_its_leader(world, november):
    from chuangcheng.scoring.tests.conftest import visit

    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        actions.publish(world.people.office, run(world).pk)
    visit(
        world,
        november.insp,
        november.insp.pts.gate,
        datetime.date(2026, 12, 8),
        fails=[november.insp.pts.item],
    )
    with time_machine.travel(at(datetime.date(2027, 1, 4), 9), tick=False):
        december = actions.publish(
            world.people.office,
            run(world, month=datetime.date(2026, 12, 1), when=at(datetime.date(2027, 1, 4), 9)).pk,
        )
    gate = december.point_results.get(point=november.insp.pts.gate)
    assert (gate.passed, gate.months_failing) == (False, 2)
    interview = december.sanctions.get(kind=SanctionKind.INTERVIEW)
    assert (interview.person, interview.unit) == (world.people.pointleader, world.units.community)


def test_the_city_ranks_its_counties(world, november):
    evaluation = run(world, who=world.people.city, area=world.units.city)
    rows = list(evaluation.unit_results.select_related("unit"))
    assert [(r.unit.name, r.peer_group) for r in rows] == [("示范县", PeerGroup.COUNTY)]
    assert evaluation.peer_level == "counties"
    county = rows[0]
    assert (county.points, county.points_passed, county.inspections) == (3, 2, 5)


def test_the_command_evaluates_and_publishes(world, november, capsys):
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        call_command("evaluate_month", "2026-11", "--area", str(world.units.county.pk), "--publish")
    assert "示范县 2026-11 v1" in capsys.readouterr().out
    assert Evaluation.objects.published().count() == 1
    with pytest.raises(CommandError):
        call_command("evaluate_month", "2026-13")


def test_a_unit_with_problems_but_no_inspected_point_is_valued_on_rectification(world, november):
    from chuangcheng.problems.tests.conftest import new_problem

    # 县住建局 has no inspected point; its one problem is left open past its deadline
    new_problem(
        world, unit=world.units.department2, title="工地围挡破损", now=at(datetime.date(2026, 11, 3), 10)
    )
    row = UnitResult.objects.get(evaluation=run(world), unit=world.units.department2)
    assert (row.points, row.point_pass_rate, row.problems, row.closed, row.overdue) == (0, None, 1, 0, 1)
    # closing 0, on time 0, rework 0 → (30 × 0 + 30 × 0 + 30 × 100 + 10 × (1 ÷ 3, the busiest)) ÷ 100
    assert row.rectification == Decimal("33.33")
    # less 1 for the overdue problem; one observation is too few to rank, so no band either
    assert (row.composite, row.insufficient_sample, row.band, row.rank) == (Decimal("32.33"), True, "", None)


def test_a_month_whose_covert_visits_are_still_secret_waits(world, november):
    from chuangcheng.problems.tests.conftest import covert_failure

    # a covert plan from 23 November to 11 December: its November visit stays secret until then
    covert_failure(
        world,
        november.insp,
        datetime.date(2026, 11, 23),
        datetime.date(2026, 12, 11),
        datetime.date(2026, 11, 25),
        inspector=world.people.inspector,
    )
    with pytest.raises(actions.ScoringError) as refused:
        run(world)
    assert refused.value.code == "not_ended" and "2026-12-11" in refused.value.message
    assert not Evaluation.objects.exists()
    evaluation = run(world, when=at(datetime.date(2026, 12, 12), 9))
    assert evaluation.input_counts["inspections"] == 6


def test_a_rerun_of_an_ended_month_reads_it_as_it_stood_at_the_cutoff(world, november, pts):
    """What happens after the month's end (a point changing hands, a problem reassigned with a new
    deadline, a send-back) does not move the month's figures or its hash."""
    from chuangcheng.problems.tests.conftest import step

    before = run(world)
    department = UnitResult.objects.get(evaluation=before, unit=world.units.department)
    figures = [getattr(department, f) for f in UnitResult.HASHED]
    content = before.compute_hash()
    december = at(datetime.date(2026, 12, 1), 10)
    # B (overdue at the end of November) goes to 县住建局 with a December deadline
    step(
        november.b,
        Action.REASSIGN,
        world.people.office,
        now=december,
        unit=world.units.department2,
        deadline=at(datetime.date(2026, 12, 10), 17),
        note="职责调整",
    )
    # D (open at the end of November) is fixed, sent back once and its deadline extended
    step(november.d, Action.ACCEPT, world.people.department, now=december)
    step(november.d, Action.SUBMIT, world.people.department, photos=[jpeg()], now=december)
    step(november.d, Action.SEND_BACK, world.people.office, note="仍有坑洼", now=december)
    # 人民路 changes hands
    road = november.insp.pts.road_point
    road.responsible_unit = world.units.department2
    road.save()

    again = run(world, when=at(datetime.date(2026, 12, 3), 15))
    assert again.number == before.number  # the draft was replaced
    department = UnitResult.objects.get(evaluation=again, unit=world.units.department)
    assert [getattr(department, f) for f in UnitResult.HASHED] == figures
    assert not UnitResult.objects.filter(evaluation=again, unit=world.units.department2).exists()
    assert PointResult.objects.get(evaluation=again, point=road).responsible_unit == world.units.department
    assert again.compute_hash() == content


def test_deductions_count_per_ten_problems_due(world, november):
    """A unit with many problems is not sunk by its size: 12 overdue problems cost 1 × 12 × 10 / 12
    = 10 points, not 12 — while a unit with fewer than 10 loses the full 1 per problem."""
    from chuangcheng.problems.tests.conftest import new_problem

    for n in range(12):
        new_problem(
            world,
            unit=world.units.department2,
            title=f"工地围挡破损{n}",
            now=at(datetime.date(2026, 11, 3), 10),
        )
    evaluation = run(world)
    row = UnitResult.objects.get(evaluation=evaluation, unit=world.units.department2)
    assert (row.problems, row.overdue, row.rebounds) == (12, 12, 0)
    # closing 0, on time 0, rework 0, workload 100 (the busiest): (30 × 100 + 10 × 100) ÷ 100 = 40
    assert row.rectification == Decimal("40.00")
    assert row.composite == Decimal("30.00")
    # 县城管局 (3 due: counted as 10): less 2 for its rebound and 1 for its overdue problem, as before
    department = UnitResult.objects.get(evaluation=evaluation, unit=world.units.department)
    assert department.workload == Decimal("25.00")  # 3 of the busiest 12


def test_a_township_without_inspected_points_answers_for_the_problems_of_its_tree(world, november):
    from chuangcheng.org.choices import UnitKind
    from chuangcheng.org.tests.factories import OrgUnitFactory
    from chuangcheng.problems.tests.conftest import new_problem

    nanguan = OrgUnitFactory(name="南关街道", kind=UnitKind.STREET, parent=world.units.county)
    village = OrgUnitFactory(name="南关社区", kind=UnitKind.COMMUNITY, parent=nanguan)
    new_problem(world, unit=village, title="楼道堆物", now=at(datetime.date(2026, 11, 3), 10))
    row = UnitResult.objects.get(evaluation=run(world), unit=nanguan)
    assert (row.peer_group, row.points, row.problems, row.overdue) == (PeerGroup.TERRITORIAL, 0, 1, 1)
    assert row.point_pass_rate is None and row.rectification is not None
    # a unit whose tree had no problem in the month and no inspected point gets no row
    assert not UnitResult.objects.filter(evaluation=row.evaluation, unit=world.units.other_township).exists()


def test_every_county_of_a_city_is_evaluated_in_one_pass(world, november, django_assert_max_num_queries):
    """``run_months``: a county with data gets its draft, a county without is refused, not the
    whole run; the computation is the same few statements whatever the number of counties."""
    with time_machine.travel(AFTER_NOVEMBER, tick=False), django_assert_max_num_queries(60):
        drafts, refused = actions.run_months(None, [world.units.county, world.units.other_county], NOVEMBER)
    assert [d.area for d in drafts] == [world.units.county]
    assert refused[world.units.other_county.pk].code == "no_data"
    assert drafts[0].input_counts == {"inspections": 5, "problems": 6, "points": 3, "units": 3}
    together = drafts[0].compute_hash()
    assert run(world).compute_hash() == together  # the same figures as the county on its own


def test_the_month_runs_from_midnight_to_midnight_beijing_time_on_both_databases(world, november):
    """An inspection at 04:00 on 1 November counts in November; one at 03:00 on 1 December
    does not (SQLite stores UTC text: the bounds must be compared as stored)."""
    pts = november.insp.pts
    early = visit(world, november.insp, pts.park, datetime.date(2026, 11, 1))
    late = visit(world, november.insp, pts.park, datetime.date(2026, 12, 1))
    Inspection.objects.filter(pk=early.pk).update(submitted_at=at(datetime.date(2026, 11, 1), 4))
    Inspection.objects.filter(pk=late.pk).update(submitted_at=at(datetime.date(2026, 12, 1), 3))
    evaluation = run(world)
    park = PointResult.objects.get(evaluation=evaluation, point=pts.park)
    assert park.inspections == 2  # 12 November and 1 November 04:00
    assert (
        evaluation.input_counts["inspections"]
        == 6
        == sum(evaluation.point_results.values_list("inspections", flat=True))
    )


def test_a_city_and_its_county_are_evaluated_in_separate_runs(world, november):
    with time_machine.travel(AFTER_NOVEMBER, tick=False), pytest.raises(actions.ScoringError) as refused:
        actions.run_months(None, [world.units.county, world.units.city], NOVEMBER)
    assert refused.value.code == "invalid" and not Evaluation.objects.exists()
    # the same county twice is evaluated once
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        drafts, _refused = actions.run_months(None, [world.units.county, world.units.county], NOVEMBER)
    assert len(drafts) == 1 and Evaluation.objects.count() == 1


def test_a_failure_midway_leaves_nothing_and_shows_the_real_error(world, november, monkeypatch):
    from django.db import DatabaseError

    from chuangcheng.scoring import evaluate

    def broken(self):
        self.execute("SELECT no_such_column FROM cc_eval_area")

    monkeypatch.setattr(evaluate.Batch, "_points", broken)
    with pytest.raises(DatabaseError) as failed:
        run(world)
    assert "no_such_column" in str(failed.value)
    assert not Evaluation.objects.exists()
