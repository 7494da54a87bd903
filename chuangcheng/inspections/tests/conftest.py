"""The inspection world: the points of ``pts`` (points/tests/conftest.py) with full checklists,
and a pool of inspectors with the conflicts the draw must respect.

Inspectors (all hold INSPECTOR at 县四城同创办):
  inspector   督查员甲   office staff, no conflicts
  inspector2  督查员乙   belongs to 县城管局 → may not inspect 人民路 (P-ROAD)
  inspector3  督查员丙   belongs to 东城街道 → may not inspect 东城公园/住建工地/东城广场 (township 东城街道)
  leader      is also an inspector here only where a test adds the role; paired with 城关街道
"""

import datetime
import io
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chuangcheng.indicators.choices import ScoringMode
from chuangcheng.indicators.tests.factories import CheckItemFactory
from chuangcheng.inspections import actions
from chuangcheng.inspections.draw import Rules
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory, UserFactory
from chuangcheng.points.tests.conftest import pts  # noqa: F401  (fixture)


@pytest.fixture
def insp(world, pts):  # noqa: F811
    u, p = world.units, world.people
    t = SimpleNamespace(pts=pts)
    # the market's checklist: NM-01 (veto, pass/fail, from pts), a status-scale item, a plain item
    t.market_items = [pts.item]
    t.scale_item = CheckItemFactory(
        point_type=pts.market,
        code="NM-02",
        text="占道经营",
        scoring_mode=ScoringMode.STATUS_SCALE,
        points=Decimal("10"),
        deduction=None,
        threshold_b=1,
        threshold_c=3,
        threshold_c_sharp=5,
        photo_required_on_failure=False,
        sort_order=2,
    )
    t.plain_item = CheckItemFactory(
        point_type=pts.market,
        code="NM-03",
        text="公益广告",
        deduction=Decimal("5"),
        photo_required_on_failure=False,
        sort_order=3,
    )
    t.scale_item.indicators.add(pts.indicator)
    t.road_item = CheckItemFactory(point_type=pts.road, code="ZC-01", text="路面整洁", deduction=Decimal("4"))
    t.road_item.indicators.add(pts.indicator2)

    p.inspector2 = UserFactory(username="inspector2", full_name="督查员乙", unit=u.department)
    RoleAssignmentFactory(user=p.inspector2, unit=u.office_unit, role=Role.INSPECTOR)
    p.inspector3 = UserFactory(username="inspector3", full_name="督查员丙", unit=u.township2)
    RoleAssignmentFactory(user=p.inspector3, unit=u.office_unit, role=Role.INSPECTOR)
    t.inspectors = [p.inspector, p.inspector2, p.inspector3]
    return t


def month_rules(start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 31), **extra) -> Rules:
    return Rules(date_ranges=((start, end),), **extra)


def plan_input(world, insp, **extra) -> actions.PlanInput:
    values = {
        "area": world.units.county,
        "name": "12月暗访",
        "kind": "covert",
        "period_start": datetime.date(2026, 12, 1),
        "period_end": datetime.date(2026, 12, 31),
        "rules": month_rules(),
        "inspector_ids": [i.pk for i in insp.inspectors],
    }
    values.update(extra)
    return actions.PlanInput(**values)


def jpeg_upload(name="photo.jpg", size=(64, 48), colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def answers_all_pass(items) -> list[actions.Answer]:
    return [
        actions.Answer(item.pk, outcome="pass", violations=0 if item.scoring_mode == "status_scale" else None)
        for item in items
    ]


def new_key():
    return uuid.uuid4()
