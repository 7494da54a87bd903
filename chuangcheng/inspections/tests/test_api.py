"""The inspections API: plans for the office (and, as the pages, what ``visible_to`` allows
others), the inspector's own assignments, idempotent multipart submission, results without the
inspector's identity — tried by every persona against every endpoint of an open covert plan."""

import datetime
import io
import json
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from chuangcheng.inspections import actions
from chuangcheng.inspections.choices import AssignmentStatus
from chuangcheng.inspections.models import Inspection, Plan, inspector_code
from chuangcheng.inspections.tests.conftest import (
    answers_all_pass,
    jpeg_upload,
    month_rules,
    new_key,
    plan_input,
)

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
CREATED = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
AFTER = datetime.datetime(2027, 1, 3, 10, 0, tzinfo=TZ)
BASE = "/api/inspections/"
PLAN_NAME = "十二月暗访计划"

# who manages 示范县's inspections: its office, and the city office above the county
MANAGERS = {"office", "city"}
PERSONAS = [
    "office",
    "city",
    "leader",
    "oversight",
    "township",
    "neighbour",
    "department",
    "pointleader",
    "inspector",
    "inspector2",
    "inspector3",
    "outsider",
    "nobody",
]


@pytest.fixture
def covert(world, insp):
    with time_machine.travel(CREATED):
        plan = actions.create_plan(world.people.office, plan_input(world, insp, name=PLAN_NAME))
    gate = plan.assignments.select_related("inspector").get(point=insp.pts.gate)
    return plan, gate


def market_items(insp):
    return [insp.pts.item, insp.scale_item, insp.plain_item]


def answers_json(items, fail=()):
    rows = []
    for item in items:
        row = {"item": item.pk, "outcome": "fail" if item in fail else "pass"}
        if item.scoring_mode == "status_scale":
            row["violations"] = 0
        rows.append(row)
    return json.dumps(rows)


def as_user(client, user):
    client.logout()  # a fresh session: the idle timeout counts from the (travelled) now
    client.force_login(user)
    return client


def person(world, name):
    return getattr(world.people, name)


def ids(response):
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return {row["id"] for row in rows}


def in_window(assignment, minutes=20):
    return assignment.window_start + datetime.timedelta(minutes=minutes)


# --- secrecy: every persona against every endpoint -------------------------------------------------
def test_before_its_windows_only_the_office_and_the_city_office_know_the_plan(world, insp, covert, client):
    plan, _gate = covert
    with time_machine.travel(CREATED + datetime.timedelta(hours=1)):
        for name in PERSONAS:
            c = as_user(client, person(world, name))
            listed = c.get(f"{BASE}plans/")
            detail = c.get(f"{BASE}plans/{plan.pk}/")
            assignments = c.get(f"{BASE}plans/{plan.pk}/assignments/")
            verify = c.get(f"{BASE}plans/{plan.pk}/verify/")
            mine = c.get(f"{BASE}assignments/mine/")
            if name in MANAGERS:
                assert ids(listed) == {plan.pk}, name
                assert detail.status_code == 200 and detail.json()["assignment_count"] == 5, name
                assert len(assignments.json()) == 5, name
                assert verify.json()["ok"] is False, name  # not revealed yet
            else:
                assert listed.status_code == 200 and ids(listed) == set(), name
                assert detail.status_code == assignments.status_code == verify.status_code == 404, name
                for response in (detail, assignments, verify):
                    assert PLAN_NAME not in response.content.decode(), name
            assert mine.status_code == 200 and ids(mine) == set(), name


def test_while_it_runs_the_inspector_sees_only_their_open_assignments(world, insp, covert, client):
    plan, gate = covert
    now = in_window(gate)
    with time_machine.travel(now):
        for name in PERSONAS:
            user = person(world, name)
            c = as_user(client, user)
            opened = {a.pk for a in plan.assignments.all() if a.is_for(user) and a.window_start <= now}
            assert ids(c.get(f"{BASE}assignments/mine/")) == opened, name
            listed = c.get(f"{BASE}plans/")
            if name in MANAGERS:
                assert ids(listed) == {plan.pk}
            else:
                # an inspector knows their open assignments (above), not the plan while it runs
                assert ids(listed) == set(), name
                assert c.get(f"{BASE}plans/{plan.pk}/").status_code == 404, name
    assert gate.pk in {
        a.pk for a in plan.assignments.all() if a.is_for(gate.inspector) and a.window_start <= now
    }


def test_my_assignment_carries_what_the_phone_needs(world, insp, covert, client):
    _plan, gate = covert
    with time_machine.travel(in_window(gate)):
        rows = as_user(client, gate.inspector).get(f"{BASE}assignments/mine/").json()["results"]
    row = next(r for r in rows if r["id"] == gate.pk)
    gate_point = insp.pts.gate
    assert row["point"] == gate_point.pk and row["point_name"] == "西门菜市场"
    assert row["address"] == gate_point.address
    assert row["latitude"] == pytest.approx(float(gate_point.latitude))
    assert row["plan_kind"] == "covert" and row["status"] == "pending"
    assert row["point_type"] == insp.pts.market.pk
    assert row["check_items"] == [i.pk for i in market_items(insp)]  # checklist order
    assert row["window_start"].startswith(gate.window_start.astimezone(TZ).isoformat()[:16])
    assert row["inspection"] is None


def test_plan_never_carries_the_seed_until_revealed(world, insp, covert, client):
    plan, _gate = covert
    with time_machine.travel(CREATED):
        body = as_user(client, world.people.office).get(f"{BASE}plans/{plan.pk}/")
    data = body.json()
    assert plan.seed not in body.content.decode()
    assert "seed" not in data and data["revealed_seed"] == ""
    assert data["seed_commitment"] == plan.seed_commitment
    assert data["inputs_digest"] == plan.inputs_digest


# --- creating and cancelling plans ---------------------------------------------------------------
def plan_body(world, insp, **extra):
    body = {
        "name": "一月暗访",
        "kind": "covert",
        "period_start": "2027-01-01",
        "period_end": "2027-01-31",
        "inspector_ids": [i.pk for i in insp.inspectors],
    }
    body.update(extra)
    return body


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_office_creates_a_plan_with_flattened_or_nested_rules(world, insp, client):
    c = as_user(client, world.people.office)
    flat = post_json(c, f"{BASE}plans/", plan_body(world, insp, visits_per_point=2, day_parts=["morning"]))
    assert flat.status_code == 201, flat.json()
    data = flat.json()
    plan = Plan.objects.get(pk=data["id"])
    assert data["assignment_count"] == 10 and plan.assignments.count() == 10  # 5 county points × 2
    assert data["seed_commitment"] == plan.seed_commitment and data["revealed_seed"] == ""
    assert plan.area == world.units.county  # the office's own area by default
    assert plan.rules["day_parts"] == ["morning"]
    assert plan.rules["date_ranges"] == [["2027-01-01", "2027-01-31"]]
    nested = post_json(
        c, f"{BASE}plans/", plan_body(world, insp, name="一月暗访二", rules={"visits_per_point": 2})
    )
    assert nested.status_code == 201 and nested.json()["assignment_count"] == 10
    clash = post_json(
        c,
        f"{BASE}plans/",
        plan_body(world, insp, name="x", visits_per_point=1, rules={"visits_per_point": 2}),
    )
    assert clash.status_code == 400 and set(clash.json()) == {"rules"}
    assert "visits_per_point" in clash.json()["rules"][0]
    assert Plan.objects.count() == 2


def test_only_the_office_creates_plans(world, insp, client):
    for name in ("leader", "oversight", "township", "inspector", "pointleader", "nobody"):
        response = post_json(as_user(client, person(world, name)), f"{BASE}plans/", plan_body(world, insp))
        assert response.status_code == 403, name
        assert response.json()["detail"] == gettext("Only the campaign office plans inspections."), name
    # another county's office cannot name 示范县 (it cannot see it) and its own area has no such inspectors
    outsider = as_user(client, world.people.outsider)
    response = post_json(outsider, f"{BASE}plans/", plan_body(world, insp, area=world.units.county.pk))
    assert response.status_code == 400 and set(response.json()) == {"area"}
    response = post_json(outsider, f"{BASE}plans/", plan_body(world, insp))
    assert response.status_code == 400 and response.json()["code"] == "inspectors"
    assert not Plan.objects.exists()


def test_infeasible_rules_list_every_reason_and_create_nothing(world, insp, client):
    # two per visit, but 督查员丙 belongs to 东城街道: its three points have one inspector left
    pair = [world.people.inspector.pk, world.people.inspector3.pk]
    body = plan_body(world, insp, inspector_ids=pair, inspectors_per_visit=2)
    response = post_json(as_user(client, world.people.office), f"{BASE}plans/", body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "infeasible" and data["detail"] == data["reasons"][0]
    named = [
        name
        for name in ("西门菜市场", "人民路", "东城公园", "住建工地", "东城广场")
        if name in " ".join(data["reasons"])
    ]
    assert len(data["reasons"]) == 3 and named == ["东城公园", "住建工地", "东城广场"]
    assert not Plan.objects.exists()


def test_bad_fields_are_named(world, insp, client):
    c = as_user(client, world.people.office)
    response = post_json(
        c, f"{BASE}plans/", plan_body(world, insp, kind="secret", inspectors_per_visit=3, period_end="")
    )
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "inspectors_per_visit", "period_end"}
    response = post_json(c, f"{BASE}plans/", plan_body(world, insp, area=world.units.township.pk))
    assert response.status_code == 400 and set(response.json()) == {"area"}
    assert not Plan.objects.exists()


def test_cancel_needs_the_office_and_a_reason(world, insp, covert, client):
    plan, _gate = covert
    for name in ("township", "leader", "inspector"):
        response = as_user(client, person(world, name)).post(
            f"{BASE}plans/{plan.pk}/cancel/", {"reason": "x"}
        )
        assert response.status_code == 404, name
    c = as_user(client, world.people.office)
    assert post_json(c, f"{BASE}plans/{plan.pk}/cancel/", {"reason": " "}).status_code == 400
    response = post_json(c, f"{BASE}plans/{plan.pk}/cancel/", {"reason": "上级统一安排暗访，本月暂停"})
    assert response.status_code == 200 and response.json()["cancel_reason"] == "上级统一安排暗访，本月暂停"
    assert set(plan.assignments.values_list("status", flat=True)) == {AssignmentStatus.CANCELLED}
    again = post_json(c, f"{BASE}plans/{plan.pk}/cancel/", {"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "cancelled"
    plan.refresh_from_db()
    assert plan.cancel_reason == "上级统一安排暗访，本月暂停"


# --- submitting ------------------------------------------------------------------------------------
def submission(target, insp, key=None, **extra):
    data = {
        "client_key": str(key or uuid.uuid4()),
        "assignment": str(target.pk),
        "answers": answers_json(market_items(insp)),
        "latitude": "30.250000",
        "longitude": "120.150000",
    }
    data.update(extra)
    return data


def test_a_retried_multipart_submission_gives_one_inspection(world, insp, covert, client):
    _plan, gate = covert
    key = new_key()
    with time_machine.travel(in_window(gate)):
        c = as_user(client, gate.inspector)
        body = submission(gate, insp, key, answers=answers_json(market_items(insp), fail=[insp.pts.item]))
        first = c.post(f"{BASE}inspections/", {**body, f"photo_{insp.pts.item.pk}": jpeg_upload()})
        again = c.post(f"{BASE}inspections/", {**body, f"photo_{insp.pts.item.pk}": jpeg_upload()})
    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json() == first.json()
    assert Inspection.objects.count() == 1
    data = first.json()
    assert data["client_key"] == str(key) and data["passed"] is False and data["veto_failed"] is True
    assert data["inspector"] == gate.inspector_id  # the inspector sees themselves
    failed = next(r for r in data["results"] if r["check_item"] == insp.pts.item.pk)
    assert failed["outcome"] == "fail" and failed["indicator_codes"] == ["3.2.1", "3.2.2"]
    [photo] = data["photos"]
    assert photo["result"] == failed["id"]
    assert photo["display_url"].endswith(f"/inspections/photos/{photo['id']}/display/")
    assert photo["original_url"] is None  # the original is the office's
    gate.refresh_from_db()
    assert gate.status == AssignmentStatus.DONE


def test_json_body_is_accepted_with_answers_as_a_list(world, insp, covert, client):
    _plan, gate = covert
    body = submission(gate, insp)
    body["answers"] = json.loads(body["answers"])
    with time_machine.travel(in_window(gate)):
        response = post_json(as_user(client, gate.inspector), f"{BASE}inspections/", body)
    assert response.status_code == 201 and response.json()["score"] == "100.00"


def test_someone_elses_assignment_answers_like_an_unknown_one(world, insp, covert, client):
    _plan, gate = covert
    other = next(i for i in insp.inspectors if i.pk not in gate.inspector_ids)
    with time_machine.travel(in_window(gate)):
        theirs = as_user(client, other).post(f"{BASE}inspections/", submission(gate, insp))
        unknown = as_user(client, other).post(
            f"{BASE}inspections/", submission(gate, insp, assignment="999999")
        )
        township = as_user(client, world.people.township).post(f"{BASE}inspections/", submission(gate, insp))
    assert theirs.status_code == unknown.status_code == township.status_code == 404
    refusal = gettext("This assignment is not yours.")
    assert theirs.json() == unknown.json() == {"detail": refusal, "code": "not_yours", "messages": [refusal]}
    assert not Inspection.objects.exists()


def test_malformed_answers_and_a_fake_photo_are_named(world, insp, covert, client):
    _plan, gate = covert
    with time_machine.travel(in_window(gate)):
        c = as_user(client, gate.inspector)
        bad_json = c.post(f"{BASE}inspections/", submission(gate, insp, answers="[{item: 1"))
        fake = io.BytesIO(b"%PDF-1.4 not a photo")
        fake.name = "photo.jpg"
        not_image = c.post(
            f"{BASE}inspections/", {**submission(gate, insp), f"photo_{insp.pts.item.pk}": fake}
        )
        no_key = c.post(f"{BASE}inspections/", submission(gate, insp, client_key="abc"))
    assert bad_json.status_code == 400 and set(bad_json.json()) == {"answers"}
    assert not_image.status_code == 400 and set(not_image.json()) == {f"photo_{insp.pts.item.pk}"}
    assert no_key.status_code == 400 and set(no_key.json()) == {"client_key"}
    assert not Inspection.objects.exists()


def test_refusals_by_state_say_why(world, insp, covert, client):
    _plan, gate = covert
    with time_machine.travel(gate.window_start - datetime.timedelta(hours=3)):
        early = as_user(client, gate.inspector).post(f"{BASE}inspections/", submission(gate, insp))
    # a covert assignment before its window answers like someone else's: no time is given away
    assert early.status_code == 404 and early.json()["code"] == "not_yours"
    assert ":" not in early.json()["detail"]
    with time_machine.travel(in_window(gate)):
        c = as_user(client, gate.inspector)
        missing = c.post(
            f"{BASE}inspections/", submission(gate, insp, answers=json.dumps([{"item": insp.pts.item.pk}]))
        )
        assert missing.status_code == 400 and missing.json()["code"] == "answers"
        assert any("NM-02" in m for m in missing.json()["messages"])
        assert c.post(f"{BASE}inspections/", submission(gate, insp)).status_code == 201
        second = c.post(f"{BASE}inspections/", submission(gate, insp))  # a new key: a second inspection
    assert second.status_code == 409 and second.json()["code"] == "done"
    assert Inspection.objects.count() == 1


# --- results after the period ----------------------------------------------------------------------
@pytest.fixture
def revealed(world, insp, covert, client):
    plan, gate = covert
    with time_machine.travel(in_window(gate)):
        response = as_user(client, gate.inspector).post(
            f"{BASE}inspections/",
            {
                **submission(gate, insp, answers=answers_json(market_items(insp), fail=[insp.pts.item])),
                f"photo_{insp.pts.item.pk}": jpeg_upload(),
            },
        )
    assert response.status_code == 201
    with time_machine.travel(AFTER):
        actions.reveal_due_seeds()
    return plan, gate, Inspection.objects.get(pk=response.json()["id"])


def test_while_embargoed_only_office_and_inspector_see_the_inspection(world, insp, revealed, client):
    _plan, gate, inspection = revealed
    with time_machine.travel(datetime.datetime(2026, 12, 31, 20, 0, tzinfo=TZ)):
        for name in PERSONAS:
            user = person(world, name)
            c = as_user(client, user)
            listed = ids(c.get(f"{BASE}inspections/"))
            detail = c.get(f"{BASE}inspections/{inspection.pk}/")
            if name in MANAGERS or user.pk == gate.inspector_id:
                assert listed == {inspection.pk} and detail.status_code == 200, name
            else:
                assert listed == set() and detail.status_code == 404, name


def test_after_the_period_the_township_sees_results_but_not_who_inspected(world, insp, revealed, client):
    plan, gate, inspection = revealed
    with time_machine.travel(AFTER):
        township = as_user(client, world.people.township)
        [row] = township.get(f"{BASE}inspections/").json()["results"]
        assert row["id"] == inspection.pk and row["point_name"] == "西门菜市场"
        for field in ("inspector", "inspector_name", "inspector_code", "second_inspector", "latitude"):
            assert row[field] is None, field
        assert gate.inspector.display_name not in json.dumps(row, ensure_ascii=False)
        # the veto item failed: the point fails whatever the score
        assert row["score"] == f"{100 - insp.pts.item.deduction:.2f}" and row["passed"] is False
        assert [r["outcome"] for r in row["results"]] == ["fail", "pass", "pass"]
        [photo] = row["photos"]
        assert photo["thumbnail_url"].endswith("/thumb/") and photo["original_url"] is None
        # the plan itself stays out of a township's sight (it never sees covert plans)
        assert township.get(f"{BASE}plans/{plan.pk}/").status_code == 404

        office = as_user(client, world.people.office).get(f"{BASE}inspections/{inspection.pk}/").json()
        assert office["inspector"] == gate.inspector_id
        assert office["inspector_code"] == inspector_code(gate.inspector, f"inspection:{inspection.pk}")
        assert office["photos"][0]["original_url"].endswith("/original/")

        neighbour = as_user(client, world.people.neighbour)
        assert ids(neighbour.get(f"{BASE}inspections/")) == set()  # 西门菜市场 is not theirs
        assert neighbour.get(f"{BASE}inspections/{inspection.pk}/").status_code == 404


def test_after_reveal_leaders_verify_the_draw_and_see_codes_not_names(world, insp, revealed, client):
    plan, _gate, _inspection = revealed
    with time_machine.travel(AFTER):
        for name in ("leader", "oversight"):
            c = as_user(client, person(world, name))
            data = c.get(f"{BASE}plans/{plan.pk}/").json()
            assert data["revealed_seed"] == plan.seed and data["assignment_count"] == 5
            assert data["done_count"] == 1
            assert c.get(f"{BASE}plans/{plan.pk}/verify/").json() == {
                "ok": True,
                "checked": 5,
                "problems": [],
            }
            rows = c.get(f"{BASE}plans/{plan.pk}/assignments/").json()
            assert len(rows) == 5
            for row in rows:
                assert row["inspector"] is None and row["inspector_name"] is None
                assert row["inspector_code"].startswith("D")
            names = json.dumps(rows, ensure_ascii=False)
            assert all(i.display_name not in names for i in insp.inspectors)
        office_rows = as_user(client, world.people.office).get(f"{BASE}plans/{plan.pk}/assignments/").json()
        assert {r["inspector"] for r in office_rows} <= {i.pk for i in insp.inspectors}
        assert None not in {r["inspector"] for r in office_rows}


def test_another_county_never_sees_this_countys_plans_or_results(world, insp, revealed, client):
    plan, _gate, inspection = revealed
    with time_machine.travel(AFTER):
        c = as_user(client, world.people.outsider)
        assert ids(c.get(f"{BASE}plans/")) == set()
        for url in (
            f"{BASE}plans/{plan.pk}/",
            f"{BASE}plans/{plan.pk}/assignments/",
            f"{BASE}plans/{plan.pk}/verify/",
            f"{BASE}inspections/{inspection.pk}/",
        ):
            assert c.get(url).status_code == 404, url
        assert ids(c.get(f"{BASE}inspections/")) == set()
        # filtering by the plan's id answers exactly as an id that does not exist
        by_plan = c.get(f"{BASE}inspections/", {"plan": plan.pk})
        unknown = c.get(f"{BASE}inspections/", {"plan": 999999})
        assert by_plan.status_code == unknown.status_code
        assert by_plan.content.decode().replace(str(plan.pk), "X") == unknown.content.decode().replace(
            "999999", "X"
        )


def test_inspection_list_costs_the_same_queries_for_one_or_many(world, insp, client):
    p, pts = world.people, insp.pts
    c = as_user(client, p.office)

    def extra():
        actions.submit(
            p.office,
            actions.Submission(new_key(), answers_all_pass(market_items(insp)), point_id=pts.gate.pk),
        )

    extra()
    c.get(f"{BASE}inspections/")  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as one:
        assert len(c.get(f"{BASE}inspections/").json()["results"]) == 1
    extra()
    extra()
    with CaptureQueriesContext(connection) as three:
        assert len(c.get(f"{BASE}inspections/").json()["results"]) == 3
    assert len(three) == len(one)


def test_my_assignments_cost_the_same_queries_for_one_or_many(world, insp, client):
    with time_machine.travel(CREATED):
        plan = actions.create_plan(
            world.people.office,
            plan_input(world, insp, rules=month_rules(visits_per_point=2)),
            seed="5a" * 32,
        )
    busiest = max(insp.inspectors, key=lambda i: plan.assignments.filter(inspector=i).count())
    windows = sorted(set(plan.assignments.filter(inspector=busiest).values_list("window_start", flat=True)))
    assert len(windows) >= 2
    counted = []
    for now in (windows[0], windows[-1]):
        opened = plan.assignments.filter(inspector=busiest, window_start__lte=now).count()
        with time_machine.travel(now + datetime.timedelta(minutes=5)):
            c = as_user(client, busiest)
            c.get(f"{BASE}assignments/mine/")  # the first request after signing in also saves the session
            with CaptureQueriesContext(connection) as queries:
                assert len(c.get(f"{BASE}assignments/mine/").json()["results"]) == opened
            counted.append(len(queries))
    assert counted[0] == counted[1]
