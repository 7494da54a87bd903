"""The rules of the loop: who may take which step, a second person verifies, units see only
their own, inspection failures open problems once, rebounds are linked, clocks run on working days."""

import datetime
import threading
import uuid

import pytest
from django.db import connection

from chuangcheng.core.workdays import add_work_hours, add_workdays
from chuangcheng.problems import actions
from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.models import Problem, ProblemEvent
from chuangcheng.problems.tests.conftest import WEDNESDAY, jpeg, new_problem, step

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


def test_four_working_hours_from_friday_afternoon_end_on_monday_morning(db):
    friday = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=TZ)
    assert add_work_hours(friday, 4) == datetime.datetime(2026, 11, 23, 11, 0, tzinfo=TZ)


def test_working_days_skip_the_national_day_holiday_and_count_the_make_up_saturday(db):
    # 2026-09-30 (Wed) + 1 working day: 10-01…10-07 are holidays, 10-10 (Sat) is a make-up workday
    start = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    assert add_workdays(start, 1).date() == datetime.date(2026, 10, 8)
    assert add_workdays(start, 3).date() == datetime.date(2026, 10, 10)


def test_category_time_limit_gives_the_deadline(world, prob):
    problem = new_problem(world, unit=world.units.department, category=prob.litter, now=WEDNESDAY)
    assert problem.deadline == datetime.datetime(2026, 11, 18, 16, 0, tzinfo=TZ)
    assert problem.time_limit_text.startswith("4")


def test_unit_cannot_close_its_own_problem(world, prob):
    problem = new_problem(world, unit=world.units.department, now=WEDNESDAY)
    step(problem, Action.ACCEPT, world.people.department, now=WEDNESDAY)
    step(problem, Action.SUBMIT, world.people.department, photos=[jpeg()], now=WEDNESDAY)
    with pytest.raises(actions.TransitionError) as refused:
        step(problem, Action.APPROVE, world.people.department, now=WEDNESDAY)
    assert refused.value.code == "forbidden"
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.SUBMITTED


def test_the_submitter_cannot_verify_their_own_fix(world, prob):
    office = world.people.office
    from chuangcheng.org.choices import Role
    from chuangcheng.org.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=office, unit=world.units.department, role=Role.UNIT_STAFF)
    office._role_assignment_cache = None
    problem = new_problem(world, unit=world.units.department, now=WEDNESDAY)
    step(problem, Action.ACCEPT, office, now=WEDNESDAY)
    step(problem, Action.SUBMIT, office, photos=[jpeg()], now=WEDNESDAY)
    with pytest.raises(actions.TransitionError) as refused:
        step(problem, Action.APPROVE, office, now=WEDNESDAY)
    assert refused.value.code == "same_person"
    assert ProblemEvent.objects.filter(problem=problem, action=Action.APPROVE).count() == 0


def test_submit_without_an_image_is_refused_and_nothing_changes(world, prob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    problem = new_problem(world, unit=world.units.department, now=WEDNESDAY)
    step(problem, Action.ACCEPT, world.people.department, now=WEDNESDAY)
    fake = SimpleUploadedFile("fix.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(actions.TransitionError) as refused:
        step(problem, Action.SUBMIT, world.people.department, photos=[fake], now=WEDNESDAY)
    assert refused.value.field == "photos"
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RECTIFYING


def test_assigning_outside_the_campaign_area_is_refused(world, prob):
    problem = new_problem(world, now=WEDNESDAY)
    with pytest.raises(actions.TransitionError) as refused:
        step(problem, Action.ASSIGN, world.people.office, unit=world.units.other_township)
    assert refused.value.field == "unit"
    assert Problem.objects.get(pk=problem.pk).responsible_unit_id is None


def test_extension_into_the_past_is_refused(world, prob):
    problem = new_problem(world, unit=world.units.department)
    with pytest.raises(actions.TransitionError):
        step(
            problem,
            Action.EXTEND,
            world.people.office,
            note="延期",
            deadline=datetime.datetime(2020, 1, 1, tzinfo=TZ),
        )


def test_township_cannot_see_or_act_on_a_department_problem(world, prob):
    problem = new_problem(world, unit=world.units.department)
    assert not Problem.objects.visible_to(world.people.township).filter(pk=problem.pk).exists()
    assert Problem.objects.visible_to(world.people.department).filter(pk=problem.pk).exists()
    with pytest.raises(actions.TransitionError) as refused:
        step(problem, Action.ACCEPT, world.people.township)
    assert refused.value.code == "not_found"


def test_other_county_office_sees_nothing(world, prob):
    problem = new_problem(world, unit=world.units.department)
    assert not Problem.objects.visible_to(world.people.outsider).filter(pk=problem.pk).exists()


def test_other_units_problem_page_is_404(world, prob, login):
    problem = new_problem(world, unit=world.units.department)
    client = login(world.people.neighbour)
    assert client.get(problem.get_absolute_url()).status_code == 404
    assert client.post(f"/problems/{problem.pk}/step/accept/").status_code == 404
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.ASSIGNED


def test_unit_inbox_lists_its_problem_with_a_one_tap_accept(world, prob, login):
    problem = new_problem(world, unit=world.units.department, title="人民路暴露垃圾")
    client = login(world.people.department)
    page = client.get("/problems/inbox/").content.decode()
    assert "人民路暴露垃圾" in page and f"/problems/{problem.pk}/step/accept/" in page
    response = client.post(f"/problems/{problem.pk}/step/accept/", {"next": "inbox"})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RECTIFYING


def test_a_failure_at_the_same_point_and_item_after_closing_is_a_rebound(world, prob):
    point, item = prob.pts.gate, prob.pts.item
    first = new_problem(world, unit=world.units.community, point=point, check_item=item)
    step(first, Action.ACCEPT, world.people.pointleader)
    step(first, Action.SUBMIT, world.people.pointleader, photos=[jpeg()])
    step(first, Action.APPROVE, world.people.office)
    again = new_problem(world, unit=world.units.community, point=point, check_item=item)
    assert again.is_rebound and again.rebound_of_id == first.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises writers"
)
def test_twenty_simultaneous_closes_exactly_one_succeeds(world, prob):
    from chuangcheng.org.choices import Role
    from chuangcheng.org.tests.factories import RoleAssignmentFactory, UserFactory

    problem = new_problem(world, unit=world.units.department)
    step(problem, Action.ACCEPT, world.people.department)
    step(problem, Action.SUBMIT, world.people.department, photos=[jpeg()])
    clerks = []
    for n in range(20):
        clerk = UserFactory(username=f"clerk{n}-{uuid.uuid4().hex[:4]}", unit=world.units.office_unit)
        RoleAssignmentFactory(user=clerk, unit=world.units.office_unit, role=Role.OFFICE)
        clerks.append(clerk)
    barrier = threading.Barrier(20)
    outcomes = []

    def close(clerk):
        barrier.wait()
        try:
            step(problem, Action.APPROVE, clerk)
            outcomes.append("ok")
        except actions.TransitionError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert outcomes.count("state") == 19
    assert ProblemEvent.objects.filter(problem=problem, action=Action.APPROVE).count() == 1


def test_a_covert_finding_cannot_be_given_a_deadline_before_its_embargo_ends(world, prob):
    problem = new_problem(world, unit=world.units.department, now=WEDNESDAY)
    Problem.objects.filter(pk=problem.pk).update(embargo_until=datetime.date(2026, 11, 30))
    with pytest.raises(actions.TransitionError) as refused:
        step(
            problem,
            Action.REASSIGN,
            world.people.office,
            note="改派城关街道",
            unit=world.units.township,
            deadline=datetime.datetime(2026, 11, 25, 17, 0, tzinfo=TZ),
            now=WEDNESDAY,
        )
    assert refused.value.field == "deadline"
    assert Problem.objects.get(pk=problem.pk).responsible_unit == world.units.department
