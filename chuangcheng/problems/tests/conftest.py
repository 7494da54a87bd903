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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

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
