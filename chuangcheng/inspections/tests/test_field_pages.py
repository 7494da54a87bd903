"""The inspector's phone pages: 我的任务 and the checklist, and who may open them when."""

import datetime
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chuangcheng.inspections import actions
from chuangcheng.inspections.choices import AssignmentStatus
from chuangcheng.inspections.tests.conftest import answers_all_pass, month_rules, new_key, plan_input
from chuangcheng.points.choices import PointStatus

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 12, 3)


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def one_assignment(world, insp, *, day=DAY, part="afternoon", kind="covert", inspector=None, point_type=None):
    """A plan with exactly one assignment: the market (P-GATE), on ``day`` in ``part``, by
    ``inspector`` (督查员甲 unless said otherwise)."""
    inspector = inspector or world.people.inspector
    data = plan_input(
        world,
        insp,
        name=f"{kind} {day} {part}",
        kind=kind,
        point_type_ids=[(point_type or insp.pts.market).pk],
        rules=month_rules(day, day, day_parts=(part,)),
        inspector_ids=[inspector.pk],
    )
    with time_machine.travel(at(datetime.date(2026, 11, 30), 9)):
        plan = actions.create_plan(world.people.office, data)
    return plan.assignments.select_related("point", "inspector", "plan").get()


def sign_in(user) -> Client:
    """A fresh phone, signed in now (sessions expire when tests travel hours in time)."""
    client = Client()
    client.force_login(user)
    return client


def market_items(insp):
    return [insp.pts.item, insp.scale_item, insp.plain_item]


def config_of(response):
    html = response.content.decode()
    start = html.index('<script id="field-config" type="application/json">') + len(
        '<script id="field-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


# --- 我的任务 ---------------------------------------------------------------------------------------
def test_an_open_assignment_is_due_now_with_a_start_button(world, insp):
    a = one_assignment(world, insp)
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=30)):
        response = sign_in(world.people.inspector).get(reverse("inspections:mine"))
    assert response.status_code == 200
    assert [x.pk for x in response.context["due"]] == [a.pk]
    html = response.content.decode()
    assert reverse("inspections:inspect", args=[a.pk]) in html
    assert "西门菜市场" in html and "P-GATE" in html and "14:00–18:00" in html
    assert response.context["hidden_later_count"] == 0


def test_a_covert_assignment_later_today_is_only_counted_not_shown(world, insp):
    a = one_assignment(world, insp, part="afternoon")
    with time_machine.travel(at(DAY, 9)):
        client = sign_in(world.people.inspector)
        response = client.get(reverse("inspections:mine"))
        page = client.get(reverse("inspections:inspect", args=[a.pk]))
    assert response.context["due"] == [] and response.context["later_today"] == []
    assert response.context["hidden_later_count"] == 1
    html = response.content.decode()
    assert "西门菜市场" not in html and "P-GATE" not in html and "农贸市场" not in html
    assert "14:00" in html  # only when the first one opens
    assert page.status_code == 404


def test_a_covert_assignment_stays_hidden_in_the_early_minutes_and_opens_on_time(world, insp):
    a = one_assignment(world, insp)
    with time_machine.travel(a.window_start - datetime.timedelta(minutes=5)):
        client = sign_in(world.people.inspector)
        assert client.get(reverse("inspections:inspect", args=[a.pk])).status_code == 404
    with time_machine.travel(a.window_start):
        assert client.get(reverse("inspections:inspect", args=[a.pk])).status_code == 200


def test_the_hidden_count_is_only_the_inspectors_own(world, insp):
    one_assignment(world, insp, inspector=world.people.inspector)
    with time_machine.travel(at(DAY, 9)):
        response = sign_in(world.people.inspector3).get(reverse("inspections:mine"))
    assert response.context["hidden_later_count"] == 0
    assert "14:00" not in response.content.decode()


def test_covert_assignments_on_later_days_are_not_even_counted(world, insp):
    one_assignment(world, insp, day=DAY + datetime.timedelta(days=1))
    with time_machine.travel(at(DAY, 9)):
        response = sign_in(world.people.inspector).get(reverse("inspections:mine"))
    ctx = response.context
    assert (ctx["due"], ctx["later_today"], ctx["upcoming"], ctx["hidden_later_count"]) == ([], [], [], 0)


def test_announced_assignments_are_listed_ahead(world, insp):
    today = one_assignment(world, insp, kind="announced", part="afternoon")
    tomorrow = one_assignment(world, insp, kind="announced", day=DAY + datetime.timedelta(days=1))
    with time_machine.travel(at(DAY, 9)):
        response = sign_in(world.people.inspector).get(reverse("inspections:mine"))
    assert [x.pk for x in response.context["later_today"]] == [today.pk]
    assert [x.pk for x in response.context["upcoming"]] == [tomorrow.pk]
    assert response.context["hidden_later_count"] == 0


def test_an_announced_assignment_before_its_window_shows_when_it_opens_and_no_form(world, insp):
    a = one_assignment(world, insp, kind="announced")
    with time_machine.travel(at(DAY, 9)):
        response = sign_in(world.people.inspector).get(reverse("inspections:inspect", args=[a.pk]))
    assert response.status_code == 200 and response.context["state"] == "not_due"
    html = response.content.decode()
    assert "2026-12-03 14:00" in html and 'id="field-form"' not in html


def test_within_the_grace_after_the_window_it_is_still_due_and_marked_late(world, insp):
    a = one_assignment(world, insp)
    with time_machine.travel(a.window_end + datetime.timedelta(hours=2)):
        client = sign_in(world.people.inspector)
        response = client.get(reverse("inspections:mine"))
        page = client.get(reverse("inspections:inspect", args=[a.pk]))
    assert [x.pk for x in response.context["due"]] == [a.pk] and response.context["due"][0].is_late
    assert page.context["state"] == "late" and 'id="field-form"' in page.content.decode()


def test_after_the_grace_it_is_missed_and_cannot_be_submitted(world, insp):
    a = one_assignment(world, insp)
    with time_machine.travel(a.window_end + datetime.timedelta(hours=25)):
        client = sign_in(world.people.inspector)
        response = client.get(reverse("inspections:mine"))
        page = client.get(reverse("inspections:inspect", args=[a.pk]))
    assert response.context["due"] == [] and [x.pk for x in response.context["missed"]] == [a.pk]
    assert page.context["state"] == "closed" and 'id="field-form"' not in page.content.decode()


def test_done_inspections_are_listed_with_their_score_and_the_page_clears_the_draft(world, insp):
    a = one_assignment(world, insp)
    answers = answers_all_pass(market_items(insp))
    answers[2] = actions.Answer(insp.plain_item.pk, outcome="fail")  # −5
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=30)):
        client = sign_in(world.people.inspector)
        inspection, _ = actions.submit(
            world.people.inspector, actions.Submission(new_key(), answers, assignment_id=a.pk)
        )
        response = client.get(reverse("inspections:mine"))
        page = client.get(reverse("inspections:inspect", args=[a.pk]))
    assert [i.pk for i in response.context["done"]] == [inspection.pk]
    assert response.context["due"] == []
    assert ">95<" in response.content.decode()
    assert page.context["state"] == "done" and config_of(page)["clearDraft"] is True
    assert reverse("inspections:detail", args=[inspection.pk]) in page.content.decode()


def test_mine_takes_a_fixed_number_of_queries(world, insp, django_assert_max_num_queries):
    for day in range(3, 9):
        one_assignment(world, insp, day=datetime.date(2026, 12, day), kind="announced")
    with time_machine.travel(at(DAY, 15)):
        client = sign_in(world.people.inspector)
        client.get(reverse("inspections:mine"))  # the session's first request writes its stamps
        with django_assert_max_num_queries(11):  # + the unread-messages count
            response = client.get(reverse("inspections:mine"))
    assert len(response.context["due"]) == 1 and len(response.context["upcoming"]) == 5


# --- the checklist page -------------------------------------------------------------------------------
def test_the_checklist_shows_protocol_items_in_order_and_the_controls(world, insp):
    insp.pts.market.walk_metres, insp.pts.market.sample_count = 200, 5
    insp.pts.market.save()
    a = one_assignment(world, insp)
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=30)):
        response = sign_in(world.people.inspector).get(reverse("inspections:inspect", args=[a.pk]))
    assert response.status_code == 200 and response.context["state"] == "open"
    assert [row["item"].code for row in response.context["rows"]] == ["NM-01", "NM-02", "NM-03"]
    html = response.content.decode()
    assert "沿主干道步行500米" in html and "200" in html  # the observation protocol
    # pass / fail / na for pass-fail items, a counter for the status-scale one
    for value in ("pass", "fail", "na"):
        assert f'name="outcome_{insp.pts.item.pk}" value="{value}"' in html
    assert f'name="violations_{insp.scale_item.pk}"' in html
    assert f'name="outcome_{insp.scale_item.pk}"' not in html
    # no capture attribute: inspectors also pick photos already taken with their 水印相机 app
    assert f'name="photo_{insp.pts.item.pk}" accept="image/*" multiple' in html
    config = config_of(response)
    veto = {item["code"]: item["veto"] for item in config["items"]}
    assert veto == {"NM-01": True, "NM-02": False, "NM-03": False}
    scale = next(item for item in config["items"] if item["code"] == "NM-02")
    assert scale["bands"] == [["A", 0], ["B", 1], ["C", 3], ["C#", 5]] and scale["scale"] is True
    assert config["point"] == {"lat": 30.2741, "lng": 120.1551} and config["farMetres"] == 300
    assert config["draftKey"] == f"cc-field:{world.people.inspector.pk}:a{a.pk}"
    # the form posts to submit with its client key and the assignment
    assert f'name="assignment" value="{a.pk}"' in html and 'name="client_key"' in html


@pytest.mark.parametrize("who", ["office", "inspector2", "township", "pointleader", "outsider"])
def test_nobody_but_the_assignee_opens_the_assignment_on_the_phone(world, insp, who):
    a = one_assignment(world, insp)
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=30)):
        response = sign_in(getattr(world.people, who)).get(reverse("inspections:inspect", args=[a.pk]))
    assert response.status_code == 404


def test_a_withdrawn_assignment_says_so(world, insp):
    a = one_assignment(world, insp, kind="announced")
    actions.cancel_plan(world.people.office, a.plan, "天气原因")
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=30)):
        response = sign_in(world.people.inspector).get(reverse("inspections:inspect", args=[a.pk]))
    assert response.context["state"] == "withdrawn" and 'id="field-form"' not in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.CANCELLED


# --- inspections outside a plan --------------------------------------------------------------------------
def test_office_starts_an_extra_covert_inspection(world, insp):
    response = sign_in(world.people.office).get(reverse("inspections:inspect_point", args=[insp.pts.gate.pk]))
    assert response.status_code == 200 and response.context["kind"] == "extra"
    assert not response.context["is_self"]
    html = response.content.decode()
    assert f'name="point" value="{insp.pts.gate.pk}"' in html and 'name="assignment"' not in html


def test_a_point_leader_self_inspects_their_point_marked_as_such(world, insp):
    response = sign_in(world.people.pointleader).get(
        reverse("inspections:inspect_point", args=[insp.pts.gate.pk])
    )
    assert response.status_code == 200 and response.context["kind"] == "self"
    assert response.context["is_self"] and 'class="alert alert-info self-mark"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "point", "status"),
    [
        ("department", "gate", 404),  # not their point: not even visible
        ("inspector", "gate", 404),  # inspectors see no points outside their assignments
        ("outsider", "gate", 404),  # another county's office
        ("township", "road_point", 403),  # visible in their township, but another unit's point
    ],
)
def test_inspecting_outside_a_plan_is_refused(world, insp, who, point, status):
    response = sign_in(getattr(world.people, who)).get(
        reverse("inspections:inspect_point", args=[getattr(insp.pts, point).pk])
    )
    assert response.status_code == status


def test_a_retired_point_cannot_be_inspected(world, insp):
    insp.pts.gate.status = PointStatus.RETIRED
    insp.pts.gate.save()
    response = sign_in(world.people.office).get(reverse("inspections:inspect_point", args=[insp.pts.gate.pk]))
    assert response.status_code == 404


def test_the_office_picks_a_point_by_code_or_name(world, insp):
    client = sign_in(world.people.office)
    response = client.get(reverse("inspections:mine"), {"q": "gate"})
    assert [p.code for p in response.context["picker"]["results"]] == ["P-GATE"]
    assert reverse("inspections:inspect_point", args=[insp.pts.gate.pk]) in response.content.decode()
    response = client.get(reverse("inspections:mine"), {"q": "东城"})
    assert [p.code for p in response.context["picker"]["results"]] == ["P-PARK", "P-SQUARE"]
    response = client.get(reverse("inspections:mine"), {"q": "石桥"})  # another county
    assert response.context["picker"]["results"] == []


def test_the_picker_offers_a_unit_only_what_it_may_self_inspect(world, insp):
    response = sign_in(world.people.township).get(reverse("inspections:mine"), {"q": "P-"})
    # 城关街道 sees 人民路 (in its township) but it is 县城管局's point
    assert [p.code for p in response.context["picker"]["results"]] == ["P-GATE"]
    assert not response.context["picker"]["is_office"]


def test_a_plain_inspector_gets_no_picker(world, insp):
    response = sign_in(world.people.inspector).get(reverse("inspections:mine"), {"q": "P-"})
    assert response.context["picker"] is None
    assert "P-GATE" not in response.content.decode()
