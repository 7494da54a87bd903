"""问责监督: the discipline commission sees, read-only, which units and point leaders let problems
run overdue, get sent back, or come back after closing — and units see nothing of it."""

import datetime

import pytest
import time_machine

from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.problems.oversight import accountability
from chuangcheng.problems.tests.conftest import WEDNESDAY, jpeg, new_problem, step

pytestmark = pytest.mark.django_db
URL = "/problems/oversight/"


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


@pytest.fixture
def history(world, prob):
    """县城管局: one problem overdue, one closed after a rework. 西门社区 (at the gate, point
    leader 社区点长): one closed, then the same item failing again — a rebound."""
    p, u = world.people, world.units
    with time_machine.travel(WEDNESDAY, tick=False):
        late = new_problem(world, unit=u.department, category=prob.litter, title="人民路暴露垃圾")
        reworked = new_problem(world, unit=u.department, title="解放路道路不洁")
        step(reworked, Action.ACCEPT, p.department)
        step(reworked, Action.SUBMIT, p.department, photos=[jpeg()])
        step(reworked, Action.SEND_BACK, p.office, note="仍有残留")
        step(reworked, Action.SUBMIT, p.department, photos=[jpeg()])
        step(reworked, Action.APPROVE, p.office)
        gate, item = prob.pts.gate, prob.pts.item
        first = new_problem(world, unit=u.community, point=gate, check_item=item, title="市场消防通道堵塞")
        step(first, Action.ACCEPT, p.pointleader)
        step(first, Action.SUBMIT, p.pointleader, photos=[jpeg()])
        step(first, Action.APPROVE, p.office)
        again = new_problem(world, unit=u.community, point=gate, check_item=item, title="市场消防通道堵塞")
    return {"late": late, "reworked": reworked, "first": first, "again": again}


def test_figures_by_unit_and_by_point_leader(world, history):
    # a week later the litter (4 working hours) is long overdue; the rebound is still within time
    with time_machine.travel(WEDNESDAY + datetime.timedelta(days=7), tick=False):
        figures = accountability(Problem.objects.all())
    by_unit = {row["unit"].name: row for row in figures.by_unit}
    assert list(by_unit) == ["县城管局", "西门社区"]  # the one with an overdue problem first
    department = by_unit["县城管局"]
    assert (department["total"], department["overdue"], department["reworked"], department["reworks"]) == (
        2,
        1,
        1,
        1,
    )
    assert department["rebounds"] == 0
    community = by_unit["西门社区"]
    assert (community["total"], community["overdue"], community["rebounds"]) == (2, 0, 1)
    by_person = {row["person"].username: row for row in figures.by_person}
    assert list(by_person) == ["pointleader"]
    assert (by_person["pointleader"]["rebounds"], by_person["pointleader"]["points"]) == (1, 1)
    assert [p.code for p in figures.worst] == [history["late"].code]
    assert figures.totals["overdue"] == 1 and figures.totals["rebounds"] == 1


def test_oversight_page_names_the_units_and_people_and_links_to_the_problems(world, history, login):
    with time_machine.travel(WEDNESDAY + datetime.timedelta(days=7), tick=False):
        page = login(world.people.oversight).get(URL + "?found_from=2026-11-01").content.decode()
    assert "县城管局" in page and "社区点长" in page
    assert history["late"].code in page
    assert f"?responsible_unit={world.units.department.pk}&found_from=2026-11-01" in page
    # read-only: no step buttons, no forms that post
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main and "/step/" not in main


def test_the_leader_and_the_office_see_it_too(world, history, login):
    for person in (world.people.leader, world.people.office):
        assert "县城管局" in login(person).get(URL + "?found_from=2026-11-01").content.decode()


@pytest.mark.parametrize("persona", ["department", "township", "pointleader", "inspector", "nobody"])
def test_units_and_inspectors_are_refused(world, history, login, persona):
    assert login(getattr(world.people, persona)).get(URL).status_code == 403


def test_another_countys_office_sees_none_of_this_county(world, history, login):
    page = login(world.people.outsider).get(URL + "?found_from=2026-11-01").content.decode()
    assert "县城管局" not in page and history["late"].code not in page


def test_a_start_after_the_end_is_refused_in_chinese(world, history, login):
    response = login(world.people.oversight).get(URL + "?found_from=2026-12-01&found_to=2026-11-01")
    assert response.status_code == 400
    assert "开始日期晚于结束日期" in response.content.decode()


def test_covert_findings_under_embargo_are_not_counted(world, prob):
    problem = new_problem(world, unit=world.units.department, title="暗访发现")
    Problem.objects.filter(pk=problem.pk).update(
        embargo_until=datetime.date.today() + datetime.timedelta(days=5)
    )
    assert accountability(Problem.objects.all()).totals["total"] == 0
    Problem.objects.filter(pk=problem.pk).update(embargo_until=None, status=ProblemStatus.ASSIGNED)
    assert accountability(Problem.objects.all()).totals["total"] == 1


def test_a_fix_awaiting_verification_is_not_the_units_overdue(world, prob):
    with time_machine.travel(WEDNESDAY, tick=False):
        problem = new_problem(world, unit=world.units.department, category=prob.litter, title="暴露垃圾")
        step(problem, Action.ACCEPT, world.people.department)
        step(problem, Action.SUBMIT, world.people.department, photos=[jpeg()])  # on time
    with time_machine.travel(WEDNESDAY + datetime.timedelta(days=7), tick=False):
        figures = accountability(Problem.objects.all())  # the office has not verified it yet
    assert figures.totals["overdue"] == 0 and figures.worst == []
