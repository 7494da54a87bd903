"""The office's tools on many problems at once and on one problem's kind: bulk assignment (each
to its point's unit), reassignment and extension with a reason, 举一反三 (every point of the
type checked), and a leader's instruction recorded with the leader's name. Everyone else is
refused and nothing changes."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client

from chuangcheng.indicators.tests.factories import PointTypeFactory
from chuangcheng.inspections.choices import PlanKind
from chuangcheng.inspections.models import Plan
from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.notifications.models import Notification
from chuangcheng.problems import actions
from chuangcheng.problems.choices import Action, ProblemSource, ProblemStatus
from chuangcheng.problems.models import Problem, ProblemEvent
from chuangcheng.problems.tests.conftest import WEDNESDAY, new_problem, step

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def phone(user) -> Client:
    """A fresh client signed in now (sessions end after 30 idle minutes, and tests travel)."""
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot(*problems) -> list[tuple]:
    """What a refusal must leave as it was: state, unit, clock and history of each problem."""
    rows = []
    for problem in problems:
        fresh = Problem.objects.get(pk=problem.pk)
        history = list(fresh.events.order_by("pk").values_list("action", flat=True))
        rows.append(
            (
                fresh.status,
                fresh.responsible_unit_id,
                fresh.deadline,
                fresh.warn_at,
                fresh.extension_count,
                history,
            )
        )
    return rows


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


# --- bulk assignment ------------------------------------------------------------------------------
@pytest.fixture
def registered(world, prob):
    """Three problems registered by the office, not yet assigned: at 人民路 (县城管局's point), at
    西门菜市场 (西门社区's point), and one in a lane with neither point nor unit."""
    with time_machine.travel(WEDNESDAY, tick=False):
        return (
            new_problem(world, point=prob.pts.road_point, title="人民路垃圾堆放"),
            new_problem(world, point=prob.pts.gate, title="菜市场门口占道经营"),
            new_problem(world, title="无名小巷积水", address="无名小巷"),
        )


@pytest.fixture
def foreign(world):
    """A problem of 东岭县, registered by its own office."""
    data = actions.NewProblem(
        area=world.units.other_county, source=ProblemSource.OTHER, title="石桥市场垃圾", address="石桥镇"
    )
    return actions.create_problem(world.people.outsider, data)


def test_the_office_bulk_assigns_each_problem_to_its_points_unit_and_lists_the_refusal(world, registered):
    road, gate, lane = registered
    with time_machine.travel(at(11, 18, 10, 30), tick=False):
        response = phone(world.people.office).post(
            "/problems/bulk/", {"action": "assign", "unit": "", "problem": [road.pk, gate.pk, lane.pk]}
        )
    assert (response.status_code, response["Location"]) == (302, "/problems/")
    assert messages_of(response) == ["2 个问题：交办。", f"{lane.code}: 请选择责任单位。"]
    assigned = {
        p.pk: (p.status, p.responsible_unit)
        for p in Problem.objects.filter(pk__in=[road.pk, gate.pk]).select_related("responsible_unit")
    }
    assert assigned == {
        road.pk: (ProblemStatus.ASSIGNED, world.units.department),
        gate.pk: (ProblemStatus.ASSIGNED, world.units.community),
    }
    # the one without a point: untouched
    assert snapshot(lane) == [(ProblemStatus.REGISTERED, None, None, None, 0, ["create"])]


def test_a_unit_cannot_bulk_assign(world, registered):
    before = snapshot(*registered)
    for person in (world.people.township, world.people.department, world.people.leader):
        response = phone(person).post(
            "/problems/bulk/",
            {"action": "assign", "unit": world.units.department.pk, "problem": [p.pk for p in registered]},
        )
        assert response.status_code == 403
    assert snapshot(*registered) == before
    assert Notification.objects.count() == 0


def test_another_countys_problem_is_refused_as_unknown_and_left_alone(world, registered, foreign):
    road = registered[0]
    before = snapshot(foreign)
    response = phone(world.people.office).post(
        "/problems/bulk/",
        {"action": "assign", "unit": world.units.department.pk, "problem": [road.pk, foreign.pk]},
    )
    assert messages_of(response) == ["1 个问题：交办。", f"{foreign.pk}: 问题不存在。"]
    assert Problem.objects.get(pk=road.pk).status == ProblemStatus.ASSIGNED
    assert snapshot(foreign) == before
    assert Notification.objects.filter(recipient=world.people.member_other).count() == 0


def test_the_office_cannot_bulk_assign_to_another_countys_unit(world, registered):
    before = snapshot(*registered)
    response = phone(world.people.office).post(
        "/problems/bulk/",
        {"action": "assign", "unit": world.units.other_township.pk, "problem": [p.pk for p in registered]},
    )
    assert messages_of(response) == ["请选择问题和操作。"]
    assert snapshot(*registered) == before


# --- reassignment and extension -----------------------------------------------------------------
@pytest.fixture
def litter(world, prob):
    """暴露垃圾 (4 working hours) assigned to 县城管局 on Wednesday at 10:00: due at 16:00."""
    with time_machine.travel(WEDNESDAY, tick=False):
        return new_problem(world, unit=world.units.department, category=prob.litter, title="解放路暴露垃圾")


def office_step(world, action) -> tuple[dict, dict]:
    """What the office gives with ``action``: as a Step's fields, and as the page's form."""
    if action == Action.REASSIGN:
        return {"unit": world.units.township2}, {"unit": world.units.township2.pk}
    return {"deadline": at(11, 20, 17, 30)}, {"deadline": "2026-11-20T17:30"}


@pytest.mark.parametrize("action", [Action.REASSIGN, Action.EXTEND])
def test_only_the_office_reassigns_or_extends(world, litter, action):
    fields, _form = office_step(world, action)
    before = snapshot(litter)
    refusals = {}
    for person in (world.people.department, world.people.township, world.people.leader):
        with pytest.raises(actions.TransitionError) as refused:
            step(litter, action, person, now=at(11, 18, 11), note="不属于本单位职责", **fields)
        refusals[person.username] = refused.value.code
    # the unit and the leader see it but may not; 城关街道 does not even see it
    assert refusals == {"department": "forbidden", "township": "not_found", "leader": "forbidden"}
    assert snapshot(litter) == before


def test_the_unit_trying_to_reassign_on_the_page_is_refused(world, litter):
    before = snapshot(litter)
    response = phone(world.people.department).post(
        f"/problems/{litter.pk}/step/reassign/",
        {"unit": world.units.township2.pk, "note": "不属于本单位职责"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["您无权对该问题执行此操作。"]
    assert snapshot(litter) == before


@pytest.mark.parametrize("action", [Action.REASSIGN, Action.EXTEND])
def test_reassigning_or_extending_needs_a_reason(world, litter, action):
    fields, form = office_step(world, action)
    before = snapshot(litter)
    with pytest.raises(actions.TransitionError) as refused:
        step(litter, action, world.people.office, now=at(11, 18, 11), note="  ", **fields)
    assert (refused.value.code, refused.value.field) == ("invalid", "note")
    with time_machine.travel(at(11, 18, 11), tick=False):
        response = phone(world.people.office).post(
            f"/problems/{litter.pk}/step/{action}/", {**form, "note": ""}
        )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["note"]
    assert snapshot(litter) == before


def test_a_reassigned_problem_leaves_the_old_units_view_and_reaches_the_new_one_with_a_new_deadline(
    world, litter
):
    p, u = world.people, world.units
    # Thursday 09:00 the office passes it on: a fresh 4 working hours, due at 15:00
    with time_machine.travel(at(11, 19, 9), tick=False):
        response = phone(p.office).post(
            f"/problems/{litter.pk}/step/reassign/", {"unit": u.township2.pk, "note": "位于东城街道辖区"}
        )
        assert (response.status_code, response["Location"]) == (302, litter.get_absolute_url())
    litter.refresh_from_db()
    assert (litter.status, litter.responsible_unit, litter.deadline) == (
        ProblemStatus.ASSIGNED,
        u.township2,
        at(11, 19, 15),
    )
    event = litter.events.get(action=Action.REASSIGN)
    assert (event.from_unit, event.to_unit, event.old_deadline, event.new_deadline, event.note) == (
        u.department,
        u.township2,
        at(11, 18, 16),
        at(11, 19, 15),
        "位于东城街道辖区",
    )
    with time_machine.travel(at(11, 19, 10), tick=False):
        old = phone(p.department)
        assert old.get(litter.get_absolute_url()).status_code == 404
        assert litter.code not in old.get("/problems/inbox/").content.decode()
        new = phone(p.neighbour)
        assert new.get(litter.get_absolute_url()).status_code == 200
        inbox = new.get("/problems/inbox/").content.decode()
    assert litter.code in inbox and "2026-11-19 15:00" in inbox
    assert Notification.objects.filter(recipient=p.neighbour, kind="problem.assigned").count() == 1


# --- 举一反三 -----------------------------------------------------------------------------------
@pytest.fixture
def exposed(world, prob):
    """人民路 (a 主次干道) exposed by the media; 主次干道 points: 人民路 (县城管局), 东城公园 and
    东城广场 (东城街道), 住建工地 (县住建局, no staff accounts: its principal stands for it)."""
    world.units.department2.principal = world.people.member_department2
    world.units.department2.save()
    with time_machine.travel(WEDNESDAY, tick=False):
        return new_problem(
            world,
            unit=world.units.department,
            point=prob.pts.road_point,
            source=ProblemSource.MEDIA,
            title="人民路沿街垃圾成堆",
        )


def recheck(prob, mode, **extra) -> actions.Recheck:
    return actions.Recheck(
        point_type=extra.pop("point_type", prob.pts.road),
        period_start=datetime.date(2026, 12, 7),
        period_end=datetime.date(2026, 12, 18),
        mode=mode,
        **extra,
    )


def test_self_inspection_asks_each_unit_with_such_points_once_and_is_recorded(world, prob, exposed):
    with time_machine.travel(at(12, 1, 9), tick=False):
        asked = actions.launch_recheck(world.people.office, exposed, recheck(prob, "self"))
    assert asked == 3
    notices = Notification.objects.filter(kind="problem.self_check").order_by("recipient__username")
    title = "请自查：全部主次干道点位，2026-12-18 前完成"
    url = f"/points/?point_type={prob.pts.road.pk}"
    assert [(n.recipient.username, n.title, n.body, n.url) for n in notices] == [
        ("department", title, "针对“人民路沿街垃圾成堆”，请自查本单位该类型的 1 个点位：人民路", url),
        ("m_department2", title, "针对“人民路沿街垃圾成堆”，请自查本单位该类型的 1 个点位：住建工地", url),
        (
            "neighbour",
            title,
            "针对“人民路沿街垃圾成堆”，请自查本单位该类型的 2 个点位：东城公园、东城广场",
            url,
        ),
    ]
    event = exposed.events.get(action=Action.COMMENT)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        world.people.office,
        ProblemStatus.ASSIGNED,
        ProblemStatus.ASSIGNED,
        "举一反三：已要求 3 个单位自查全部 4 个主次干道点位，2026-12-18 前完成。",
    )
    assert Plan.objects.count() == 0


def test_no_self_inspection_is_asked_while_the_covert_finding_is_secret(world, prob, exposed):
    Problem.objects.filter(pk=exposed.pk).update(embargo_until=datetime.date(2026, 12, 31))
    exposed.refresh_from_db()
    with time_machine.travel(at(12, 1, 9), tick=False), pytest.raises(actions.TransitionError) as refused:
        actions.launch_recheck(world.people.office, exposed, recheck(prob, "self"))
    assert (refused.value.code, refused.value.field) == ("forbidden", "mode")
    assert "2026-12-31" in refused.value.message
    assert not Notification.objects.filter(kind="problem.self_check").exists()
    assert not exposed.events.filter(action=Action.COMMENT).exists()


def test_a_recheck_draws_a_recheck_plan_over_every_active_point_of_the_type(world, insp, prob, exposed):  # noqa: F811
    pts = prob.pts
    with time_machine.travel(at(12, 1, 9), tick=False):
        plan = actions.launch_recheck(
            world.people.office,
            exposed,
            recheck(prob, "recheck", inspector_ids=[i.pk for i in insp.inspectors]),
        )
    assert (plan.kind, plan.name, plan.is_covert, plan.area) == (
        PlanKind.RECHECK,
        f"举一反三：主次干道（{exposed.code}）",
        True,
        world.units.county,
    )
    assert plan.filters["point_types"] == [pts.road.pk]
    assert plan.notes == f"因问题 {exposed.code}：人民路沿街垃圾成堆"
    visited = set(plan.assignments.values_list("point__code", flat=True))
    assert visited == {"P-ROAD", "P-PARK", "P-SITE", "P-SQUARE"}
    assert all(
        datetime.date(2026, 12, 7) <= day <= datetime.date(2026, 12, 18)
        for day in plan.assignments.values_list("day", flat=True)
    )
    event = exposed.events.get(action=Action.COMMENT)
    assert event.note == (f"举一反三：回头看计划“{plan.name}”，4 个主次干道点位，2026-12-07 至 2026-12-18。")
    # a re-check is covert: the units are not told
    assert Notification.objects.filter(kind="problem.self_check").count() == 0


def test_only_the_office_launches_a_check_of_all_such_points(world, prob, exposed):
    history = list(exposed.events.values_list("pk", flat=True))
    notices = Notification.objects.count()
    for person in (world.people.department, world.people.leader):
        with pytest.raises(actions.TransitionError) as refused:
            actions.launch_recheck(person, exposed, recheck(prob, "self"))
        assert refused.value.code == "forbidden"
        response = phone(person).post(
            f"/problems/{exposed.pk}/recheck/",
            {
                "point_type": prob.pts.road.pk,
                "period_start": "2026-12-07",
                "period_end": "2026-12-18",
                "mode": "self",
            },
        )
        assert response.status_code == 403
    assert list(exposed.events.values_list("pk", flat=True)) == history
    assert Notification.objects.count() == notices


def test_a_point_type_without_active_points_is_refused(world, prob, exposed):
    squares = PointTypeFactory(area=world.units.county, code="GCLD", name="广场绿地", sort_order=9)
    history = list(exposed.events.values_list("pk", flat=True))
    notices = Notification.objects.count()
    with pytest.raises(actions.TransitionError) as refused:
        actions.launch_recheck(world.people.office, exposed, recheck(prob, "self", point_type=squares))
    assert refused.value.field == "point_type"
    response = phone(world.people.office).post(
        f"/problems/{exposed.pk}/recheck/",
        {"point_type": squares.pk, "period_start": "2026-12-07", "period_end": "2026-12-18", "mode": "self"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["point_type"]
    assert list(exposed.events.values_list("pk", flat=True)) == history
    assert Notification.objects.count() == notices
    assert Plan.objects.count() == 0


# --- a leader's instruction -----------------------------------------------------------------------
def test_a_leaders_instruction_without_the_leader_is_refused(world, prob):
    form = {
        "source": ProblemSource.LEADER,
        "source_detail": "周一调度会交办",
        "title": "背街小巷卫生死角",
        "severity": "general",
        "address": "后街",
    }
    response = phone(world.people.office).post("/problems/new/", form)
    assert response.status_code == 400
    assert response.context["form"].errors["instructed_by"] == ["请填写交办领导。"]
    assert Problem.objects.count() == 0
    # the rule holds in the action too (the API and imports call it)
    data = actions.NewProblem(
        area=world.units.county, source=ProblemSource.LEADER, title="背街小巷卫生死角", address="后街"
    )
    with pytest.raises(actions.TransitionError) as refused:
        actions.create_problem(world.people.office, data)
    assert refused.value.field == "instructed_by"
    assert Problem.objects.count() == 0

    # named, it is recorded with the leader
    response = phone(world.people.office).post(
        "/problems/new/", {**form, "instructed_by": world.people.leader.pk}
    )
    problem = Problem.objects.get()
    assert (response.status_code, response["Location"]) == (302, problem.get_absolute_url())
    assert (problem.source, problem.instructed_by, problem.status) == (
        ProblemSource.LEADER,
        world.people.leader,
        ProblemStatus.REGISTERED,
    )
    assert list(ProblemEvent.objects.filter(problem=problem).values_list("action", flat=True)) == ["create"]


@pytest.mark.parametrize("bad", ["²", "9" * 5000, "1" * 23, "-1", "1.5"])
def test_bulk_ignores_what_is_not_a_problem_id(world, registered, bad):
    client = Client()
    client.force_login(world.people.office)
    response = client.post("/problems/bulk/", {"problem": [bad], "action": "register"})
    assert response.status_code == 302  # back to the list with "choose the problems", no 500
    assert ProblemEvent.objects.filter(action__in=["register", "assign"]).count() == 0
