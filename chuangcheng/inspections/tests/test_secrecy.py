"""三不三无: while a covert plan runs, nobody but the office and the assigned inspector can tell
that it exists — on any page or API endpoint — and after it ends the inspected see results but
never who inspected.

The check is by content: every page and endpoint is fetched as every persona, and the answer
must not contain the plan's name, its commitment, the assigned point's planned day or the
inspectors' names. New pages are covered by adding their URLs to ``urls_for``.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from chuangcheng.inspections import actions
from chuangcheng.inspections.models import Inspection
from chuangcheng.inspections.tests.conftest import answers_all_pass, new_key, plan_input
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
PLAN_NAME = "绝密暗访计划甲"
CREATED = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
AFTER = datetime.datetime(2027, 1, 3, 10, 0, tzinfo=TZ)

# personas who must see nothing of an open covert plan (the task force is added below)
OUTSIDERS = [
    "township",
    "neighbour",
    "department",
    "pointleader",
    "leader",
    "oversight",
    "outsider",
    "nobody",
    "member_community",
    "member_township2",
    "member_department2",
    "member_other",
]


@pytest.fixture
def covert(world, insp):
    u, p = world.units, world.people
    task_force = UserFactory(username="taskforce", full_name="专班干部", unit=u.county)
    RoleAssignmentFactory(user=task_force, unit=u.county, role=Role.TASK_FORCE)
    p.taskforce = task_force
    with time_machine.travel(CREATED):
        plan = actions.create_plan(
            p.office, plan_input(world, insp, name=PLAN_NAME, inspector_ids=[i.pk for i in insp.inspectors])
        )
    gate = plan.assignments.select_related("inspector").get(point=insp.pts.gate)
    with time_machine.travel(gate.window_start + datetime.timedelta(minutes=20)):
        inspection, _ = actions.submit(
            gate.inspector,
            actions.Submission(
                new_key(),
                answers_all_pass([insp.pts.item, insp.scale_item, insp.plain_item]),
                assignment_id=gate.pk,
            ),
        )
    return plan, gate, inspection


def urls_for(plan, gate, inspection, pts):
    assignment = plan.assignments.exclude(pk=gate.pk).first()
    return [
        reverse("home"),
        reverse("inspections:mine"),
        reverse("inspections:plans"),
        reverse("inspections:plan", args=[plan.pk]),
        reverse("inspections:plan_verify", args=[plan.pk]),
        reverse("inspections:plan_amend", args=[plan.pk, assignment.pk]),
        reverse("inspections:list"),
        reverse("inspections:list") + f"?plan={plan.pk}",
        reverse("inspections:detail", args=[inspection.pk]),
        reverse("inspections:point_history", args=[pts.gate.pk]),
        reverse("inspections:inspect", args=[gate.pk]),
        reverse("inspections:inspect", args=[assignment.pk]),
        reverse("points:point", args=[pts.gate.pk]),
        "/api/inspections/plans/",
        f"/api/inspections/plans/{plan.pk}/",
        f"/api/inspections/plans/{plan.pk}/assignments/",
        f"/api/inspections/plans/{plan.pk}/verify/",
        "/api/inspections/assignments/mine/",
        "/api/inspections/inspections/",
        f"/api/inspections/inspections/{inspection.pk}/",
    ]


def must_404(plan, gate, inspection):
    """The object pages and endpoints of the plan and the inspection: 404, as if they did not exist."""
    return {
        reverse("inspections:plan", args=[plan.pk]),
        reverse("inspections:plan_verify", args=[plan.pk]),
        reverse("inspections:detail", args=[inspection.pk]),
        f"/api/inspections/plans/{plan.pk}/",
        f"/api/inspections/plans/{plan.pk}/assignments/",
        f"/api/inspections/plans/{plan.pk}/verify/",
        f"/api/inspections/inspections/{inspection.pk}/",
    }


def secrets_of(plan, gate, insp):
    names = [i.full_name for i in insp.inspectors]
    return [PLAN_NAME, plan.seed_commitment, plan.inputs_digest, *names]


def _body(response):
    if response.status_code in (301, 302):
        return ""
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.mark.parametrize("who", [*OUTSIDERS, "taskforce"])
def test_an_open_covert_plan_is_invisible_to_everyone_but_the_office(client, world, insp, covert, who):
    plan, gate, inspection = covert
    person = getattr(world.people, who)
    during = gate.window_start + datetime.timedelta(hours=1)
    with time_machine.travel(during):
        client.force_login(person)  # inside the travel: the idle timeout counts from sign-in
        for url in urls_for(plan, gate, inspection, insp.pts):
            response = client.get(url)
            assert response.status_code not in (301, 302), f"{who} redirected at {url}"
            body = _body(response)
            for secret in secrets_of(plan, gate, insp):
                assert secret not in body, f"{who} sees {secret!r} at {url}"
            if url in must_404(plan, gate, inspection):
                assert response.status_code == 404, f"{who} gets {response.status_code} at {url}"


def test_the_office_sees_the_open_plan(client, world, insp, covert):
    plan, gate, _inspection = covert
    with time_machine.travel(gate.window_start + datetime.timedelta(hours=1)):
        client.force_login(world.people.office)
        assert PLAN_NAME in client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
        assert (
            plan.seed_commitment in client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
        )
        assert client.get(f"/api/inspections/plans/{plan.pk}/").status_code == 200


def test_an_inspector_sees_an_assignment_only_from_its_window(client, world, insp, covert):
    plan, _gate, _inspection = covert
    later = plan.assignments.select_related("inspector", "point").order_by("-window_start").first()
    url = reverse("inspections:inspect", args=[later.pk])
    with time_machine.travel(later.window_start - datetime.timedelta(hours=3)):
        client.force_login(later.inspector)
        assert client.get(url).status_code == 404
        listed = client.get("/api/inspections/assignments/mine/").json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        assert later.pk not in [row["id"] for row in rows]
    with time_machine.travel(later.window_start + datetime.timedelta(minutes=5)):
        client.logout()  # a new sign-in: the idle timeout would end the earlier session
        client.force_login(later.inspector)
        assert client.get(url).status_code == 200
        assert later.point.name in client.get(reverse("inspections:mine")).content.decode()


@pytest.mark.parametrize("who", ["township", "pointleader", "leader", "taskforce"])
def test_after_the_period_results_are_shown_without_the_inspector(client, world, insp, covert, who):
    _plan, _gate, inspection = covert
    with time_machine.travel(AFTER):
        client.force_login(getattr(world.people, who))
        actions.reveal_due_seeds()
        response = client.get(reverse("inspections:detail", args=[inspection.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert insp.pts.gate.name in body
        for inspector in insp.inspectors:
            assert inspector.full_name not in body
        api = client.get(f"/api/inspections/inspections/{inspection.pk}/").json()
        assert api.get("inspector") in (None, "") and "督查员" not in str(api.get("inspector_name") or "")


def test_units_of_other_points_never_see_the_inspection(client, world, insp, covert):
    _plan, _gate, inspection = covert
    with time_machine.travel(AFTER):
        client.force_login(world.people.department)  # 县城管局: 人民路 only
        assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
        assert Inspection.objects.visible_to(world.people.department).count() == 0
