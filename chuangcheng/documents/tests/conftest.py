"""A published November 2026 of 示范县, made through the real actions, for the documents.

Inspections (the office's extra visits, and one covert plan's visit to the market):
  西门菜市场 P-GATE   城关街道 / 西门社区   4 Nov pass; covert visit fails its veto item → fails
  人民路      P-ROAD   城关街道 / 县城管局   10 and 20 Nov pass
  东城公园    P-PARK   东城街道 / 东城街道   12 and 13 Nov fail 绿化带 (−15) → mean 85 → fails, worst
  住建工地    P-SITE   东城街道 / 县住建局   13 Nov pass (县住建局: too few observations)
  东城广场    P-SQUARE 东城街道 / 东城街道   16 Nov pass
Problems: the covert failure's problem (西门社区) fixed and closed; litter for 县城管局 closed on
time; litter for 东城街道 left overdue (and exposed on the board).
Rules: top 1 commended, bottom 1 criticised and −2 points (so two ranked units give both).
After publication the bottom unit's deduction is confirmed and applied (a chain of three
entries) and the top unit's commendation is withdrawn.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from chuangcheng.indicators.tests.factories import CheckItemFactory
from chuangcheng.inspections import actions as inspections
from chuangcheng.inspections import photos as evidence
from chuangcheng.inspections.tests.conftest import insp, jpeg_upload, new_key  # noqa: F401  (fixture)
from chuangcheng.points.tests.conftest import pts  # noqa: F401  (fixture)
from chuangcheng.problems.choices import Action
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import at, covert_failure, jpeg, new_problem, prob, step  # noqa: F401
from chuangcheng.scoring import actions as scoring
from chuangcheng.scoring import models as scoring_models
from chuangcheng.scoring import rules as scoring_rules
from chuangcheng.scoring.choices import SanctionKind, SanctionStatus

D = datetime.date
NOVEMBER = D(2026, 11, 1)
PUBLISHED_ON = at(D(2026, 12, 3), 9)


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


def visit(world, insp, point, day, fails=()):  # noqa: F811
    """The office's extra inspection of ``point`` on ``day`` at 10:00, failing ``fails``."""
    items = [item for item in insp.checklists[point.point_type_id] if item.is_active]
    answers, photos = [], {}
    for item in items:
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


def _rules():
    return scoring_rules.Rules(
        sanctions=(
            scoring_rules.SanctionRule("top", SanctionKind.PRAISE, n=1),
            scoring_rules.SanctionRule("bottom", SanctionKind.CRITICISM, n=1),
            scoring_rules.SanctionRule("bottom", SanctionKind.DEDUCTION, n=1, points=Decimal("2")),
        )
    ).to_data()


@pytest.fixture
def november(world, insp, prob):  # noqa: F811
    """The published evaluation of November 2026 (see the module docstring)."""
    u, p, points = world.units, world.people, insp.pts
    greenery = CheckItemFactory(
        point_type=points.road, code="ZC-02", text="绿化带无垃圾", deduction=Decimal("15"), sort_order=2
    )
    greenery.photo_required_on_failure = False
    greenery.save()
    insp.checklists = {
        points.market.pk: [points.item, insp.scale_item, insp.plain_item],
        points.road.pk: [insp.road_item, greenery],
    }

    visit(world, insp, points.gate, D(2026, 11, 4))
    covert = covert_failure(
        world, insp, D(2026, 11, 2), D(2026, 11, 13), D(2026, 11, 4), inspector=p.inspector
    )
    visit(world, insp, points.road_point, D(2026, 11, 10))
    visit(world, insp, points.road_point, D(2026, 11, 20))
    visit(world, insp, points.park, D(2026, 11, 12), fails=[greenery])
    visit(world, insp, points.park, D(2026, 11, 13), fails=[greenery])
    visit(world, insp, points.site, D(2026, 11, 13))
    visit(world, insp, points.square, D(2026, 11, 16))

    # the covert failure's problem, fixed by the market's point leader and closed
    found = Problem.objects.get(inspection=covert)
    step(found, Action.ACCEPT, p.pointleader, now=at(D(2026, 11, 16), 9))
    step(found, Action.SUBMIT, p.pointleader, now=at(D(2026, 11, 16), 10), photos=[jpeg()], note="已清运")
    step(found, Action.APPROVE, p.office, now=at(D(2026, 11, 16), 11))
    # litter for 县城管局, closed on time
    litter = new_problem(world, unit=u.department, category=prob.litter, now=at(D(2026, 11, 18), 9))
    step(litter, Action.ACCEPT, p.department, now=at(D(2026, 11, 18), 10))
    step(litter, Action.SUBMIT, p.department, now=at(D(2026, 11, 18), 11), photos=[jpeg()], note="已清理")
    step(litter, Action.APPROVE, p.office, now=at(D(2026, 11, 18), 12))
    # litter for 东城街道, never dealt with: overdue at the month's end
    left = new_problem(
        world, unit=u.township2, category=prob.litter, title="东城公园垃圾堆积", now=at(D(2026, 11, 19), 9)
    )

    with time_machine.travel(PUBLISHED_ON, tick=False):
        scoring.save_settings(p.office, u.county, _rules(), "每组前一名表扬，末一名批评并扣2分")
        draft = scoring.run_month(p.office, u.county, NOVEMBER)
        evaluation = scoring.publish(p.office, draft.pk)
        exposed_model = getattr(scoring_models, "ExposedProblem", None)
        if exposed_model is not None:
            exposed_model.objects.create(
                area=u.county,
                month=NOVEMBER,
                problem=left,
                note="请东城街道立即清理。",
                chosen_by=p.office,
                chosen_at=PUBLISHED_ON,
            )
        entries = scoring_models.Sanction.objects.filter(evaluation=evaluation)
        deduction = entries.get(kind=SanctionKind.DEDUCTION)
        confirmed = scoring.move_sanction(p.office, deduction.pk, SanctionStatus.CONFIRMED)
        applied = scoring.move_sanction(p.office, confirmed.pk, SanctionStatus.APPLIED, "已扣分")
        praise = entries.filter(kind=SanctionKind.PRAISE).order_by("pk").first()
        withdrawn = scoring.move_sanction(p.office, praise.pk, SanctionStatus.WITHDRAWN, "复核后撤回")
    return SimpleNamespace(
        evaluation=evaluation,
        greenery=greenery,
        covert=covert,
        left=left,
        deduction=deduction,
        confirmed=confirmed,
        applied=applied,
        praise=praise,
        withdrawn=withdrawn,
    )
