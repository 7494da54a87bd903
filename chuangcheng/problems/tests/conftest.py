"""The problems world: the points of ``pts`` and a two-level catalogue in 示范县.

Categories (示范县):
  SR     市容环境 (event, big class)
  SR-01  暴露垃圾  4 working hours, responsible 县城管局
  SR-02  私搭乱建  20 working days
Problems are made through the actions (``assigned_problem``), so their clocks are real.
"""

import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chuangcheng.inspections import actions as inspections
from chuangcheng.inspections import photos as evidence
from chuangcheng.inspections.tests.conftest import jpeg_upload, month_rules, new_key, plan_input
from chuangcheng.points.tests.conftest import pts  # noqa: F401  (fixture)
from chuangcheng.problems import actions
from chuangcheng.problems.choices import Action, CategoryClass, ProblemSource, TimeUnit
from chuangcheng.problems.tests.factories import CategoryFactory

# a Wednesday, a normal working day, 10:00 Beijing time
WEDNESDAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def prob(world, pts):  # noqa: F811
    u = world.units
    t = SimpleNamespace(pts=pts)
    t.big = CategoryFactory(area=u.county, code="SR", name="市容环境", category_class=CategoryClass.EVENT)
    t.litter = CategoryFactory(
        area=u.county,
        parent=t.big,
        code="SR-01",
        name="暴露垃圾",
        time_limit=4,
        time_unit=TimeUnit.WORK_HOURS,
        responsible_unit=u.department,
    )
    t.shack = CategoryFactory(
        area=u.county,
        parent=t.big,
        code="SR-02",
        name="私搭乱建",
        time_limit=20,
        time_unit=TimeUnit.WORK_DAYS,
    )
    return t


def jpeg(name="after.jpg", size=(64, 48), colour=(30, 160, 60)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def new_problem(world, *, unit=None, category=None, point=None, now=None, **extra) -> "actions.Problem":
    """A problem the office records (and assigns to ``unit`` when given)."""
    data = actions.NewProblem(
        area=world.units.county,
        source=extra.pop("source", ProblemSource.OTHER),
        title=extra.pop("title", "人民路垃圾堆放"),
        category=category,
        point=point,
        address=extra.pop("address", "人民路1号"),
        unit=unit,
        **extra,
    )
    return actions.create_problem(world.people.office, data, now=now or timezone.now())


def step(problem, action, actor, now=None, **extra):
    return actions.transition(problem.pk, actions.Step(action, **extra), actor, now=now)


ACCEPT, SUBMIT, APPROVE, SEND_BACK = Action.ACCEPT, Action.SUBMIT, Action.APPROVE, Action.SEND_BACK


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """That day at that hour, Beijing time."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WEDNESDAY.tzinfo)


def covert_failure(world, checklists, start, end, day, *, inspector, retries=0):
    """A covert plan over [start, end] visiting the market on ``day``; ``inspector`` fails its
    veto item (市场内无暴露垃圾) with a photo. Returns the inspection."""
    data = plan_input(
        world,
        checklists,
        name=f"暗访 {start}",
        period_start=start,
        period_end=end,
        point_type_ids=[checklists.pts.market.pk],
        rules=month_rules(day, day, day_parts=("morning",)),
        inspector_ids=[inspector.pk],
    )
    with time_machine.travel(at(start, 8) - datetime.timedelta(days=3)):
        plan = inspections.create_plan(world.people.office, data)
    assignment = plan.assignments.get(point=checklists.pts.gate)
    answers = [
        inspections.Answer(checklists.pts.item.pk, outcome="fail", note="市场东门垃圾堆积"),
        inspections.Answer(checklists.scale_item.pk, violations=0),
        inspections.Answer(checklists.plain_item.pk, outcome="pass"),
    ]
    key = new_key()
    with time_machine.travel(assignment.window_start + datetime.timedelta(minutes=30)):
        for _ in range(1 + retries):  # the phone's answer was lost: it sends everything again
            submission = inspections.Submission(
                client_key=key,
                assignment_id=assignment.pk,
                answers=answers,
                photos=evidence.prepare_all({checklists.pts.item.pk: [jpeg_upload()]}),
            )
            inspection, _ = inspections.submit(inspector, submission)
    return inspection
