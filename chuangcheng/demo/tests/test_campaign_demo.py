"""The campaign part of ``seed_demo``: reference systems, outlines, ~300 points, a year of metric values."""

from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from chuangcheng.indicators.choices import PeriodType, SystemStatus
from chuangcheng.indicators.models import AssessmentSystem, Metric, MetricValue, PointType
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import OrgUnit, RoleAssignment, User
from chuangcheng.points.models import AreaOutline, Point
from chuangcheng.utils.geo import contains

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off


def seed(*args) -> str:
    """The demo up to its campaign part (points, systems, metrics): what these tests are about."""
    out = StringIO()
    call_command("seed_demo", *args, "--up-to", "campaign", stdout=out)
    return out.getvalue()


def test_points_have_a_type_township_responsible_unit_and_a_point_leader():
    seed()
    county = OrgUnit.objects.get(name="示范县")
    points = Point.objects.select_related("township", "responsible_unit", "point_leader__unit", "point_type")
    assert points.count() == 302
    assert Counter(points.values_list("point_type__code", flat=True)) == {
        "JMXQ": 45, "BJXX": 40, "GGCS": 30, "ZCGD": 25, "XXZB": 20, "GJZD": 20, "MQZR": 15, "GYGC": 12,
        "YHWD": 12, "CXJH": 12, "WMSJ": 12, "JZGD": 10, "TCC": 10, "NMSC": 8, "WHCG": 7, "YY": 6, "SYDJ": 6,
        "YSTQ": 5, "CZ": 4, "ZWFW": 3,
    }  # fmt: skip
    assert set(points.values_list("township__name", flat=True)) == {
        "城关街道", "东城街道", "西城街道", "南湖街道",
        "北山镇", "青石镇", "桃源镇", "龙泉乡", "白沙镇", "新桥镇",
    }  # fmt: skip
    leader_roles = set(
        RoleAssignment.objects.filter(role=Role.POINT_LEADER).values_list("user_id", "unit_id")
    )
    for point in points:
        assert point.area == county
        assert point.point_type.area == county
        assert point.township.kind in (UnitKind.TOWNSHIP, UnitKind.STREET), point
        assert point.responsible_unit.path.startswith(county.path), point
        leader = point.point_leader
        # the leader belongs to the responsible unit or one of its communities, and holds the role there
        assert leader.unit.path.startswith(point.responsible_unit.path), point
        assert (leader.pk, leader.unit_id) in leader_roles, point
        assert point.code.startswith(point.point_type.code + "-"), point
        assert point.address.startswith("示范县"), point
    # a department answers for hospitals, a township for its streets
    assert set(points.filter(point_type__code="YY").values_list("responsible_unit__name", flat=True)) == {
        "县卫生健康局"
    }
    for point in points.filter(point_type__code__in=["ZCGD", "BJXX", "JMXQ", "WMSJ"]):
        assert point.responsible_unit == point.township, point
    assert len({p.name for p in points}) == 302
    assert points.filter(name="人民路（解放路—中山路段）", township__name="城关街道").exists()


def test_every_point_lies_in_its_townships_outline_and_outlines_do_not_overlap():
    seed()
    outlines = {o.unit.name: o.geojson for o in AreaOutline.objects.select_related("unit")}
    assert set(outlines) == {
        "示范县", "城关街道", "东城街道", "西城街道", "南湖街道",
        "北山镇", "青石镇", "桃源镇", "龙泉乡", "白沙镇", "新桥镇",
    }  # fmt: skip
    townships = {name: shape for name, shape in outlines.items() if name != "示范县"}
    for point in Point.objects.select_related("township"):
        lng, lat = float(point.longitude), float(point.latitude)
        assert contains(outlines["示范县"], lat, lng), point
        containing = [name for name, shape in townships.items() if contains(shape, lat, lng)]
        assert containing == [point.township.name], point
    centre_lat = sum(float(p.latitude) for p in Point.objects.all()) / 302
    assert 29.95 < centre_lat < 30.15


def test_pointleader_login_leads_points_in_its_community():
    seed()
    pointleader = User.objects.get(username="pointleader")
    led = Point.objects.filter(point_leader=pointleader)
    assert led.count() == 7
    assert set(led.values_list("responsible_unit__name", flat=True)) == {"城关街道"}
    assert set(pointleader.role_assignments.values_list("role", "unit__name")) == {
        ("point_leader", "北关社区")
    }
    # the other demo logins keep exactly their documented roles
    for username in ("office", "township", "department", "inspector", "leader"):
        assert not Point.objects.filter(point_leader__username=username).exists(), username


def test_reference_is_loaded_and_active_in_the_county():
    seed()
    county = OrgUnit.objects.get(name="示范县")
    systems = AssessmentSystem.objects.filter(area=county)
    assert systems.count() == 4
    assert set(systems.values_list("status", flat=True)) == {SystemStatus.ACTIVE}
    assert PointType.objects.filter(area=county).count() == 20
    assert not AssessmentSystem.objects.exclude(area=county).exists()
    forest_cover = Metric.objects.get(area=county, code="M06")
    assert forest_cover.band_value == Decimal("1450")
    assert forest_cover.effective_target() == (Decimal("35"), None)


def test_a_year_of_metric_values_with_misses_and_one_correction():
    seed()
    county = OrgUnit.objects.get(name="示范县")
    office = User.objects.get(username="office")
    values = MetricValue.objects.select_related("metric")
    assert values.count() == 69
    assert set(values.values_list("entered_by", flat=True)) == {office.pk}
    assert set(values.values_list("unit", flat=True)) == {county.pk}
    months = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    for metric in Metric.objects.filter(area=county):
        periods = sorted(metric.values.current().values_list("period_start", flat=True))
        if metric.period_type == PeriodType.MONTH:
            assert periods == months, metric
        else:
            assert periods == [date(2025, 1, 1), date(2026, 1, 1)], metric
    [correction] = values.filter(supersedes__isnull=False)
    assert correction.metric.code == "M01"
    assert (correction.supersedes.value, correction.value) == (Decimal("41.2"), Decimal("40.6"))
    assert correction.entered_at > correction.supersedes.entered_at
    missed = sorted(
        (v.metric.code, v.period_start.isoformat()) for v in values.filter(superseded_by__isnull=True)
        if v.metric.is_met(v.value) is False
    )  # fmt: skip
    assert missed == [
        ("M03", "2025-01-01"),
        ("M04", "2025-01-01"),
        ("M05", "2025-01-01"),
        ("M07", "2026-02-01"),
        ("M08", "2026-06-01"),
        ("M08", "2026-07-01"),
        ("M11", "2026-07-01"),
        ("M11", "2026-08-01"),
        ("M12", "2025-01-01"),
    ]


def _campaign_fingerprint():
    points = sorted(
        (
            p.code,
            p.name,
            p.address,
            str(p.latitude),
            str(p.longitude),
            p.point_leader.username,
            str(p.public_id),
        )
        for p in Point.objects.select_related("point_leader")
    )
    values = sorted(
        (v.metric.code, v.period_start, str(v.value), str(v.numerator), str(v.denominator), v.entered_at)
        for v in MetricValue.objects.select_related("metric")
    )
    return points, values


def test_same_seed_gives_the_same_points_and_values():
    out = seed()
    first = _campaign_fingerprint()
    seed("--flush")
    assert _campaign_fingerprint() == first
    steps = [line.split(" … ")[0] for line in out.splitlines() if line.startswith("[")]
    assert [s.split("] ")[1] for s in steps[5:9]] == ["测评体系", "区域轮廓", "测评点位", "数据指标"]
