"""The loop: assigned → accepted → fix submitted → sent back → resubmitted → closed."""

import pytest

from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.models import ProblemEvent
from chuangcheng.problems.tests.conftest import WEDNESDAY, jpeg, new_problem, step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


def test_full_loop_with_one_rework(world, prob):
    p = world.people
    problem = new_problem(world, unit=world.units.department, category=prob.litter, now=WEDNESDAY)
    assert problem.status == ProblemStatus.ASSIGNED
    step(problem, Action.ACCEPT, p.department, now=WEDNESDAY)
    step(problem, Action.SUBMIT, p.department, note="已清理", photos=[jpeg()], now=WEDNESDAY)
    step(problem, Action.SEND_BACK, p.office, note="仍有残留", now=WEDNESDAY)
    step(problem, Action.SUBMIT, p.department, note="再次清理", photos=[jpeg()], now=WEDNESDAY)
    problem = step(problem, Action.APPROVE, p.office, note="复核通过", now=WEDNESDAY)
    assert problem.status == ProblemStatus.CLOSED
    assert problem.rework_count == 1
    assert list(ProblemEvent.objects.filter(problem=problem).values_list("action", flat=True)) == [
        "create",
        "assign",
        "accept",
        "submit",
        "send_back",
        "submit",
        "approve",
    ]
    assert problem.photos.filter(kind="after").count() == 2
