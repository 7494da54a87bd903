"""Plans: drawn at creation under the rules and conflicts, verifiable after the period,
amended only with a reason, cancelled but never deleted."""

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from chuangcheng.core.models import AuditLog
from chuangcheng.inspections import actions
from chuangcheng.inspections.choices import AssignmentOrigin, AssignmentStatus
from chuangcheng.inspections.draw import commitment
from chuangcheng.inspections.models import Plan
from chuangcheng.inspections.tests.conftest import month_rules, plan_input
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db

CREATED = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
IN_PERIOD = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
AFTER = datetime.datetime(2027, 1, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_plan_commits_to_a_seed_and_draws_every_county_point(world, insp):
    plan = actions.create_plan(
        world.people.office, plan_input(world, insp, rules=month_rules(visits_per_point=2))
    )
    assert plan.seed_commitment == commitment(plan.seed) and len(plan.seed) == 64
    assert plan.revealed_seed == ""  # secret until the period ends
    drawn = list(plan.assignments.all())
    pts = insp.pts
    county_points = {pts.gate.pk, pts.road_point.pk, pts.park.pk, pts.site.pk, pts.square.pk}
    assert {a.point_id for a in drawn} == county_points  # 石桥市场 is another county's
    assert len(drawn) == 2 * len(county_points)
    assert AuditLog.objects.filter(action="create", object_id=str(plan.pk)).exists()


def test_nobody_inspects_points_of_their_own_or_a_paired_unit(world, insp):
    p, pts = world.people, insp.pts
    RoleAssignmentFactory(
        user=p.leader, unit=world.units.office_unit, role=Role.INSPECTOR
    )  # paired with 城关街道
    people = [*insp.inspectors, p.leader]
    for n in range(4):
        plan = actions.create_plan(
            p.office,
            plan_input(
                world,
                insp,
                name=f"p{n}",
                inspector_ids=[i.pk for i in people],
                rules=month_rules(visits_per_point=3),
            ),
            seed=f"{n:02d}" * 32,
        )
        for a in plan.assignments.select_related("point"):
            ids = set(a.inspector_ids)
            if a.point_id == pts.road_point.pk:
                assert p.inspector2.pk not in ids  # 督查员乙 belongs to 县城管局
            if a.point.township_id == world.units.township2.pk:
                assert p.inspector3.pk not in ids  # 督查员丙 belongs to 东城街道
            if a.point.township_id == world.units.township.pk:
                assert p.leader.pk not in ids  # paired with 城关街道


def test_infeasible_rules_explain_themselves_and_create_nothing(world, insp):
    data = plan_input(
        world, insp, inspector_ids=[world.people.inspector.pk], rules=month_rules(inspectors_per_visit=2)
    )
    with pytest.raises(actions.ActionError) as caught:
        actions.create_plan(world.people.office, data)
    assert caught.value.code == "infeasible"
    assert "2" in caught.value.messages[0] and "1" in caught.value.messages[0]
    assert not Plan.objects.exists()


def test_only_the_areas_office_plans(world, insp):
    for who in ("leader", "township", "inspector", "outsider", "oversight"):
        with pytest.raises(actions.ActionError):
            actions.create_plan(getattr(world.people, who), plan_input(world, insp))
    assert not Plan.objects.exists()


def test_people_who_are_not_inspectors_cannot_be_pooled(world, insp):
    data = plan_input(world, insp, inspector_ids=[world.people.township.pk])
    with pytest.raises(actions.ActionError):
        actions.create_plan(world.people.office, data)


def test_verify_draw_confirms_a_revealed_plan_and_catches_tampering(world, insp):
    with time_machine.travel(IN_PERIOD):
        plan = actions.create_plan(world.people.office, plan_input(world, insp))
    out = StringIO()
    with pytest.raises(SystemExit):  # not revealed yet
        call_command("verify_draw", str(plan.pk), stdout=out)
    with time_machine.travel(AFTER):
        assert actions.reveal_due_seeds() == 1
    plan.refresh_from_db()
    assert plan.revealed_seed == plan.seed
    out = StringIO()
    call_command("verify_draw", str(plan.pk), stdout=out)
    assert "OK" in out.getvalue()
    # someone edits an assignment in the database: verification fails, exit code 1
    first = plan.assignments.order_by("sequence").first()
    other = next(
        i for i in insp.inspectors if i.pk != first.inspector_id and i.pk != first.second_inspector_id
    )
    type(first).objects.filter(pk=first.pk).update(inspector=other)
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_draw", "--all", stdout=out)
    assert exited.value.code == 1
    assert "FAILED" in out.getvalue()


def test_amendment_is_recorded_and_does_not_break_verification(world, insp):
    p = world.people
    with time_machine.travel(CREATED):
        plan = actions.create_plan(p.office, plan_input(world, insp))
        original = plan.assignments.filter(point=insp.pts.gate).first()
        new_inspector = next(i for i in insp.inspectors if i.pk not in original.inspector_ids)
        with pytest.raises(actions.ActionError):  # a reason is required
            actions.amend_assignment(
                p.office,
                original,
                actions.AmendInput(new_inspector, None, datetime.date(2026, 12, 20), "morning", ""),
            )
        replacement = actions.amend_assignment(
            p.office,
            original,
            actions.AmendInput(new_inspector, None, datetime.date(2026, 12, 20), "morning", "督查员病假"),
        )
    original.refresh_from_db()
    assert original.status == AssignmentStatus.REPLACED
    assert replacement.origin == AssignmentOrigin.AMENDED and replacement.amendment.reason == "督查员病假"
    with time_machine.travel(AFTER):
        actions.reveal_due_seeds()
    assert actions.verify_plan(Plan.objects.get(pk=plan.pk)).ok


def test_amending_to_a_conflicted_inspector_is_refused(world, insp):
    p = world.people
    # before the plan's days: the refusal must be for the conflict, not for a day gone by
    with time_machine.travel(CREATED):
        plan = actions.create_plan(p.office, plan_input(world, insp))
        road = plan.assignments.filter(point=insp.pts.road_point).first()
        with pytest.raises(actions.ActionError) as caught:
            actions.amend_assignment(
                p.office,
                road,
                actions.AmendInput(p.inspector2, None, datetime.date(2026, 12, 3), "morning", "换人"),
            )
    assert caught.value.code == "conflict"


def test_cancelling_keeps_the_plan_and_withdraws_pending_assignments(world, insp):
    plan = actions.create_plan(world.people.office, plan_input(world, insp))
    with pytest.raises(actions.ActionError):
        actions.cancel_plan(world.people.office, plan, " ")
    actions.cancel_plan(world.people.office, plan, "重复计划")
    plan.refresh_from_db()
    assert plan.is_cancelled and plan.cancel_reason == "重复计划"
    assert set(plan.assignments.values_list("status", flat=True)) == {AssignmentStatus.CANCELLED}


def test_amendments_steering_visits_to_one_inspector_are_flagged(world, insp):
    p = world.people
    with time_machine.travel(CREATED):
        plan = actions.create_plan(p.office, plan_input(world, insp, rules=month_rules(visits_per_point=2)))
        assert actions.randomness_warnings(plan) == []
        # the office hands four visits to 督查员甲 by hand
        for a in plan.assignments.exclude(inspector=p.inspector).order_by("sequence")[:4]:
            actions.amend_assignment(
                p.office, a, actions.AmendInput(p.inspector, None, a.day, a.day_part, "人手调整")
            )
    warnings = " ".join(actions.randomness_warnings(plan))
    assert "督查员甲" in warnings  # concentrated on one person
    assert "4" in warnings


def test_a_cancelled_plan_of_the_same_period_is_flagged_on_the_next(world, insp):
    p = world.people
    with time_machine.travel(CREATED):
        first = actions.create_plan(p.office, plan_input(world, insp))
        actions.cancel_plan(p.office, first, "抽得不理想")
        second = actions.create_plan(p.office, plan_input(world, insp, name="重抽"))
    assert any("1" in w for w in actions.randomness_warnings(second))


def test_open_or_past_windows_cannot_be_amended_and_pairs_stay_pairs(world, insp):
    p = world.people
    with time_machine.travel(CREATED):
        plan = actions.create_plan(
            p.office, plan_input(world, insp, rules=month_rules(inspectors_per_visit=2))
        )
    a = plan.assignments.order_by("window_start").first()
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=1)):
        with pytest.raises(actions.ActionError) as caught:
            actions.amend_assignment(
                p.office,
                a,
                actions.AmendInput(p.inspector, p.inspector3, datetime.date(2026, 12, 30), "morning", "x"),
            )
        assert caught.value.code == "started"
    later = plan.assignments.order_by("-window_start").first()
    with time_machine.travel(CREATED):
        with pytest.raises(actions.ActionError) as caught:  # 双随机: two inspectors per visit
            actions.amend_assignment(
                p.office,
                later,
                actions.AmendInput(p.inspector, None, datetime.date(2026, 12, 30), "morning", "x"),
            )
        assert caught.value.code == "inspectors"
        with pytest.raises(actions.ActionError) as caught:  # a window already gone
            actions.amend_assignment(
                p.office,
                later,
                actions.AmendInput(p.inspector, p.inspector3, datetime.date(2026, 11, 1), "morning", "x"),
            )


def test_a_point_leader_is_never_drawn_for_the_point_they_lead(world, insp):
    p = world.people
    RoleAssignmentFactory(user=p.pointleader, unit=world.units.office_unit, role=Role.INSPECTOR)
    people = [*insp.inspectors, p.pointleader]
    for n in range(3):
        plan = actions.create_plan(
            p.office,
            plan_input(
                world,
                insp,
                name=f"点长{n}",
                inspector_ids=[i.pk for i in people],
                rules=month_rules(visits_per_point=3),
            ),
            seed=f"{n + 10:02d}" * 32,
        )
        led = set(
            plan.assignments.filter(point__point_leader=p.pointleader).values_list("inspector_id", flat=True)
        )
        assert p.pointleader.pk not in led


def test_self_unit_only_for_self_inspections_and_a_year_at_most(world, insp):
    p, u = world.people, world.units
    with pytest.raises(actions.ActionError) as caught:
        actions.create_plan(p.office, plan_input(world, insp, self_unit=u.township))
    assert caught.value.code == "self_unit"
    with pytest.raises(actions.ActionError) as caught:
        actions.create_plan(p.office, plan_input(world, insp, period_end=datetime.date(2028, 1, 1)))
    assert caught.value.code == "period"


def test_an_exported_bundle_verifies_without_the_database_and_catches_edits(world, insp, tmp_path):
    with time_machine.travel(IN_PERIOD):
        plan = actions.create_plan(world.people.office, plan_input(world, insp))
    with time_machine.travel(AFTER):
        actions.reveal_due_seeds()
    path = tmp_path / "draw.json"
    call_command("export_draw", str(plan.pk), "-o", str(path), stdout=StringIO())
    Plan.objects.all().update(name="x")  # the check reads only the file
    out = StringIO()
    call_command("verify_draw", "--bundle", str(path), stdout=out)
    assert "OK" in out.getvalue()
    bundle = json.loads(path.read_text())
    bundle["assignments"][0][4] = [bundle["pool"]["inspectors"][-1] + 1]  # someone else went
    path.write_text(json.dumps(bundle))
    with pytest.raises(SystemExit) as exited:
        call_command("verify_draw", "--bundle", str(path), stdout=StringIO())
    assert exited.value.code == 1


def test_an_unrevealed_plan_cannot_be_exported(world, insp):
    plan = actions.create_plan(world.people.office, plan_input(world, insp))
    with pytest.raises(CommandError):
        call_command("export_draw", str(plan.pk), stdout=StringIO())


def test_only_the_office_downloads_the_bundle_and_only_after_the_reveal(world, insp, client):
    from django.urls import reverse

    with time_machine.travel(IN_PERIOD):
        plan = actions.create_plan(world.people.office, plan_input(world, insp))
    url = reverse("inspections:plan_bundle", args=[plan.pk])
    with time_machine.travel(IN_PERIOD):
        client.force_login(world.people.office)
        assert client.get(url).status_code == 404  # not revealed: no seed to give
    with time_machine.travel(AFTER):
        actions.reveal_due_seeds()
        client.logout()
        client.force_login(world.people.leader)  # sees the ended plan, but not inspectors' ids
        assert client.get(url).status_code == 404
        client.logout()
        client.force_login(world.people.office)
        response = client.get(url)
    assert response.status_code == 200 and response.json()["seed"] == plan.seed
    assert "attachment" in response["Content-Disposition"]
    assert AuditLog.objects.filter(action="export", object_id=str(plan.pk)).exists()
