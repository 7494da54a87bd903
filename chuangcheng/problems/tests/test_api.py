"""The problems API: each reader sees only what ``visible_to`` allows (a unit its own problems,
nobody but the office a covert finding under embargo, nobody ever the inspector); steps go
through the same actions as the pages, with refusals as {detail, code, field} and the status
of the refusal; nothing changes when a step is refused."""

import datetime
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext

from chuangcheng.inspections import actions as inspection_actions
from chuangcheng.inspections.tests.conftest import insp, new_key, plan_input  # noqa: F401  (insp: fixture)
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory
from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.models import Problem, ProblemEvent, ProblemPhoto
from chuangcheng.problems.tests.conftest import WEDNESDAY, jpeg, new_problem, step

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
BASE = "/api/problems/problems/"
CATEGORIES = "/api/problems/categories/"


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


@pytest.fixture
def wednesday():
    """Every test of the loop runs at 10:00 on a working Wednesday (the clock stands still)."""
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


def as_user(client, user):
    client.logout()  # a fresh session: the idle timeout counts from the (travelled) now
    client.force_login(user)
    return client


def url(problem, suffix=""):
    return f"{BASE}{problem.pk}/{suffix}"


def post_json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def snapshot(problem):
    """What a refused step must leave as it was."""
    fresh = Problem.objects.get(pk=problem.pk)
    return (
        fresh.status,
        fresh.responsible_unit_id,
        fresh.deadline,
        fresh.rework_count,
        ProblemEvent.objects.filter(problem=problem).count(),
        ProblemPhoto.objects.filter(problem=problem).count(),
    )


def assigned_to_department(world, prob):
    return new_problem(world, unit=world.units.department, category=prob.litter, title="人民路暴露垃圾")


def submitted_by_department(world, prob):
    problem = assigned_to_department(world, prob)
    step(problem, Action.ACCEPT, world.people.department)
    step(problem, Action.SUBMIT, world.people.department, note="已清理", photos=[jpeg()])
    return problem


# --- reading ---------------------------------------------------------------------------------------
def test_a_unit_lists_only_its_own_problems(world, prob, client, wednesday):
    own = assigned_to_department(world, prob)
    neighbours = new_problem(world, unit=world.units.township2, title="东城公园垃圾")
    unassigned = new_problem(world, title="尚未交办")

    listed = as_user(client, world.people.department).get(BASE)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert row["id"] == own.pk
    assert row["code"] == own.code
    assert row["title"] == "人民路暴露垃圾"
    assert row["status"] == "assigned"
    assert row["responsible_unit"] == world.units.department.pk
    assert row["responsible_unit_name"] == "县城管局"
    assert row["category"] == prob.litter.pk
    assert row["category_name"] == "市容环境 › 暴露垃圾"
    assert row["deadline"] == "2026-11-18T16:00:00+08:00"
    assert row["light"] == "green"
    assert row["is_overdue"] is False
    assert row["page_url"] == f"http://testserver/problems/{own.pk}/"

    assert ids(as_user(client, world.people.neighbour).get(BASE)) == {neighbours.pk}
    assert ids(as_user(client, world.people.office).get(BASE)) == {own.pk, neighbours.pk, unassigned.pk}
    assert ids(as_user(client, world.people.outsider).get(BASE)) == set()


def test_past_its_deadline_a_problem_is_red_and_overdue(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    wednesday.move_to(datetime.datetime(2026, 11, 18, 16, 30, tzinfo=TZ))
    c = as_user(client, world.people.department)
    row = c.get(BASE).json()["results"][0]
    assert (row["light"], row["is_overdue"]) == ("red", True)
    assert ids(c.get(BASE, {"overdue": "true"})) == {problem.pk}
    assert ids(c.get(BASE, {"light": "green"})) == set()


def test_the_list_filters_with_the_problems_page_filters(world, prob, client, wednesday):
    department = assigned_to_department(world, prob)
    township = new_problem(world, unit=world.units.community, title="西门菜市场占道")
    registered = new_problem(world, title="尚未交办")
    c = as_user(client, world.people.office)
    assert ids(c.get(BASE, {"status": "registered"})) == {registered.pk}
    assert ids(c.get(BASE, {"status": ["assigned", "registered"]})) == {
        department.pk,
        township.pk,
        registered.pk,
    }
    assert ids(c.get(BASE, {"responsible_unit": world.units.community.pk})) == {township.pk}
    assert ids(c.get(BASE, {"q": department.code})) == {department.pk}
    assert ids(c.get(BASE, {"category": prob.litter.pk})) == {department.pk}
    # a unit cannot filter by a unit it never sees on its problems
    response = as_user(client, world.people.department).get(
        BASE, {"responsible_unit": world.units.community.pk}
    )
    assert response.status_code == 400


def test_the_list_costs_the_same_queries_for_one_problem_or_many(
    world, prob, client, wednesday, django_assert_num_queries
):
    assigned_to_department(world, prob)
    c = as_user(client, world.people.department)
    c.get(BASE)
    with django_assert_num_queries(6):
        assert c.get(BASE).json()["count"] == 1
    for n in range(12):
        new_problem(world, unit=world.units.department, category=prob.shack, title=f"私搭乱建{n}")
    with django_assert_num_queries(6):
        assert c.get(BASE).json()["count"] == 13


def test_the_detail_has_history_photos_light_and_the_steps_the_reader_may_take(
    world, prob, client, wednesday
):
    problem = assigned_to_department(world, prob)
    c = as_user(client, world.people.department)
    data = c.get(url(problem)).json()
    assert data["status"] == "assigned"
    assert data["light"] == "green"
    assert data["is_overdue"] is False
    assert data["time_limit_text"] == "4 " + str(prob.litter.get_time_unit_display())
    assert data["allowed_actions"] == ["accept", "return", "comment"]
    assert [(e["action"], e["from_status"], e["to_status"], e["actor_name"]) for e in data["events"]] == [
        ("create", "", "registered", "办公室干部"),
        ("assign", "registered", "assigned", "办公室干部"),
    ]
    assert data["events"][1]["to_unit_name"] == "县城管局"
    assert data["photos"] == []
    assert data["embargo_until"] is None
    assert data["inspection"] is None
    assert data["rebound_of"] is None
    # the office reads the same problem with the office's steps
    office = as_user(client, world.people.office).get(url(problem)).json()
    assert office["allowed_actions"] == ["reassign", "extend", "comment"]


def test_another_units_problem_is_404_and_a_step_on_it_changes_nothing(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    before = snapshot(problem)
    for who in ("neighbour", "township", "pointleader", "outsider", "nobody"):
        c = as_user(client, getattr(world.people, who))
        detail = c.get(url(problem))
        assert detail.status_code == 404, who
        assert detail.json() == {"detail": gettext("No such problem."), "code": "not_found", "field": None}
        refused = post_json(c, url(problem, "transition/"), {"action": "accept"})
        assert refused.status_code == 404, who
        assert refused.json()["code"] == "not_found"
        assert "人民路暴露垃圾" not in detail.content.decode() + refused.content.decode()
    assert snapshot(problem) == before


def test_an_unknown_id_is_404_like_another_units(world, prob, client, wednesday):
    c = as_user(client, world.people.office)
    assert c.get(f"{BASE}999999999/").status_code == 404
    assert post_json(c, f"{BASE}999999999/transition/", {"action": "register"}).status_code == 404
    assert c.get(f"{BASE}abc/").status_code == 404


def test_a_rebound_names_the_earlier_problem_only_to_those_who_may_see_it(world, prob, client, wednesday):
    point, item = prob.pts.gate, prob.pts.item
    first = new_problem(world, unit=world.units.community, point=point, check_item=item)
    step(first, Action.ACCEPT, world.people.pointleader)
    step(first, Action.SUBMIT, world.people.pointleader, photos=[jpeg()])
    step(first, Action.APPROVE, world.people.office)
    again = new_problem(world, unit=world.units.department, point=point, check_item=item)

    office = as_user(client, world.people.office).get(url(again)).json()
    assert office["is_rebound"] is True
    assert office["rebound_of"] == {"id": first.pk, "code": first.code}
    assert as_user(client, world.people.office).get(url(first)).json()["rebounds"] == [
        {"id": again.pk, "code": again.code}
    ]
    department = as_user(client, world.people.department).get(url(again)).json()
    assert department["is_rebound"] is True
    assert department["rebound_of"] is None
    assert first.code not in json.dumps(department)


def test_unauthenticated_requests_are_refused(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    before = snapshot(problem)
    assert client.get(BASE).status_code == 403
    assert client.get(url(problem)).status_code == 403
    assert client.get(CATEGORIES).status_code == 403
    assert post_json(client, url(problem, "transition/"), {"action": "accept"}).status_code == 403
    assert post_json(client, BASE, {"source": "media", "title": "x", "address": "y"}).status_code == 403
    assert snapshot(problem) == before
    assert Problem.objects.count() == 1


# --- steps -----------------------------------------------------------------------------------------
def test_a_unit_accepts_then_submits_its_fix_with_a_photo(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    c = as_user(client, world.people.department)

    accepted = post_json(c, url(problem, "transition/"), {"action": "accept"})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "rectifying"
    assert accepted.json()["allowed_actions"] == ["submit", "comment"]

    submitted = c.post(
        url(problem, "transition/"), {"action": "submit", "note": "已清理", "photos": [jpeg()]}
    )
    assert submitted.status_code == 200
    data = submitted.json()
    assert data["status"] == "submitted"
    assert data["allowed_actions"] == ["comment"]
    photo = ProblemPhoto.objects.get(problem=problem)
    assert photo.kind == "after"
    event = ProblemEvent.objects.get(problem=problem, action=Action.SUBMIT)
    assert data["photos"] == [
        {
            "id": photo.pk,
            "kind": "after",
            "event": event.pk,
            "width": 64,
            "height": 48,
            "taken_at": None,
            "display_url": "http://testserver" + reverse("problems:photo", args=[photo.pk, "display"]),
            "thumbnail_url": "http://testserver" + reverse("problems:photo", args=[photo.pk, "thumb"]),
        }
    ]
    assert [e["action"] for e in data["events"]] == ["create", "assign", "accept", "submit"]
    assert data["events"][-1]["note"] == "已清理"
    assert data["events"][-1]["actor_name"] == "城管干部"
    assert data["events"][-1]["stage"] == "rectification"
    assert data["events"][-1]["on_time"] is True
    fresh = Problem.objects.get(pk=problem.pk)
    assert (fresh.status, fresh.submitted_at) == (ProblemStatus.SUBMITTED, WEDNESDAY)
    assert c.get(data["photos"][0]["display_url"]).status_code == 200


def test_submitting_a_file_that_is_not_an_image_is_400_photos_and_changes_nothing(
    world, prob, client, wednesday
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    problem = assigned_to_department(world, prob)
    step(problem, Action.ACCEPT, world.people.department)
    before = snapshot(problem)
    fake = SimpleUploadedFile("fix.jpg", b"not an image", content_type="image/jpeg")
    c = as_user(client, world.people.department)
    refused = c.post(url(problem, "transition/"), {"action": "submit", "note": "已清理", "photos": [fake]})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert refused.json()["field"] == "photos"
    assert refused.json()["detail"]
    assert snapshot(problem) == before
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RECTIFYING


def test_submitting_without_a_photo_is_400_photos(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    step(problem, Action.ACCEPT, world.people.department)
    before = snapshot(problem)
    refused = post_json(
        as_user(client, world.people.department),
        url(problem, "transition/"),
        {"action": "submit", "note": "已清理"},
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": gettext("Add at least one photo of the fix."),
        "code": "invalid",
        "field": "photos",
    }
    assert snapshot(problem) == before


def test_the_office_approves_a_submitted_fix(world, prob, client, wednesday):
    problem = submitted_by_department(world, prob)
    approved = post_json(
        as_user(client, world.people.office),
        url(problem, "transition/"),
        {"action": "approve", "note": "复核通过"},
    )
    assert approved.status_code == 200
    data = approved.json()
    assert data["status"] == "closed"
    assert data["closed_at"] == "2026-11-18T10:00:00+08:00"
    assert data["light"] == "none"
    assert data["allowed_actions"] == []
    assert data["events"][-1]["action"] == "approve"
    assert data["events"][-1]["actor_name"] == "办公室干部"
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLOSED


def test_the_unit_cannot_approve_its_own_problem(world, prob, client, wednesday):
    problem = submitted_by_department(world, prob)
    before = snapshot(problem)
    refused = post_json(
        as_user(client, world.people.department), url(problem, "transition/"), {"action": "approve"}
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": gettext("You may not take this step on this problem."),
        "code": "forbidden",
        "field": None,
    }
    assert snapshot(problem) == before


def test_the_submitter_of_a_fix_cannot_approve_it(world, prob, client, wednesday):
    office = world.people.office
    RoleAssignmentFactory(user=office, unit=world.units.department, role=Role.UNIT_STAFF)
    problem = assigned_to_department(world, prob)
    c = as_user(client, office)
    assert post_json(c, url(problem, "transition/"), {"action": "accept"}).status_code == 200
    submitted = c.post(url(problem, "transition/"), {"action": "submit", "photos": [jpeg()]})
    assert submitted.status_code == 200
    # approve and send_back are not offered to the person who submitted the fix
    assert submitted.json()["allowed_actions"] == ["extend", "comment"]
    before = snapshot(problem)
    refused = post_json(c, url(problem, "transition/"), {"action": "approve"})
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": gettext("You submitted this fix; someone else must verify it."),
        "code": "same_person",
        "field": None,
    }
    assert snapshot(problem) == before


def test_a_step_not_allowed_from_the_state_is_409(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    before = snapshot(problem)
    refused = post_json(
        as_user(client, world.people.office), url(problem, "transition/"), {"action": "approve"}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "state"
    assert refused.json()["field"] is None
    assert snapshot(problem) == before
    # the second of two clerks finds the problem already moved on
    problem = submitted_by_department(world, prob)
    c = as_user(client, world.people.office)
    assert post_json(c, url(problem, "transition/"), {"action": "approve"}).status_code == 200
    assert post_json(c, url(problem, "transition/"), {"action": "approve"}).status_code == 409
    assert ProblemEvent.objects.filter(problem=problem, action=Action.APPROVE).count() == 1


@pytest.mark.parametrize("action", ["destroy", "create", ""])
def test_an_unknown_step_or_create_is_400_action(world, prob, client, wednesday, action):
    problem = assigned_to_department(world, prob)
    before = snapshot(problem)
    refused = post_json(as_user(client, world.people.office), url(problem, "transition/"), {"action": action})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert refused.json()["field"] == "action"
    assert snapshot(problem) == before


def test_a_step_that_needs_a_reason_without_one_is_400_note(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    before = snapshot(problem)
    refused = post_json(
        as_user(client, world.people.department), url(problem, "transition/"), {"action": "return"}
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "note"
    assert snapshot(problem) == before


def test_a_unit_returning_a_problem_sees_how_it_left_it_and_then_no_more(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    c = as_user(client, world.people.department)
    returned = post_json(c, url(problem, "transition/"), {"action": "return", "note": "不属于我局职责"})
    assert returned.status_code == 200
    assert returned.json()["status"] == "registered"
    assert returned.json()["responsible_unit"] is None
    assert returned.json()["allowed_actions"] == []
    assert returned.json()["events"][-1]["note"] == "不属于我局职责"
    assert c.get(url(problem)).status_code == 404
    assert ids(c.get(BASE)) == set()
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.REGISTERED


def test_the_office_assigns_with_a_deadline(world, prob, client, wednesday):
    problem = new_problem(world, title="尚未交办")
    assigned = post_json(
        as_user(client, world.people.office),
        url(problem, "transition/"),
        {"action": "assign", "unit": world.units.department2.pk, "deadline": "2026-11-25T17:00:00+08:00"},
    )
    assert assigned.status_code == 200
    assert assigned.json()["status"] == "assigned"
    assert assigned.json()["responsible_unit_name"] == "县住建局"
    assert assigned.json()["deadline"] == "2026-11-25T17:00:00+08:00"
    fresh = Problem.objects.get(pk=problem.pk)
    assert fresh.responsible_unit_id == world.units.department2.pk
    assert fresh.deadline == datetime.datetime(2026, 11, 25, 17, 0, tzinfo=TZ)


@pytest.mark.parametrize("where", ["other_county", "missing", "none"])
def test_assigning_to_a_unit_outside_the_area_is_400_unit(world, prob, client, wednesday, where):
    problem = new_problem(world, title="尚未交办")
    before = snapshot(problem)
    unit = {"other_county": world.units.other_township.pk, "missing": 999999999, "none": None}[where]
    refused = post_json(
        as_user(client, world.people.office), url(problem, "transition/"), {"action": "assign", "unit": unit}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert refused.json()["field"] == "unit"
    assert "石桥镇" not in refused.content.decode()
    assert snapshot(problem) == before
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.REGISTERED


def test_an_extension_into_the_past_is_400_deadline(world, prob, client, wednesday):
    problem = assigned_to_department(world, prob)
    before = snapshot(problem)
    refused = post_json(
        as_user(client, world.people.office),
        url(problem, "transition/"),
        {"action": "extend", "note": "延期", "deadline": "2026-11-01T10:00:00+08:00"},
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "deadline"
    assert snapshot(problem) == before


# --- recording -------------------------------------------------------------------------------------
def test_the_office_records_a_problem_as_json(world, prob, client, wednesday):
    c = as_user(client, world.people.office)
    created = post_json(
        c,
        BASE,
        {
            "source": "media",
            "source_detail": "《阳光问廉》第12期",
            "title": "人民路乱堆放",
            "category": prob.shack.pk,
            "point": prob.pts.road_point.pk,
            "severity": "major",
        },
    )
    assert created.status_code == 201
    data = created.json()
    problem = Problem.objects.get(pk=data["id"])
    assert (problem.status, problem.source, problem.title) == ("registered", "media", "人民路乱堆放")
    assert (problem.category_id, problem.point_id, problem.severity) == (
        prob.shack.pk,
        prob.pts.road_point.pk,
        "major",
    )
    assert problem.area_id == world.units.county.pk
    assert problem.reported_by_id == world.people.office.pk
    assert data["status"] == "registered"
    assert data["source_detail"] == "《阳光问廉》第12期"
    assert data["point_code"] == "P-ROAD"
    assert data["allowed_actions"] == ["reject", "assign", "comment"]
    assert [e["action"] for e in data["events"]] == ["create"]


def test_the_office_records_and_assigns_a_problem_with_photos(world, prob, client, wednesday):
    c = as_user(client, world.people.office)
    created = c.post(
        BASE,
        {
            "source": "other",
            "title": "东城公园垃圾",
            "address": "东城公园北门",
            "unit": world.units.township2.pk,
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "assigned"
    assert data["responsible_unit_name"] == "东城街道"
    assert [p["kind"] for p in data["photos"]] == ["before", "before"]
    assert ProblemPhoto.objects.filter(problem_id=data["id"], kind="before").count() == 2
    # and the unit sees it in its list
    assert ids(as_user(client, world.people.neighbour).get(BASE)) == {data["id"]}


@pytest.mark.parametrize("who", ["department", "township", "leader", "oversight", "inspector", "nobody"])
def test_only_the_office_records_problems(world, prob, client, wednesday, who):
    refused = post_json(
        as_user(client, getattr(world.people, who)),
        BASE,
        {"source": "media", "title": "人民路乱堆放", "address": "人民路"},
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert Problem.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit", "other_township"),
        ("unit", 999999999),
        ("point", "other_point"),
        ("category", 999999999),
        ("deadline", "2026-11-01T10:00:00+08:00"),
    ],
)
def test_a_bad_reference_records_nothing(world, prob, client, wednesday, field, value):
    from chuangcheng.points.models import Point

    data = {
        "source": "media",
        "title": "人民路乱堆放",
        "address": "人民路",
        "unit": world.units.department.pk,
    }
    if value == "other_township":
        value = world.units.other_township.pk
    elif value == "other_point":
        value = Point.objects.get(code="P-OTHER").pk
    data[field] = value
    refused = post_json(as_user(client, world.people.office), BASE, data)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert refused.json()["field"] == field
    assert Problem.objects.count() == 0


def test_recording_without_a_place_is_400_address(world, prob, client, wednesday):
    refused = post_json(as_user(client, world.people.office), BASE, {"source": "media", "title": "无地点"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "address"
    assert Problem.objects.count() == 0


# --- the catalogue ---------------------------------------------------------------------------------
def test_the_catalogue_shows_parents_time_limits_and_responsible_units(world, prob, client):
    rows = as_user(client, world.people.township).get(CATEGORIES).json()["results"]
    assert [
        (r["code"], r["parent_name"], r["time_limit"], r["time_unit"], r["responsible_unit_name"])
        for r in rows
    ] == [
        ("SR", None, None, "work_days", None),
        ("SR-01", "市容环境", 4, "work_hours", "县城管局"),
        ("SR-02", "市容环境", 20, "work_days", None),
    ]
    assert rows[1]["parent"] == prob.big.pk
    assert rows[1]["area_name"] == "示范县"
    assert ids(as_user(client, world.people.outsider).get(CATEGORIES)) == set()
    assert as_user(client, world.people.outsider).get(f"{CATEGORIES}{prob.litter.pk}/").status_code == 404


# --- covert findings -------------------------------------------------------------------------------
@pytest.fixture
def covert_finding(world, insp):  # noqa: F811
    """A covert inspection of 西门菜市场 (responsible 西门社区 under 城关街道) fails one item."""
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=TZ)):
        plan = inspection_actions.create_plan(world.people.office, plan_input(world, insp))
    gate = plan.assignments.select_related("inspector").get(point=insp.pts.gate)
    answers = [
        inspection_actions.Answer(insp.pts.item.pk, outcome="pass"),
        inspection_actions.Answer(insp.scale_item.pk, outcome="pass", violations=0),
        inspection_actions.Answer(insp.plain_item.pk, outcome="fail", note="无公益广告"),
    ]
    with time_machine.travel(gate.window_start + datetime.timedelta(minutes=20)):
        inspection, _created = inspection_actions.submit(
            gate.inspector, inspection_actions.Submission(new_key(), answers, assignment_id=gate.pk)
        )
    problem = Problem.objects.get(inspection=inspection)
    return problem, inspection, gate


def _inspector_traces(insp, gate):  # noqa: F811
    people = [*insp.inspectors, gate.inspector]
    return {p.full_name for p in people} | {p.username for p in people}


def test_a_covert_finding_is_hidden_from_the_unit_until_its_embargo_ends(world, insp, client, covert_finding):  # noqa: F811
    problem, inspection, gate = covert_finding
    assert problem.embargo_until is not None
    during = gate.window_start + datetime.timedelta(hours=2)
    after = datetime.datetime.combine(
        problem.embargo_until + datetime.timedelta(days=1), datetime.time(10, 0), tzinfo=TZ
    )
    traces = _inspector_traces(insp, gate)
    with time_machine.travel(during):
        for who in ("township", "pointleader", "neighbour", "department", "leader", "oversight"):
            c = as_user(client, getattr(world.people, who))
            assert problem.pk not in ids(c.get(BASE)), who
            assert c.get(url(problem)).status_code == 404, who
            refused = post_json(c, url(problem, "transition/"), {"action": "accept"})
            assert refused.status_code == 404, who
        assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.ASSIGNED

        office = as_user(client, world.people.office)
        assert problem.pk in ids(office.get(BASE))
        data = office.get(url(problem)).json()
        assert data["embargo_until"] == problem.embargo_until.isoformat()
        assert data["inspection"] == inspection.pk
        assert data["events"][0]["actor"] is None
        assert data["events"][0]["actor_name"] == gettext("System (from the inspection)")
        body = json.dumps(data, ensure_ascii=False)
        assert not any(trace in body for trace in traces)

    with time_machine.travel(after):
        c = as_user(client, world.people.township)
        assert ids(c.get(BASE)) == {problem.pk}
        response = c.get(url(problem))
        assert response.status_code == 200
        data = response.json()
        assert data["title"] == "公益广告"
        assert data["embargo_until"] is None  # the office's to know
        assert data["events"][0]["actor"] is None
        assert data["allowed_actions"] == ["accept", "return", "comment"]
        body = response.content.decode() + c.get(BASE).content.decode()
        assert not any(trace in body for trace in traces)
        assert "inspector" not in json.dumps(list(data))


# --- the schema ------------------------------------------------------------------------------------
def test_the_schema_lists_the_problems_endpoints_without_warnings(tmp_path, db):
    import yaml

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    assert {
        "/api/problems/problems/",
        "/api/problems/problems/{id}/",
        "/api/problems/problems/{id}/transition/",
        "/api/problems/categories/",
        "/api/problems/categories/{id}/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/problems/problems/"]["get"]["parameters"]}
    assert {"q", "status", "responsible_unit", "overdue", "light", "limit", "offset"} <= parameters
    assert set(paths["/api/problems/problems/"]) == {"get", "post"}
