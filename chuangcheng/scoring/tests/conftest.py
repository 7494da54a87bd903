"""A November of inspections and problems in 示范县, for the evaluation tests.

Office extra inspections (they count like covert ones; self-inspections never do):
  西门菜市场 (market, 西门社区 under 城关街道, leader 社区点长): 4 Nov all pass; 18 Nov the veto item fails
  人民路 (road, 县城管局, township 城关街道):                  10 Nov passes; 20 Nov the road item fails (−4)
  东城公园 (road, 东城街道):                                   12 Nov passes
The failures open problems (the intake hook); their embargo runs to 30 November, so their
clocks start in December and they are not due in November.

Problems the office records for 县城管局 (clocks in November):
  A  2 Nov 10:00 暴露垃圾 (4 working hours → 16:00): sent back once, fixed 14:00, closed — on time
  B 16 Nov 10:00 no category (general, 5 working days → 23 Nov 17:30): never accepted — overdue
  C  9 Nov 10:00 at 人民路 for 路面整洁 (→ 16 Nov 17:30): fixed 18 Nov, closed 19 Nov — late
  D 25 Nov 10:00 at 人民路 for 路面整洁 again: a rebound of C (due in December)
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
import time_machine

from chuangcheng.inspections import actions as inspections
from chuangcheng.inspections import photos as evidence
from chuangcheng.inspections.models import Inspection
from chuangcheng.inspections.tests.conftest import insp, jpeg_upload, new_key  # noqa: F401  (fixture)
from chuangcheng.points.tests.conftest import pts  # noqa: F401  (fixture)
from chuangcheng.problems.choices import Action
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import at, jpeg, new_problem, prob, step  # noqa: F401  (fixture)

NOVEMBER = datetime.date(2026, 11, 1)
AFTER_NOVEMBER = at(datetime.date(2026, 12, 3), 9)


def checklist(insp, point):  # noqa: F811
    if point.point_type_id == insp.pts.market.pk:
        return [insp.pts.item, insp.scale_item, insp.plain_item]
    return [insp.road_item]


def visit(world, insp, point, day: datetime.date, fails=()):  # noqa: F811
    """The office's extra inspection of ``point`` at 10:00 on ``day``, failing ``fails``."""
    answers, photos = [], {}
    for item in checklist(insp, point):
        failed = item in fails
        if item.scoring_mode == "status_scale":
            answers.append(inspections.Answer(item.pk, violations=6 if failed else 0))
        else:
            answers.append(inspections.Answer(item.pk, outcome="fail" if failed else "pass"))
        if failed and item.photo_required_on_failure:
            photos[item.pk] = [jpeg_upload()]
    with time_machine.travel(at(day, 10), tick=False):
        inspection, _ = inspections.submit(
            world.people.office,
            inspections.Submission(
                new_key(), answers, point_id=point.pk, photos=evidence.prepare_all(photos)
            ),
        )
    return inspection


def mean(scores) -> Decimal:
    scores = list(scores)
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def november(world, insp, prob, media_in_tmp):  # noqa: F811
    points, p = insp.pts, world.people
    m = SimpleNamespace(insp=insp, prob=prob)
    visit(world, insp, points.gate, datetime.date(2026, 11, 4))
    m.gate_veto = visit(world, insp, points.gate, datetime.date(2026, 11, 18), fails=[points.item])
    visit(world, insp, points.road_point, datetime.date(2026, 11, 10))
    m.road_fail = visit(world, insp, points.road_point, datetime.date(2026, 11, 20), fails=[insp.road_item])
    visit(world, insp, points.park, datetime.date(2026, 11, 12))
    m.road_problem = Problem.objects.get(inspection=m.road_fail)
    department = world.units.department

    def day(d, hour=10, minute=0):
        return at(datetime.date(2026, 11, d), hour, minute)

    m.a = new_problem(world, unit=department, category=prob.litter, title="人民路暴露垃圾", now=day(2))
    step(m.a, Action.ACCEPT, p.department, now=day(2, 10, 30))
    step(m.a, Action.SUBMIT, p.department, photos=[jpeg()], now=day(2, 11))
    step(m.a, Action.SEND_BACK, p.office, note="仍有残留", now=day(2, 11, 30))
    step(m.a, Action.SUBMIT, p.department, photos=[jpeg()], now=day(2, 14))
    step(m.a, Action.APPROVE, p.office, now=day(2, 15))
    m.b = new_problem(world, unit=department, title="解放路井盖缺失", now=day(16))
    m.c = new_problem(
        world,
        unit=department,
        point=points.road_point,
        check_item=insp.road_item,
        title="人民路路面坑洼",
        now=day(9),
    )
    step(m.c, Action.ACCEPT, p.department, now=day(10))
    step(m.c, Action.SUBMIT, p.department, photos=[jpeg()], now=day(18))
    step(m.c, Action.APPROVE, p.office, now=day(19))
    m.d = new_problem(
        world,
        unit=department,
        point=points.road_point,
        check_item=insp.road_item,
        title="人民路路面坑洼",
        now=day(25),
    )
    m.inspections = Inspection.objects.all()
    return m
