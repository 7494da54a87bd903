"""消息: a problem's notices reach the unit's inbox (and nobody else's), copies go out by email
and SMS when configured (phone numbers masked in the log), and no notice of a covert finding
names its inspector or its plan."""

import datetime
import logging
from collections import deque

import pytest
import time_machine

from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.notifications.channels import ConsoleSmsGateway
from chuangcheng.notifications.models import Notification
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory, UserFactory
from chuangcheng.problems import actions
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import covert_failure, new_problem

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


@pytest.fixture
def assigned(world, prob):
    """人民路垃圾堆放, recorded by the office and assigned to 县城管局."""
    return new_problem(world, unit=world.units.department)


# --- the inbox ----------------------------------------------------------------------------------
def test_assigning_a_problem_puts_a_notice_with_its_link_in_the_units_inbox(world, assigned, login):
    notice = Notification.objects.get(recipient=world.people.department)
    assert (notice.kind, notice.title, notice.body, notice.url, notice.read_at) == (
        "problem.assigned",
        f"新交办问题：{assigned.code}",
        "人民路垃圾堆放",
        assigned.get_absolute_url(),
        None,
    )
    page = login(world.people.department).get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/notifications/{notice.pk}/"' in html and f"新交办问题：{assigned.code}" in html
    # following it opens the problem
    opened = login(world.people.department).get(f"/notifications/{notice.pk}/")
    assert (opened.status_code, opened["Location"]) == (302, assigned.get_absolute_url())


def test_another_unit_has_no_notice_of_the_problem(world, assigned, login):
    assert Notification.objects.filter(recipient=world.people.neighbour).count() == 0
    html = login(world.people.neighbour).get("/notifications/").content.decode()
    assert "暂无消息。" in html and assigned.code not in html


def test_opening_a_notice_marks_it_read(world, assigned, login):
    notice = Notification.objects.get(recipient=world.people.department)
    with time_machine.travel(at(11, 18, 11), tick=False):
        login(world.people.department).get(f"/notifications/{notice.pk}/")
    notice.refresh_from_db()
    assert notice.read_at == at(11, 18, 11)
    assert Notification.objects.visible_to(world.people.department).unread().count() == 0


def test_mark_all_read_marks_only_ones_own_notices(world, assigned, login):
    new_problem(world, unit=world.units.township2, title="东城公园绿化带垃圾")
    with time_machine.travel(at(11, 18, 11), tick=False):
        assert login(world.people.department).post("/notifications/read-all/").status_code == 302
    assert list(
        Notification.objects.filter(kind="problem.assigned")
        .order_by("recipient__username")
        .values_list("recipient__username", "read_at")
    ) == [("department", at(11, 18, 11)), ("neighbour", None)]


def test_nobody_can_open_or_mark_read_another_persons_notice(world, assigned, login):
    notice = Notification.objects.get(recipient=world.people.department)
    for person in (world.people.neighbour, world.people.office, world.people.outsider):
        assert login(person).get(f"/notifications/{notice.pk}/").status_code == 404
        assert login(person).post("/notifications/read-all/").status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


# --- outbound copies ----------------------------------------------------------------------------
@pytest.fixture
def staff_without_contacts(world):
    """A second clerk of 县城管局, with neither email nor a mobile (an office landline only)."""
    clerk = UserFactory(
        username="clerk", full_name="城管科员", unit=world.units.department, phone="0571-87654321"
    )
    RoleAssignmentFactory(user=clerk, unit=world.units.department, role=Role.UNIT_STAFF)
    return clerk


def test_with_the_email_channel_people_with_an_address_get_one_copy(
    world, prob, settings, mailoutbox, staff_without_contacts, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = ["email"]
    world.people.department.email = "chengguan@example.cn"
    world.people.department.save()
    with django_capture_on_commit_callbacks(execute=True):
        problem = new_problem(world, unit=world.units.department)
    # both have it in the inbox; only the one with an address by email, once
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "clerk",
        "department",
    ]
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["chengguan@example.cn"], f"新交办问题：{problem.code}", "人民路垃圾堆放")
    ]


def test_without_channels_nothing_goes_out(
    world, prob, settings, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = []
    world.people.department.email = "chengguan@example.cn"
    world.people.department.phone = "13812345678"
    world.people.department.save()
    caplog.set_level(logging.INFO, logger="chuangcheng.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        new_problem(world, unit=world.units.department)
    assert mailoutbox == []
    assert [r for r in caplog.records if r.name == "chuangcheng.notifications"] == []


def test_with_the_sms_channel_the_console_gateway_logs_a_masked_number(
    world, prob, settings, caplog, monkeypatch, staff_without_contacts, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = ["sms"]
    settings.SMS_GATEWAY = "chuangcheng.notifications.channels.ConsoleSmsGateway"
    monkeypatch.setattr(ConsoleSmsGateway, "sent", deque(maxlen=100))
    world.people.department.phone = "13812345678"
    world.people.department.save()
    caplog.set_level(logging.INFO, logger="chuangcheng.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        problem = new_problem(world, unit=world.units.department)
    # one message, to the mobile (the landline gets none); the log never holds the whole number
    assert [r.getMessage() for r in caplog.records if r.name == "chuangcheng.notifications"] == [
        f"SMS to 138****5678: 新交办问题：{problem.code}：人民路垃圾堆放"
    ]
    assert "13812345678" not in caplog.text
    assert list(ConsoleSmsGateway.sent) == [("138****5678", f"新交办问题：{problem.code}：人民路垃圾堆放")]


# --- covert findings ----------------------------------------------------------------------------
def test_no_notice_of_a_covert_finding_names_its_inspector_or_its_plan(world, insp, prob):  # noqa: F811
    p, u = world.people, world.units
    u.community.principal = p.member_community
    u.community.leader_in_charge = UserFactory(username="chief", full_name="社区分管主任", unit=u.community)
    u.community.save()
    inspection = covert_failure(
        world,
        insp,
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 13),
        datetime.date(2026, 11, 4),
        inspector=p.inspector,
    )
    problem = Problem.objects.get(inspection=inspection)
    # released on Saturday, yellow on Monday afternoon, overdue on Tuesday
    for moment in (at(11, 14, 0, 5), at(11, 16, 16, 10), at(11, 17, 9)):
        with time_machine.travel(moment, tick=False):
            actions.housekeeping()

    about = Notification.objects.filter(url=problem.get_absolute_url())
    # 西门社区 has no staff accounts: its principal and leader in charge stand for it
    assert sorted(about.values_list("recipient__username", "kind")) == [
        ("chief", "problem.assigned"),
        ("chief", "problem.overdue"),
        ("chief", "problem.reminder"),
        ("leader", "problem.overdue"),
        ("m_community", "problem.assigned"),
        ("m_community", "problem.overdue"),
        ("m_community", "problem.reminder"),
        ("pointleader", "problem.assigned"),
        ("pointleader", "problem.reminder"),
    ]
    secrets = (p.inspector.full_name, p.inspector.username, inspection.plan.name)
    outside_the_office = Notification.objects.exclude(recipient__in=[p.office, p.inspector])
    texts = [text for notice in outside_the_office for text in (notice.title, notice.body)]
    assert len(texts) == 18
    assert [t for t in texts if any(secret in t for secret in secrets)] == []
    assert {notice.body for notice in about} == {"市场内无暴露垃圾"}  # the failed item, nothing more
