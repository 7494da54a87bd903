"""The office pages: a plan drawn through the form, its page, amendments, cancellation and
verification; the inspections list, an inspection and a point's history — and what every other
role cannot see of them (三不三无)."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from chuangcheng.inspections import actions, photos
from chuangcheng.inspections.choices import AssignmentStatus
from chuangcheng.inspections.models import Amendment, Assignment, Plan, inspector_code
from chuangcheng.inspections.tests.conftest import answers_all_pass, jpeg_upload, new_key, plan_input
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.tests.factories import OrgUnitFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
BEFORE = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
IN_PERIOD = datetime.datetime(2026, 12, 20, 9, 0, tzinfo=TZ)
AFTER = datetime.datetime(2027, 1, 2, 9, 0, tzinfo=TZ)
INSPECTOR_NAMES = ("督查员甲", "督查员乙", "督查员丙")


@pytest.fixture
def plan(world, insp):
    with time_machine.travel(BEFORE):
        return actions.create_plan(world.people.office, plan_input(world, insp))


@pytest.fixture
def task_force(world):
    unit = OrgUnitFactory(name="文明城市专班", kind=UnitKind.TASK_FORCE, parent=world.units.county)
    person = UserFactory(username="taskforce", full_name="专班干部", unit=unit)
    RoleAssignmentFactory(user=person, unit=unit, role=Role.TASK_FORCE)
    return person


def _market_items(insp):
    return [insp.pts.item, insp.scale_item, insp.plain_item]


def _submit_gate(plan, insp, *, fail=True):
    """The gate's inspector submits it inside the window: NM-01 failed with a photo (GPS in the
    submission, 2 km off), the rest passed."""
    assignment = plan.assignments.select_related("inspector").get(point=insp.pts.gate)
    answers = answers_all_pass(_market_items(insp))
    evidence = {}
    if fail:
        answers[0] = actions.Answer(insp.pts.item.pk, outcome="fail", note="垃圾未清")
        evidence = photos.prepare_all({insp.pts.item.pk: [jpeg_upload()]})
    data = actions.Submission(
        client_key=new_key(), assignment_id=assignment.pk, answers=answers, photos=evidence
    )
    with time_machine.travel(assignment.window_start + datetime.timedelta(minutes=20)):
        inspection, _ = actions.submit(assignment.inspector, data)
    return inspection


def _plan_form_data(world, insp, **extra):
    data = {
        "name": "十二月暗访",
        "kind": "covert",
        "is_covert": "on",
        "period_start": "2026-12-01",
        "period_end": "2026-12-31",
        "inspectors": [str(i.pk) for i in insp.inspectors],
        "visits_per_point": "1",
        "extra_visits": "0",
        "risk_weighting": "on",
        "inspectors_per_visit": "1",
        "max_visits_per_slot": "4",
        "range1_start": "2026-12-01",
        "range1_end": "2026-12-31",
        "weekdays": [str(d) for d in range(7)],
        "day_parts": ["morning", "afternoon"],
    }
    data.update(extra)
    return data


# --- creating a plan -------------------------------------------------------------------------------
def test_office_draws_a_plan_through_the_form_and_sees_its_commitment(world, insp, login):
    with time_machine.travel(BEFORE):
        client = login(world.people.office)
        response = client.post(reverse("inspections:plan_new"), _plan_form_data(world, insp), follow=True)
    plan = Plan.objects.get()
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    html = response.content.decode()
    assert plan.seed_commitment in html and plan.inputs_digest in html
    assert plan.seed not in html  # secret until revealed
    message = str(next(iter(response.context["messages"])))
    assert plan.seed_commitment in message
    assert plan.name == "十二月暗访" and plan.is_covert and plan.created_by == world.people.office
    assert plan.assignments.count() == 5  # every county point once
    assert plan.rules["date_ranges"] == [["2026-12-01", "2026-12-31"]]


def test_the_form_starts_with_next_month_and_every_inspector_ticked(world, insp, login):
    with time_machine.travel(BEFORE):
        response = login(world.people.office).get(reverse("inspections:plan_new"))
    form = response.context["form"]
    assert form["period_start"].value() == datetime.date(2026, 12, 1)
    assert form["period_end"].value() == datetime.date(2026, 12, 31)
    assert sorted(form["inspectors"].value()) == sorted(i.pk for i in insp.inspectors)
    # only the office's own area is offered
    assert {t.name for t in form.fields["point_types"].queryset} == {"农贸市场", "主次干道"}
    assert {u.name for u in form.fields["townships"].queryset} == {"城关街道", "东城街道"}


def test_infeasible_rules_list_every_reason_and_keep_what_was_typed(world, insp, login):
    two = [world.people.inspector, world.people.inspector2]  # 督查员乙 may not inspect 人民路
    data = _plan_form_data(
        world,
        insp,
        name="两人双随机",
        inspectors=[str(p.pk) for p in two],
        inspectors_per_visit="2",
        max_visits_per_inspector="1",
    )
    expected_input = plan_input(
        world,
        insp,
        name="两人双随机",
        inspector_ids=[p.pk for p in two],
        rules=actions.drawing.Rules(
            date_ranges=((datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),),
            inspectors_per_visit=2,
            max_visits_per_inspector=1,
        ),
    )
    with pytest.raises(actions.ActionError) as caught:
        actions.create_plan(world.people.office, expected_input)
    # the conflict at 人民路 and the inspectors' capacity (10 visits needed, 2 possible)
    assert len(caught.value.messages) == 2

    with time_machine.travel(BEFORE):
        response = login(world.people.office).post(reverse("inspections:plan_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    problems = re.search(r'id="plan-problems"(.*?)</div>', html, re.S).group(1)
    for message in caught.value.messages:
        assert escape(message) in problems
    assert 'value="两人双随机"' in html
    form = response.context["form"]
    assert sorted(form["inspectors"].value()) == sorted(str(p.pk) for p in two)
    assert form["inspectors_per_visit"].value() == "2"
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"period_end": "2026-11-30"}, "period_end"),
        ({"range1_start": "2026-11-25"}, "range1_start"),
        ({"range2_start": "2026-12-05"}, "range2_start"),  # no last day
        ({"kind": "self"}, "self_unit"),
        ({"day_parts": []}, "day_parts"),
        ({"visits_per_point": "-1"}, "visits_per_point"),
        ({"point_types": [str(999999)]}, "point_types"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_drawn(world, insp, login, extra, field):
    with time_machine.travel(BEFORE):
        response = login(world.people.office).post(
            reverse("inspections:plan_new"), _plan_form_data(world, insp, **extra)
        )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'value="十二月暗访"' in response.content.decode()
    assert not Plan.objects.exists()


def test_another_countys_point_type_cannot_be_smuggled_into_the_pool(world, insp, login):
    data = _plan_form_data(world, insp, point_types=[str(insp.pts.other_type.pk)])
    with time_machine.travel(BEFORE):
        response = login(world.people.office).post(reverse("inspections:plan_new"), data)
    assert response.status_code == 400 and "point_types" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_an_announced_plan_is_never_covert_whatever_the_box_says(world, insp, login):
    data = _plan_form_data(world, insp, kind="announced", is_covert="on")
    with time_machine.travel(BEFORE):
        login(world.people.office).post(reverse("inspections:plan_new"), data)
    assert Plan.objects.get().is_covert is False


# --- secrecy of an open covert plan ----------------------------------------------------------------
NOT_OFFICE = ["township", "pointleader", "leader", "oversight", "department", "outsider", "inspector"]


@pytest.mark.parametrize("who", [*NOT_OFFICE, "task_force", "assigned_inspector"])
def test_nobody_but_the_office_sees_anything_of_an_open_covert_plan(
    world, insp, plan, task_force, login, who
):
    people = world.people
    pending = plan.assignments.order_by("window_start").first()
    person = {
        "task_force": task_force,
        # an inspector whose window has opened: the plan is theirs on the phone, not as a page
        "assigned_inspector": pending.inspector,
    }.get(who) or getattr(people, who)
    with time_machine.travel(IN_PERIOD):
        client = login(person)
        urls = [
            reverse("inspections:plan", args=[plan.pk]),
            reverse("inspections:plan_verify", args=[plan.pk]),
            reverse("inspections:plan_amend", args=[plan.pk, pending.pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        amend = client.post(
            reverse("inspections:plan_amend", args=[plan.pk, pending.pk]),
            {
                "inspector": pending.inspector_id,
                "day": "2026-12-28",
                "day_part": "morning",
                "reason": "试图修改",
            },
        )
        cancel = client.post(reverse("inspections:plan_cancel", args=[plan.pk]), {"reason": "试图取消"})
        listing = client.get(reverse("inspections:plans"))
    assert amend.status_code == 404 and cancel.status_code == 404
    if who == "outsider":  # another county's office: its own (empty) list
        assert listing.status_code == 200 and listing.context["page"].paginator.count == 0
    else:  # no plan they may see: the list itself does not exist for them
        assert listing.status_code == 404
    html = listing.content.decode()
    assert plan.name not in html and plan.seed_commitment[:12] not in html
    plan.refresh_from_db()
    assert plan.cancelled_at is None and not Amendment.objects.exists()
    assert not plan.assignments.exclude(status=AssignmentStatus.PENDING).exists()


def test_after_the_period_the_leader_sees_the_draw_with_codes_not_names(world, insp, plan, login):
    with time_machine.travel(AFTER):
        actions.reveal_due_seeds()
        client = login(world.people.leader)
        page = client.get(reverse("inspections:plan", args=[plan.pk]))
        listing = client.get(reverse("inspections:plans"))
    assert page.status_code == 200
    html = page.content.decode()
    assert plan.name in listing.content.decode()
    assert plan.seed in html  # revealed
    for person in insp.inspectors:
        assert person.display_name not in html
    drawn = set(plan.assignments.values_list("inspector_id", flat=True))
    for person in insp.inspectors:
        if person.pk in drawn:
            assert inspector_code(person, f"plan:{plan.pk}") in html
    assert [row["name"] for row in page.context["by_inspector"]] == sorted(
        inspector_code(p, f"plan:{plan.pk}") for p in insp.inspectors if p.pk in drawn
    )
    assert page.context["cancel_form"] is None and not page.context["can_change"]


def test_the_office_sees_progress_by_inspector_and_township(world, insp, plan, login):
    _submit_gate(plan, insp)
    with time_machine.travel(IN_PERIOD):
        response = login(world.people.office).get(reverse("inspections:plan", args=[plan.pk]))
    totals = response.context["totals"]
    assert totals["done"] == 1 and totals["live"] == 5 and totals["replaced"] == 0
    assert totals["done"] + totals["due"] + totals["pending"] + totals["missed"] == 5
    townships = {row["township_name"]: (row["done"], row["live"]) for row in response.context["by_township"]}
    assert townships == {"城关街道": (1, 2), "东城街道": (0, 3)}
    gate_inspector = plan.assignments.get(point=insp.pts.gate).inspector
    by_name = {row["name"]: row for row in response.context["by_inspector"]}
    assert by_name[gate_inspector.display_name]["done"] == 1
    assert sum(row["live"] for row in by_name.values()) == 5


# --- amendments and cancellation -------------------------------------------------------------------
def _pending_on(plan, point):
    return plan.assignments.get(point=point, status=AssignmentStatus.PENDING)


def test_office_amends_an_assignment_with_a_reason_shown_on_the_plan(world, insp, plan, login):
    original = _pending_on(plan, insp.pts.park)
    other = next(i for i in insp.inspectors if i.pk != original.inspector_id and i.username != "inspector3")
    url = reverse("inspections:plan_amend", args=[plan.pk, original.pk])
    with time_machine.travel(BEFORE):
        client = login(world.people.office)
        form = client.get(url)
        assert form.context["form"]["inspector"].value() == original.inspector_id
        response = client.post(
            url,
            {"inspector": other.pk, "day": "2026-12-15", "day_part": "afternoon", "reason": "原督查员病假"},
            follow=True,
        )
        page = response.content.decode()
    amendment = Amendment.objects.get()
    assert amendment.original == original and amendment.made_by == world.people.office
    assert amendment.replacement.inspector == other and amendment.replacement.day == datetime.date(
        2026, 12, 15
    )
    original.refresh_from_db()
    assert original.status == AssignmentStatus.REPLACED
    assert "原督查员病假" in page and other.display_name in page


def test_an_amendment_without_reason_or_with_a_conflict_is_refused_and_changes_nothing(
    world, insp, plan, login
):
    original = _pending_on(plan, insp.pts.park)
    url = reverse("inspections:plan_amend", args=[plan.pk, original.pk])
    with time_machine.travel(BEFORE):
        client = login(world.people.office)
        no_reason = client.post(
            url, {"inspector": original.inspector_id, "day": "2026-12-15", "day_part": "morning"}
        )
        outside = client.post(
            url,
            {"inspector": original.inspector_id, "day": "2027-01-05", "day_part": "morning", "reason": "x"},
        )
        # 督查员丙 belongs to 东城街道, the township of 东城公园
        conflict = client.post(
            url,
            {
                "inspector": world.people.inspector3.pk,
                "day": "2026-12-15",
                "day_part": "morning",
                "reason": "换人",
            },
        )
    assert no_reason.status_code == 400 and "reason" in no_reason.context["form"].errors
    assert outside.status_code == 400 and "day" in outside.context["form"].errors
    assert conflict.status_code == 400
    assert "督查员丙" in " ".join(conflict.context["form"].non_field_errors())
    assert 'value="换人"' in conflict.content.decode() or "换人</textarea>" in conflict.content.decode()
    assert not Amendment.objects.exists()
    original.refresh_from_db()
    assert original.status == AssignmentStatus.PENDING


def test_an_assignment_of_another_plan_cannot_be_amended_through_this_one(world, insp, plan, login):
    with time_machine.travel(BEFORE):
        other_plan = actions.create_plan(world.people.office, plan_input(world, insp, name="另一个计划"))
    foreign = other_plan.assignments.first()
    response = login(world.people.office).get(reverse("inspections:plan_amend", args=[plan.pk, foreign.pk]))
    assert response.status_code == 404


def test_office_cancels_a_plan_only_with_a_reason(world, insp, plan, login):
    url = reverse("inspections:plan_cancel", args=[plan.pk])
    with time_machine.travel(BEFORE):
        client = login(world.people.office)
        client.post(url, {"reason": "   "})
        plan.refresh_from_db()
        assert plan.cancelled_at is None
        response = client.post(url, {"reason": "上级临时通知改期"}, follow=True)
    plan.refresh_from_db()
    assert plan.cancelled_at is not None and plan.cancel_reason == "上级临时通知改期"
    assert not plan.assignments.filter(status=AssignmentStatus.PENDING).exists()
    html = response.content.decode()
    assert "上级临时通知改期" in html
    assert response.context["cancel_form"] is None
    assert f'action="/inspections/plans/{plan.pk}/cancel/"' not in html


# --- verification ----------------------------------------------------------------------------------
def test_verify_page_explains_waiting_before_the_reveal(world, insp, plan, login):
    with time_machine.travel(IN_PERIOD):
        response = login(world.people.office).get(reverse("inspections:plan_verify", args=[plan.pk]))
    assert response.context["verification"] is None
    assert plan.seed not in response.content.decode()
    assert f"verify_draw {plan.pk}" in response.content.decode()


def test_verify_page_confirms_the_draw_and_reports_tampering(world, insp, plan, login):
    with time_machine.travel(AFTER):
        actions.reveal_due_seeds()
        client = login(world.people.leader)
        ok = client.get(reverse("inspections:plan_verify", args=[plan.pk]))
        assert ok.context["verification"].ok and ok.context["verification"].checked == 5
        assert 'id="verify-ok"' in ok.content.decode()
        tampered = plan.assignments.order_by("sequence").first()
        Assignment.objects.filter(pk=tampered.pk).update(day=datetime.date(2026, 12, 31), day_part="evening")
        bad = client.get(reverse("inspections:plan_verify", args=[plan.pk]))
    verification = bad.context["verification"]
    assert not verification.ok
    html = bad.content.decode()
    assert 'id="verify-problems"' in html
    for problem in verification.problems:
        assert escape(problem) in html
    assert any(str(tampered.sequence) in p for p in verification.problems)


# --- inspections -----------------------------------------------------------------------------------
def test_township_sees_a_covert_inspection_only_after_the_embargo_and_never_who(world, insp, plan, login):
    inspection = _submit_gate(plan, insp)
    with time_machine.travel(IN_PERIOD):
        client = login(world.people.township)
        during = client.get(reverse("inspections:list"))
        detail_during = client.get(reverse("inspections:detail", args=[inspection.pk]))
        history_during = client.get(reverse("inspections:point_history", args=[insp.pts.gate.pk]))
    assert during.context["page"].paginator.count == 0
    assert detail_during.status_code == 404
    assert history_during.context["total"] == 0 and not history_during.context["failures"]
    with time_machine.travel(AFTER):
        client = login(world.people.township)
        after = client.get(reverse("inspections:list"))
        detail = client.get(reverse("inspections:detail", args=[inspection.pk]))
        history = client.get(reverse("inspections:point_history", args=[insp.pts.gate.pk]))
    assert [row["inspection"].pk for row in after.context["rows"]] == [inspection.pk]
    assert after.context["rows"][0]["inspector"] == "暗访督查员" or after.context["rows"][0]["inspector"] == (
        "Covert inspector"
    )
    for response in (after, detail, history):
        html = response.content.decode()
        for name in INSPECTOR_NAMES:
            assert name not in html
        assert inspector_code(inspection.inspector, f"inspection:{inspection.pk}") not in html
    assert [(f["check_item__code"], f["failures"]) for f in history.context["failures"]] == [("NM-01", 1)]
    # the plan of a covert inspection is not a page the township may open
    assert reverse("inspections:plan", args=[plan.pk]) not in detail.content.decode()


def test_the_office_filters_by_inspector_others_cannot(world, insp, plan, login):
    inspection = _submit_gate(plan, insp)
    with time_machine.travel(datetime.datetime(2026, 12, 21, 10, 0, tzinfo=TZ)):
        extra, _ = actions.submit(
            world.people.office,
            actions.Submission(
                new_key(),
                [actions.Answer(insp.road_item.pk, outcome="pass")],
                point_id=insp.pts.road_point.pk,
            ),
        )
    with time_machine.travel(AFTER):
        client = login(world.people.office)
        by_inspector = client.get(reverse("inspections:list"), {"inspector": inspection.inspector_id})
        by_office = client.get(reverse("inspections:list"), {"inspector": world.people.office.pk})
        client = login(world.people.township)
        township = client.get(reverse("inspections:list"), {"inspector": world.people.office.pk})
    assert [r["inspection"].pk for r in by_inspector.context["rows"]] == [inspection.pk]
    assert [r["inspection"].pk for r in by_office.context["rows"]] == [extra.pk]
    # for the township the parameter is dropped, silently: no error, no narrowing, no field
    assert {r["inspection"].pk for r in township.context["rows"]} == {inspection.pk, extra.pk}
    assert not township.context["filterset"].errors
    assert "inspector" not in township.context["filterset"].form.fields
    html = township.content.decode()
    assert "办公室干部" not in html and inspection.inspector.display_name not in html


@pytest.mark.parametrize(
    ("params", "count"), [({"passed": "false"}, 1), ({"passed": "true"}, 1), ({"kind": "self"}, 1)]
)
def test_list_filters_by_result_and_kind(world, insp, plan, login, params, count):
    _submit_gate(plan, insp)  # covert, failed
    actions.submit(
        world.people.pointleader,
        actions.Submission(new_key(), answers_all_pass(_market_items(insp)), point_id=insp.pts.gate.pk),
    )  # self-inspection, passed
    with time_machine.travel(AFTER):
        response = login(world.people.office).get(reverse("inspections:list"), params)
    assert response.context["page"].paginator.count == count


def test_inspection_list_queries_do_not_grow_with_rows(world, insp, login):
    client = login(world.people.office)

    def run():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("inspections:list"))
        assert response.status_code == 200
        # the session's idle-timeout stamp is written now and then; it is not the list's doing
        ours = [q for q in queries if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
        return len(ours), response.context["page"].paginator.count

    for _ in range(2):
        actions.submit(
            world.people.office,
            actions.Submission(new_key(), answers_all_pass(_market_items(insp)), point_id=insp.pts.gate.pk),
        )
    few, n_few = run()
    for _ in range(4):
        actions.submit(
            world.people.office,
            actions.Submission(
                new_key(),
                [actions.Answer(insp.road_item.pk, outcome="pass")],
                point_id=insp.pts.road_point.pk,
            ),
        )
    many, n_many = run()
    assert (n_few, n_many) == (2, 6)
    assert many == few


def test_detail_shows_originals_and_field_data_to_the_office_only(world, insp, plan, login):
    inspection = _submit_gate(plan, insp)
    photo = inspection.photos.get()
    original = reverse("inspections:photo", args=[photo.pk, "original"])
    display = reverse("inspections:photo", args=[photo.pk, "display"])
    with time_machine.travel(AFTER):
        office = login(world.people.office).get(reverse("inspections:detail", args=[inspection.pk]))
        township = login(world.people.township).get(reverse("inspections:detail", args=[inspection.pk]))
        pointleader = login(world.people.pointleader).get(reverse("inspections:detail", args=[inspection.pk]))
        neighbour = login(world.people.neighbour).get(reverse("inspections:detail", args=[inspection.pk]))
    office_html = office.content.decode()
    assert original in office_html and display in office_html
    assert inspection.inspector.display_name in office_html
    assert "垃圾未清" in office_html and "NM-01" in office_html and "3.2.1" in office_html
    for response in (township, pointleader):
        html = response.content.decode()
        assert display in html and original not in html
        assert not response.context["field_data"]
        assert "垃圾未清" in html  # the result itself is theirs to see
    assert neighbour.status_code == 404  # 东城街道 has nothing to do with 西门菜市场


def test_detail_warns_the_office_when_far_from_the_point_or_the_clock_is_off(world, insp, plan, login):
    assignment = plan.assignments.select_related("inspector").get(point=insp.pts.road_point)
    start = assignment.window_start + datetime.timedelta(minutes=20)
    data = actions.Submission(
        client_key=new_key(),
        assignment_id=assignment.pk,
        answers=[actions.Answer(insp.road_item.pk, outcome="pass")],
        latitude=insp.pts.road_point.latitude + Decimal("0.01"),  # about 1.1 km north
        longitude=insp.pts.road_point.longitude,
        device_now=start + datetime.timedelta(minutes=10),
    )
    with time_machine.travel(start):
        inspection, _ = actions.submit(assignment.inspector, data)
    with time_machine.travel(AFTER):
        response = login(world.people.office).get(reverse("inspections:detail", args=[inspection.pk]))
    assert response.context["far"] and response.context["skewed"]
    kinds = [m["kind"] for m in response.context["map_data"]["markers"]]
    assert kinds == ["point", "start"]
    html = response.content.decode()
    assert str(inspection.distance_m) in html and "600" in html


def test_point_history_is_scoped_like_the_points(world, insp, plan, login):
    _submit_gate(plan, insp)
    with time_machine.travel(AFTER):
        neighbour = login(world.people.neighbour).get(
            reverse("inspections:point_history", args=[insp.pts.gate.pk])
        )
        outsider = login(world.people.outsider).get(
            reverse("inspections:point_history", args=[insp.pts.gate.pk])
        )
        office = login(world.people.office).get(reverse("inspections:point_history", args=[insp.pts.gate.pk]))
    assert neighbour.status_code == 404 and outsider.status_code == 404
    assert office.context["chart"]["values"] == [float(plan.inspections.get().score)]
    assert office.context["chart"]["target"] == 90.0


def test_a_unit_sees_announced_plans_of_its_points_but_not_covert_ones(world, insp, plan, login):
    with time_machine.travel(BEFORE):
        announced = actions.create_plan(
            world.people.office, plan_input(world, insp, name="十二月明查", kind="announced")
        )
    with time_machine.travel(IN_PERIOD):
        listing = login(world.people.township).get(reverse("inspections:plans"))
        page = login(world.people.township).get(reverse("inspections:plan", args=[announced.pk]))
    assert [row["plan"].name for row in listing.context["rows"]] == ["十二月明查"]
    assert page.status_code == 200
    # only the assignments at its own points (城关街道: 西门菜市场, 人民路)
    assert {row["assignment"].point.name for row in page.context["rows"]} == {"西门菜市场", "人民路"}
    assert page.context["cancel_form"] is None


def test_plan_list_queries_do_not_grow_with_plans_and_the_city_sees_its_counties(world, insp, plan, login):
    def run(person):
        client = login(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("inspections:plans"))
        ours = [q for q in queries if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
        return len(ours), response

    with time_machine.travel(IN_PERIOD):
        few, first = run(world.people.office)
    with time_machine.travel(BEFORE):
        for n in range(3):
            actions.create_plan(world.people.office, plan_input(world, insp, name=f"计划{n}"))
    with time_machine.travel(IN_PERIOD):
        many, response = run(world.people.office)
        _, city = run(world.people.city)
    assert first.context["page"].paginator.count == 1 and response.context["page"].paginator.count == 4
    assert many == few
    assert [row["counts"]["live"] for row in response.context["rows"]] == [5, 5, 5, 5]
    # the city office runs the counties below it: it sees the open covert plans too
    assert city.status_code == 200 and city.context["page"].paginator.count == 4


def test_the_assignment_table_filters_by_status_and_day_and_ignores_nonsense(world, insp, plan, login):
    _submit_gate(plan, insp)
    gate = plan.assignments.get(point=insp.pts.gate)
    url = reverse("inspections:plan", args=[plan.pk])
    with time_machine.travel(IN_PERIOD):
        client = login(world.people.office)
        done = client.get(url, {"status": "done"})
        on_day = client.get(url, {"day": gate.day.isoformat()})
        nonsense = client.get(url, {"status": "robbed", "day": "2026-02-30"})
    assert [row["assignment"].pk for row in done.context["rows"]] == [gate.pk]
    assert gate.pk in [row["assignment"].pk for row in on_day.context["rows"]]
    assert all(row["assignment"].day == gate.day for row in on_day.context["rows"])
    assert nonsense.status_code == 200 and len(nonsense.context["rows"]) == 5
