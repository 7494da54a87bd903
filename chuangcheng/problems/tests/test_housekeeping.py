"""问题 housekeeping (every 15 minutes): a reminder when 80 % of the time is used, escalation of
overdue problems to the unit's leader in charge and the county leaders paired with it, covert
findings told to their unit only once the embargo ends — each notice exactly once."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.notifications.models import Notification
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import PairingFactory, RoleAssignmentFactory, UserFactory
from chuangcheng.problems import actions, tasks
from chuangcheng.problems.choices import Action
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import WEDNESDAY, covert_failure, jpeg, new_problem, step

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
NOTHING = {"released": 0, "reminded": 0, "escalated": 0}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def housekeeping_at(moment: datetime.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return actions.housekeeping()


def received(kind: str) -> list[tuple[str, str]]:
    """(recipient, title) of every notice of ``kind``, in a stable order."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "title"))


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


@pytest.fixture
def litter_on_the_road(world, prob):
    """暴露垃圾 (4 working hours) at 人民路, assigned to 县城管局 on Wednesday at 10:00: due at
    16:00, yellow from 15:12 (80 % of 10:00–12:00 and 14:00–16:00)."""
    with time_machine.travel(WEDNESDAY, tick=False):
        return new_problem(
            world, unit=world.units.department, category=prob.litter, point=prob.pts.road_point
        )


# --- reminders --------------------------------------------------------------------------------
def test_a_problem_past_80_percent_of_its_time_gets_exactly_one_reminder(world, litter_on_the_road):
    problem = litter_on_the_road
    assert problem.warn_at == at(11, 18, 15, 12)

    assert housekeeping_at(at(11, 18, 15, 0)) == NOTHING  # still green
    assert housekeeping_at(at(11, 18, 15, 15)) == {**NOTHING, "reminded": 1}
    assert housekeeping_at(at(11, 18, 15, 30)) == NOTHING  # run again: nothing more

    # the unit's staff and the point's leader, once each
    title = f"即将到期：{problem.code} 须于 11-18 16:00 前整改"
    assert received("problem.reminder") == [("department", title), ("roadleader", title)]
    notice = Notification.objects.filter(kind="problem.reminder").first()
    assert notice.url == problem.get_absolute_url()
    problem.refresh_from_db()
    assert (problem.reminded_at, problem.escalated_at) == (at(11, 18, 15, 15), None)


@pytest.mark.parametrize("verified", [False, True], ids=["awaiting-verification", "closed"])
def test_a_fix_submitted_in_time_is_neither_reminded_nor_escalated(world, litter_on_the_road, verified):
    problem, p = litter_on_the_road, world.people
    step(problem, Action.ACCEPT, p.department, now=at(11, 18, 10, 30))
    step(problem, Action.SUBMIT, p.department, now=at(11, 18, 15, 0), photos=[jpeg()], note="已清运")
    if verified:
        step(problem, Action.APPROVE, p.office, now=at(11, 18, 15, 10))
    # the unit has done its part: the office's verification is not the unit's delay
    assert housekeeping_at(at(11, 18, 15, 15)) == NOTHING
    assert housekeeping_at(at(11, 18, 16, 30)) == NOTHING
    assert Notification.objects.filter(kind__in=["problem.reminder", "problem.overdue"]).count() == 0
    problem.refresh_from_db()
    assert (problem.reminded_at, problem.escalated_at) == (None, None)


# --- escalation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit_name", "expected"),
    [
        # 城关街道 itself: its staff, its leader in charge and the county leader paired with it
        ("township", ["chief", "leader", "township"]),
        # 西门社区 lies below 城关街道: the pairing's leader hears of it too; the community has no
        # staff accounts, so its leader in charge stands for the unit
        ("community", ["chief", "leader"]),
    ],
)
def test_an_overdue_problem_is_escalated_once_to_the_leader_in_charge_and_the_paired_leader(
    world, prob, unit_name, expected
):
    unit = getattr(world.units, unit_name)
    unit.leader_in_charge = UserFactory(username="chief", full_name="分管副主任", unit=unit)
    unit.save()
    # a county leader paired with another street hears nothing of it
    other_leader = UserFactory(username="leader2", full_name="另一副县长", unit=world.units.leading_group)
    RoleAssignmentFactory(user=other_leader, unit=world.units.leading_group, role=Role.LEADER)
    PairingFactory(leader=other_leader, unit=world.units.township2, started_on=datetime.date(2026, 3, 1))
    with time_machine.travel(WEDNESDAY, tick=False):
        problem = new_problem(world, unit=unit, category=prob.litter)
    assert problem.deadline == at(11, 18, 16, 0)

    assert housekeeping_at(at(11, 18, 16, 30)) == {**NOTHING, "escalated": 1}
    assert housekeeping_at(at(11, 18, 17, 0)) == NOTHING
    assert housekeeping_at(at(11, 19, 9, 0)) == NOTHING  # the next morning: still nothing more

    title = f"已逾期：{problem.code}（{unit.name}）"
    assert received("problem.overdue") == [(username, title) for username in expected]
    problem.refresh_from_db()
    assert problem.escalated_at == at(11, 18, 16, 30)


def test_an_extension_gives_the_new_deadline_its_own_reminder_and_escalation(world, litter_on_the_road):
    problem = litter_on_the_road
    assert housekeeping_at(at(11, 18, 15, 15)) == {**NOTHING, "reminded": 1}
    assert housekeeping_at(at(11, 18, 16, 30)) == {**NOTHING, "escalated": 1}

    # Thursday morning the office grants until Friday 17:30
    step(
        problem,
        Action.EXTEND,
        world.people.office,
        now=at(11, 19, 9),
        note="需协调环卫车辆",
        deadline=at(11, 20, 17, 30),
    )
    problem.refresh_from_db()
    assert (problem.reminded_at, problem.escalated_at, problem.extension_count) == (None, None, 1)
    # 80 % of the working time from Wednesday 10:00 to Friday 17:30 (19.5 hours) is used on
    # Friday at 11:36
    assert problem.warn_at == at(11, 20, 11, 36)

    assert housekeeping_at(at(11, 19, 10, 0)) == NOTHING  # green again
    assert housekeeping_at(at(11, 20, 11, 40)) == {**NOTHING, "reminded": 1}
    assert housekeeping_at(at(11, 20, 17, 45)) == {**NOTHING, "escalated": 1}
    assert housekeeping_at(at(11, 20, 18, 0)) == NOTHING

    first = f"即将到期：{problem.code} 须于 11-18 16:00 前整改"
    second = f"即将到期：{problem.code} 须于 11-20 17:30 前整改"
    assert received("problem.reminder") == [
        ("department", first),
        ("department", second),
        ("roadleader", first),
        ("roadleader", second),
    ]
    assert Notification.objects.filter(kind="problem.overdue", recipient=world.people.department).count() == 2


# --- covert findings --------------------------------------------------------------------------
@pytest.fixture
def covert(world, insp):  # noqa: F811
    """暗访 of 2–13 November: on Wednesday the 4th 西门菜市场 (西门社区, point leader 社区点长)
    fails its veto item. Embargoed to Friday the 13th; 1 working day from its end: due Monday
    the 16th at 17:30. 西门社区's principal is a plain member (the unit has no staff accounts)."""
    world.units.community.principal = world.people.member_community
    world.units.community.save()
    inspection = covert_failure(
        world,
        insp,
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 13),
        datetime.date(2026, 11, 4),
        inspector=world.people.inspector,
    )
    return Problem.objects.get(inspection=inspection)


def outside_the_office(world):
    """Everyone who must hear nothing of a covert finding while its embargo lasts."""
    p = world.people
    return [p.member_community, p.pointleader, p.township, p.leader, p.oversight, p.department]


def test_a_covert_finding_is_told_to_nobody_while_embargoed_and_to_its_unit_once_after(world, covert):
    problem = covert
    assert (problem.embargo_until, problem.deadline) == (datetime.date(2026, 11, 13), at(11, 16, 17, 30))
    for moment in (at(11, 4, 14), at(11, 10, 10), at(11, 13, 23, 45)):
        assert housekeeping_at(moment) == NOTHING
    assert Notification.objects.filter(recipient__in=outside_the_office(world)).count() == 0

    # Saturday the 14th, just after midnight: the unit is told, once
    assert housekeeping_at(at(11, 14, 0, 5)) == {**NOTHING, "released": 1}
    assert housekeeping_at(at(11, 14, 0, 20)) == NOTHING
    assert housekeeping_at(at(11, 14, 10, 0)) == NOTHING
    title = f"新交办问题：{problem.code}"
    assert received("problem.assigned") == [("m_community", title), ("pointleader", title)]
    assert Notification.objects.filter(recipient__in=outside_the_office(world)).count() == 2


def test_a_covert_finding_whose_clock_ran_out_under_embargo_is_neither_reminded_nor_escalated(world, covert):
    problem = covert
    # the clock inside the embargo (as a short deadline set by the office would put it)
    Problem.objects.filter(pk=problem.pk).update(warn_at=at(11, 5, 9), deadline=at(11, 6, 17, 30))
    assert housekeeping_at(at(11, 5, 10)) == NOTHING
    assert housekeeping_at(at(11, 10, 10)) == NOTHING
    problem.refresh_from_db()
    assert (problem.reminded_at, problem.escalated_at) == (None, None)
    assert Notification.objects.filter(recipient__in=outside_the_office(world)).count() == 0

    # once the embargo has ended, it is told and escalated (to the leader paired with 城关街道)
    assert housekeeping_at(at(11, 14, 0, 5)) == {**NOTHING, "released": 1, "escalated": 1}
    assert received("problem.overdue") == [
        ("leader", f"已逾期：{problem.code}（西门社区）"),
        ("m_community", f"已逾期：{problem.code}（西门社区）"),
    ]


def test_a_released_covert_finding_reassigned_is_announced_once_to_the_new_unit(world, covert):
    problem = covert
    assert housekeeping_at(at(11, 14, 0, 5)) == {**NOTHING, "released": 1}
    # Monday: not 西门社区's — the office passes it to 县城管局, which is told at once…
    step(
        problem,
        Action.REASSIGN,
        world.people.office,
        now=at(11, 16, 9),
        note="属城管执法范围",
        unit=world.units.department,
    )
    title = f"新交办问题：{problem.code}"
    assert received("problem.assigned") == [
        ("department", title),  # the reassignment
        ("m_community", title),  # the release
        ("pointleader", title),  # the release
        ("pointleader", title),  # the reassignment (still the point's leader)
    ]
    # …and not a second time by the next housekeeping runs
    assert housekeeping_at(at(11, 16, 9, 15)) == NOTHING
    assert housekeeping_at(at(11, 16, 9, 30)) == NOTHING
    assert Notification.objects.filter(kind="problem.assigned").count() == 4


# --- the command and the task -----------------------------------------------------------------
def test_the_management_command_prints_the_counts(world, litter_on_the_road):
    out = io.StringIO()
    with time_machine.travel(at(11, 18, 15, 15), tick=False):
        call_command("problems_housekeeping", stdout=out)  # raises on failure: exit status 1
    assert out.getvalue() == "released 0, reminded 1, escalated 0\n"
    with time_machine.travel(at(11, 18, 16, 30), tick=False):
        call_command("problems_housekeeping", stdout=out)
    assert out.getvalue().splitlines() == [
        "released 0, reminded 1, escalated 0",
        "released 0, reminded 0, escalated 1",
    ]


def test_the_celery_task_does_the_same_work(world, litter_on_the_road):
    with time_machine.travel(at(11, 18, 16, 30), tick=False):
        assert tasks.housekeeping.delay().get() == {**NOTHING, "escalated": 1}
        assert tasks.housekeeping.delay().get() == NOTHING
