"""Points of the ``world`` (conftest.py at the root): one per kind of visibility.

示范县
  西门菜市场  P-GATE   responsible 西门社区 (under 城关街道), township 城关街道, leader 社区点长
  人民路      P-ROAD   responsible 县城管局,                  township 城关街道, leader 城管点长
  东城公园    P-PARK   responsible 东城街道,                  township 东城街道, leader 东城科员
  住建工地    P-SITE   responsible 县住建局,                  township 东城街道, leader 住建科员
  东城广场    P-SQUARE responsible 东城街道,                  township 东城街道, leader 社区点长 (!)
东岭县
  石桥市场    P-OTHER  responsible 石桥镇,                    township 石桥镇,   leader 石桥科员
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from chuangcheng.indicators.tests.factories import (
    AssessmentSystemFactory,
    CheckItemFactory,
    IndicatorFactory,
    PointTypeFactory,
)
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory, UserFactory
from chuangcheng.points.tests.factories import PointFactory


@pytest.fixture
def pts(world):
    u, p = world.units, world.people
    t = SimpleNamespace()
    t.market = PointTypeFactory(area=u.county, code="NMSC", name="农贸市场", sort_order=1)
    t.road = PointTypeFactory(area=u.county, code="ZCGD", name="主次干道", sort_order=2)
    t.other_type = PointTypeFactory(area=u.other_county, code="NMSC", name="农贸市场")
    system = AssessmentSystemFactory(area=u.county, name="全国文明城市测评体系")
    t.indicator = IndicatorFactory(system=system, code="3.2.1", name="农贸市场管理规范", level=1)
    t.indicator2 = IndicatorFactory(system=system, code="3.2.2", name="市容环境卫生", level=1)
    t.item = CheckItemFactory(point_type=t.market, code="NM-01", text="市场内无暴露垃圾", is_veto=True)
    t.item.indicators.add(t.indicator, t.indicator2)

    p.road_leader = UserFactory(username="roadleader", full_name="城管点长", unit=u.department)
    RoleAssignmentFactory(user=p.road_leader, unit=u.department, role=Role.POINT_LEADER)

    t.gate = PointFactory(
        code="P-GATE",
        name="西门菜市场",
        point_type=t.market,
        responsible_unit=u.community,
        township=u.township,
        point_leader=p.pointleader,
    )
    t.road_point = PointFactory(
        code="P-ROAD",
        name="人民路",
        point_type=t.road,
        responsible_unit=u.department,
        township=u.township,
        point_leader=p.road_leader,
        latitude=Decimal("30.280000"),
        longitude=Decimal("120.160000"),
    )
    t.park = PointFactory(
        code="P-PARK",
        name="东城公园",
        point_type=t.road,
        responsible_unit=u.township2,
        township=u.township2,
        point_leader=p.member_township2,
    )
    t.site = PointFactory(
        code="P-SITE",
        name="住建工地",
        point_type=t.road,
        responsible_unit=u.department2,
        township=u.township2,
        point_leader=p.member_department2,
        latitude=None,
        longitude=None,
    )
    t.square = PointFactory(
        code="P-SQUARE",
        name="东城广场",
        point_type=t.road,
        responsible_unit=u.township2,
        township=u.township2,
        point_leader=p.pointleader,
    )
    t.other = PointFactory(
        code="P-OTHER",
        name="石桥市场",
        point_type=t.other_type,
        responsible_unit=u.other_township,
        township=u.other_township,
        point_leader=p.member_other,
    )
    return t


# who sees which points (by code)
COUNTY = {"P-GATE", "P-ROAD", "P-PARK", "P-SITE", "P-SQUARE"}
EXPECTED_VISIBLE = {
    "office": COUNTY,
    "leader": COUNTY,
    "oversight": COUNTY,
    "city": COUNTY | {"P-OTHER"},
    "township": {"P-GATE", "P-ROAD"},
    "neighbour": {"P-PARK", "P-SITE", "P-SQUARE"},
    "department": {"P-ROAD"},
    "pointleader": {"P-GATE", "P-SQUARE"},
    "inspector": set(),
    "outsider": {"P-OTHER"},
    "nobody": set(),
}
