"""The shipped reference content and ``manage.py load_reference``."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chuangcheng.indicators.choices import CityLevel, Method, ScoringMode, SystemStatus, Title
from chuangcheng.indicators.models import (
    AssessmentSystem,
    CheckItem,
    Indicator,
    Metric,
    MetricTargetBand,
    MetricValue,
    PointType,
)
from chuangcheng.indicators.reference import civilised, forest, point_types
from chuangcheng.indicators.reference.loader import ReferenceDataError, check_reference, load_reference
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.tests.factories import OrgUnitFactory
from chuangcheng.points.models import Point

EXPECTED_INDICATORS = {
    Title.CIVILISED_NATIONAL: 118,
    Title.SANITARY_COUNTY: 48,
    Title.FOREST_CITY: 32,
    Title.GARDEN_PROVINCIAL_COUNTY: 27,
}
EXPECTED_ITEMS = {
    "ZCGD": 18, "BJXX": 17, "NMSC": 17, "GGCS": 17, "JMXQ": 18, "GYGC": 19, "XXZB": 14,
    "YY": 17, "CZ": 15, "ZWFW": 15, "YHWD": 13, "SYDJ": 15, "JZGD": 16, "YSTQ": 15,
    "MQZR": 13, "GJZD": 13, "TCC": 12, "CXJH": 15, "WHCG": 15, "WMSJ": 13,
}  # fmt: skip


def load(area, *args) -> str:
    out = StringIO()
    call_command("load_reference", "--area", str(area.pk), *args, stdout=out)
    return out.getvalue()


def snapshot(area):
    """Everything the loader writes for an area, by id, to show that a refusal changed nothing."""
    return {
        "systems": sorted(AssessmentSystem.objects.filter(area=area).values_list("pk", "status", "edition")),
        "indicators": sorted(Indicator.objects.filter(system__area=area).values_list("pk", "code", "name")),
        "types": sorted(PointType.objects.filter(area=area).values_list("pk", "code", "name")),
        "items": sorted(CheckItem.objects.filter(point_type__area=area).values_list("pk", "code", "text")),
        "metrics": sorted(Metric.objects.filter(area=area).values_list("pk", "code", "target")),
    }


def nothing_loaded():
    return not (
        AssessmentSystem.objects.exists()
        or Indicator.objects.exists()
        or PointType.objects.exists()
        or CheckItem.objects.exists()
        or Metric.objects.exists()
    )


# --- the content --------------------------------------------------------------------------------


def test_reference_data_is_valid_and_declared_totals_add_up_exactly():
    problems, warnings = check_reference()
    assert problems == []
    assert warnings == []  # no "children add up to less than declared" either


def test_load_writes_exactly_the_reference(world):
    county = world.units.county
    out = load(county)

    systems = AssessmentSystem.objects.filter(area=county)
    assert sorted(systems.values_list("title", flat=True)) == sorted(EXPECTED_INDICATORS)
    assert set(systems.values_list("city_level", flat=True)) == {CityLevel.COUNTY}
    assert set(systems.values_list("status", flat=True)) == {SystemStatus.DRAFT}
    for system in systems:
        assert system.indicators.count() == EXPECTED_INDICATORS[system.title], system
        assert system.is_sample, system  # no official full text was available for any of them
        assert system.source
    assert Indicator.objects.count() == 225
    counts = Counter(
        CheckItem.objects.filter(point_type__area=county).values_list("point_type__code", flat=True)
    )
    assert counts == EXPECTED_ITEMS
    assert sum(counts.values()) == 307
    assert Metric.objects.filter(area=county).count() == 14
    assert MetricTargetBand.objects.count() == 3
    assert "225" in out and "307" in out


def test_civilised_system_has_ten_items_and_scores_add_up_to_100(world):
    load(world.units.county)
    system = AssessmentSystem.objects.get(title=Title.CIVILISED_NATIONAL)
    assert system.declares_totals and system.total_score == 100
    top = list(system.indicators.filter(level=1).order_by("sort_order"))
    assert [i.name for i in top] == [
        "建设具有强大生命力和创造力的社会主义精神文明",
        "廉洁高效的政务环境",
        "公平正义的法治环境",
        "诚信守法的市场环境",
        "健康向上的人文环境",
        "和谐宜居的生活环境",
        "安全稳定的社会环境",
        "有利于可持续发展的生态环境",
        "城乡融合发展",
        "长效常态的创建工作机制",
    ]
    assert sum(i.max_score for i in top) == 100
    for parent in system.indicators.filter(children__isnull=False).distinct():
        assert sum(c.max_score for c in parent.children.all()) == parent.max_score, parent
    assert sum(i.max_score for i in system.indicators.leaves()) == 100


def test_every_leaf_has_a_method_and_a_score_or_weight(world):
    load(world.units.county)
    leaves = Indicator.objects.leaves()
    assert leaves.count() == 80 + 39 + 27 + 22
    for leaf in leaves:
        assert leaf.method in Method.values, leaf
        assert leaf.max_score is not None or leaf.weight is not None, leaf
    assert not Indicator.objects.filter(level__gt=3).exists()
    # the pass/fail standards carry weights and declare no totals
    for title in (Title.SANITARY_COUNTY, Title.FOREST_CITY, Title.GARDEN_PROVINCIAL_COUNTY):
        system = AssessmentSystem.objects.get(title=title)
        assert not system.declares_totals and system.total_score is None
        assert set(system.indicators.leaves().values_list("weight", flat=True)) == {Decimal("1")}


def test_every_point_type_has_8_to_20_items_each_serving_an_indicator_and_a_100_point_scale(world):
    load(world.units.county)
    for point_type in PointType.objects.prefetch_related("check_items__indicators"):
        items = list(point_type.check_items.all())
        assert 8 <= len(items) <= 20, point_type
        assert point_type.protocol, point_type
        assert sum((i.deduction or 0) + (i.points or 0) for i in items) == 100, point_type
        for item in items:
            assert item.indicators.all(), item
            assert all(i.system.area_id == point_type.area_id for i in item.indicators.all())
    assert set(CheckItem.objects.filter(is_veto=True).values_list("code", flat=True)) == {
        "NMSC-08",  # 食品安全
        "XXZB-01",  # 200 米内无网吧、娱乐场所
        "YY-12",  # 医疗废物
        "CZ-12",  # 安检、消防
        "JZGD-08",  # 重大安全隐患
        "YSTQ-05",  # 过期变质食品
        "WHCG-11",  # 消防、疏散
    }


def test_check_items_keep_their_scoring_rules(world):
    load(world.units.county)
    food = CheckItem.objects.get(code="NMSC-08")
    assert (food.scoring_mode, food.deduction, food.is_veto) == (ScoringMode.PASS_FAIL, Decimal("10"), True)
    assert [i.code for i in food.indicators.order_by("system__title", "code")] == ["4.3.1", "6.1"]
    adverts = CheckItem.objects.get(code="ZCGD-02")  # a 4-point item: A 0 例, C# 1 例
    assert (adverts.scoring_mode, adverts.points, adverts.threshold_b, adverts.threshold_c) == (
        ScoringMode.STATUS_SCALE,
        Decimal("4"),
        None,
        None,
    )
    assert adverts.threshold_c_sharp == 1
    assert adverts.points_lost(violations=1) == Decimal("4")
    graded = CheckItem.objects.get(code="ZCGD-04")  # a 6-point item: B 1, C 2, C# 3 例
    assert [graded.status_for(n) for n in range(4)] == ["A", "B", "C", "C#"]
    assert graded.points_lost(violations=1) == Decimal("2.04")


def test_indicators_know_where_they_are_checked(world):
    load(world.units.county)
    hospital = Indicator.objects.get(system__title=Title.CIVILISED_NATIONAL, code="6.3.2")
    assert set(hospital.point_types.values_list("code", flat=True)) == {"YY"}
    parking = Indicator.objects.get(system__title=Title.FOREST_CITY, code="1.4")
    assert set(parking.point_types.values_list("code", flat=True)) == {"TCC"}
    # listed in no leaf's data, but served by the 城中村 checklist
    village_green = Indicator.objects.get(system__title=Title.FOREST_CITY, code="1.10")
    assert set(village_green.point_types.values_list("code", flat=True)) == {"CXJH"}


def test_lead_units_resolve_by_name_inside_the_area_only(world):
    county = world.units.county
    city_management = OrgUnitFactory(name="县城市管理局", kind=UnitKind.DEPARTMENT, parent=county)
    health = OrgUnitFactory(name="县卫生健康局", kind=UnitKind.DEPARTMENT, parent=county)
    OrgUnitFactory(name="县林业局", kind=UnitKind.DEPARTMENT, parent=world.units.other_county)

    out = load(county)

    street_cleaning = Indicator.objects.get(system__title=Title.CIVILISED_NATIONAL, code="6.1.1")
    assert street_cleaning.lead_unit == city_management
    hospital = Indicator.objects.get(system__title=Title.CIVILISED_NATIONAL, code="6.3.2")
    assert hospital.lead_unit == health
    education = Indicator.objects.get(system__title=Title.CIVILISED_NATIONAL, code="6.4.3")
    assert list(education.cooperating_units.all()) == [health]
    # another county's 县林业局 is never used
    assert not Indicator.objects.filter(lead_unit__parent=world.units.other_county).exists()
    forest_cover = Indicator.objects.get(system__title=Title.FOREST_CITY, code="1.1")
    assert forest_cover.lead_unit is None
    assert Metric.objects.get(code="M07").source_unit == city_management
    assert "县林业局" in out and "县司法局" in out  # reported as left empty


def test_banded_target_follows_the_areas_rainfall(world):
    load(world.units.county)
    forest_cover = Metric.objects.get(code="M06")
    assert forest_cover.band_attribute == "年降水量（mm）"
    assert set(forest_cover.bands.values_list("lower", "upper", "target")) == {
        (None, Decimal("400"), Decimal("20")),
        (Decimal("400"), Decimal("800"), Decimal("30")),
        (Decimal("800"), None, Decimal("35")),
    }
    for rainfall, target in (("350", "20"), ("400", "30"), ("799", "30"), ("1450", "35")):
        forest_cover.band_value = Decimal(rainfall)
        assert forest_cover.effective_target() == (Decimal(target), None)
    assert Metric.objects.get(code="M11").is_met(Decimal("9.6")) is False  # ≤ 9 %
    assert Metric.objects.get(code="M01").numerator_label == "城区绿化覆盖面积（公顷）"


# --- refusing, replacing, activating ------------------------------------------------------------


def test_second_load_without_replace_is_refused_and_changes_nothing(world):
    county = world.units.county
    load(county)
    before = snapshot(county)
    with pytest.raises(CommandError, match="--replace") as refused:
        load(county)
    assert "国家卫生县标准" in str(refused.value)
    assert snapshot(county) == before


def test_an_existing_point_type_code_alone_is_enough_to_refuse(world):
    county = world.units.county
    PointType.objects.create(area=county, code="NMSC", name="集贸市场（自建）")
    with pytest.raises(CommandError, match="NMSC"):
        load(county)
    assert not AssessmentSystem.objects.exists()
    assert list(PointType.objects.values_list("name", flat=True)) == ["集贸市场（自建）"]


def test_other_areas_content_does_not_conflict(world):
    load(world.units.other_county)
    load(world.units.county)
    assert AssessmentSystem.objects.filter(area=world.units.county).count() == 4
    assert PointType.objects.filter(area=world.units.other_county).count() == 20


def test_replace_rebuilds_systems_and_updates_checklists_in_place(world):
    county = world.units.county
    load(county, "--activate")
    old_systems = set(AssessmentSystem.objects.values_list("pk", flat=True))
    market = PointType.objects.get(area=county, code="NMSC")
    point = Point.objects.create(
        area=county,
        point_type=market,
        code="NMSC-001",
        name="城关农贸市场",
        township=world.units.township,
        responsible_unit=world.units.township,
        point_leader=world.people.pointleader,
    )
    metric = Metric.objects.get(code="M07")
    MetricValue.objects.create(
        metric=metric, unit=county, period_start="2026-01-01", value=100, entered_by=world.people.office
    )
    item = CheckItem.objects.get(code="NMSC-08")
    CheckItem.objects.filter(pk=item.pk).update(text="被改动的检查项", is_veto=False)
    extra = CheckItem.objects.create(
        point_type=market,
        code="NMSC-99",
        text="本县自加检查项",
        deduction=2,
        scoring_mode=ScoringMode.PASS_FAIL,
    )

    out = load(county, "--replace")

    assert not old_systems & set(AssessmentSystem.objects.values_list("pk", flat=True))
    # an active edition that was replaced stays active
    assert set(AssessmentSystem.objects.values_list("status", flat=True)) == {SystemStatus.ACTIVE}
    assert Indicator.objects.count() == 225
    point.refresh_from_db()
    assert point.point_type_id == market.pk
    item.refresh_from_db()
    assert (item.text, item.is_veto) == ("食品安全：无销售过期、变质、来源不明食品，无“三无”产品", True)
    assert set(item.indicators.values_list("code", flat=True)) == {"4.3.1", "6.1"}
    assert item.indicators.first().system.pk not in old_systems
    extra.refresh_from_db()
    assert not extra.is_active
    assert metric.values.count() == 1
    assert Metric.objects.get(code="M07").indicator.system.pk not in old_systems
    assert "国家卫生县标准" in out


def test_activate_archives_the_active_system_of_the_same_title_and_level_only(world):
    county, other = world.units.county, world.units.other_county
    old = AssessmentSystem.objects.create(
        area=county, title=Title.CIVILISED_NATIONAL, city_level=CityLevel.COUNTY,
        name="旧版", edition="2018版", year=2018, status=SystemStatus.ACTIVE,
    )  # fmt: skip
    prefecture = AssessmentSystem.objects.create(
        area=county, title=Title.CIVILISED_NATIONAL, city_level=CityLevel.PREFECTURE,
        name="地级", edition="2021版", year=2021, status=SystemStatus.ACTIVE,
    )  # fmt: skip
    neighbour = AssessmentSystem.objects.create(
        area=other, title=Title.CIVILISED_NATIONAL, city_level=CityLevel.COUNTY,
        name="东岭", edition="2018版", year=2018, status=SystemStatus.ACTIVE,
    )  # fmt: skip

    out = load(county, "--activate")

    old.refresh_from_db()
    prefecture.refresh_from_db()
    neighbour.refresh_from_db()
    assert old.status == SystemStatus.ARCHIVED
    assert prefecture.status == SystemStatus.ACTIVE
    assert neighbour.status == SystemStatus.ACTIVE
    active = AssessmentSystem.objects.filter(
        area=county, status=SystemStatus.ACTIVE, city_level=CityLevel.COUNTY
    )
    assert active.count() == 4
    assert active.get(title=Title.CIVILISED_NATIONAL).edition == "2021版"
    assert "旧版" in out


def test_without_activate_an_active_system_stays_active(world):
    county = world.units.county
    old = AssessmentSystem.objects.create(
        area=county, title=Title.FOREST_CITY, city_level=CityLevel.COUNTY,
        name="旧版", edition="GB/T 37342-2019", year=2019, status=SystemStatus.ACTIVE,
    )  # fmt: skip
    load(county)
    old.refresh_from_db()
    assert old.status == SystemStatus.ACTIVE
    assert AssessmentSystem.objects.get(area=county, edition="GB/T 37342-2024").status == SystemStatus.DRAFT


# --- bad input ------------------------------------------------------------------------------------


def _first_leaf():
    return civilised.SYSTEM["indicators"][0]["children"][0]["children"][0]  # 1.1.1


@pytest.mark.parametrize(
    ("breakage", "location", "detail"),
    [
        (
            lambda mp: mp.setitem(point_types.POINT_TYPES[2]["items"][7], "serves", ["civ:4.3.9"]),
            "point_types.py: POINT_TYPES[NMSC].items[8].serves",
            "civ:4.3.9",
        ),
        (
            lambda mp: mp.setitem(point_types.POINT_TYPES[0]["items"][0], "serves", []),
            "point_types.py: POINT_TYPES[ZCGD].items[1].serves",
            "",
        ),
        (
            lambda mp: mp.setitem(_first_leaf(), "max_score", Decimal("-1")),
            "civilised.py: SYSTEM.indicators[1.1.1].max_score",
            "-1",
        ),
        (
            lambda mp: mp.setitem(
                forest.SYSTEM["indicators"][0]["children"][3], "point_types", ["TCC", "ZZZZ"]
            ),
            "forest.py: SYSTEM.indicators[1.4].point_types",
            "ZZZZ",
        ),
        (
            lambda mp: mp.setitem(
                _first_leaf(),
                "children",
                [{**_first_leaf(), "code": "1.1.1.1", "children": []}],
            ),
            "civilised.py: SYSTEM.indicators[1.1.1.1]",
            "4",
        ),
        (
            lambda mp: mp.setitem(_first_leaf(), "method", ""),
            "civilised.py: SYSTEM.indicators[1.1.1].method",
            "",
        ),
        (
            lambda mp: mp.setitem(point_types.POINT_TYPES[0]["items"][2], "c", 9),  # B 2, C 9, C# 6
            "point_types.py: POINT_TYPES[ZCGD].items[3]",
            "",
        ),
    ],
    ids=[
        "unknown-indicator",
        "serves-nothing",
        "negative-score",
        "unknown-point-type",
        "level-4",
        "no-method",
        "thresholds-fall",
    ],
)
def test_broken_reference_aborts_with_the_file_and_key_and_writes_nothing(
    world, monkeypatch, breakage, location, detail
):
    breakage(monkeypatch)
    with pytest.raises(CommandError) as refused:
        load(world.units.county)
    message = str(refused.value)
    assert location in message
    assert detail in message
    assert nothing_loaded()


def test_every_problem_is_reported_at_once(world, monkeypatch):
    monkeypatch.setitem(point_types.POINT_TYPES[2]["items"][7], "serves", ["civ:4.3.9", "xyz:1"])
    monkeypatch.setitem(_first_leaf(), "max_score", Decimal("-1"))
    with pytest.raises(ReferenceDataError) as refused:
        load_reference(world.units.county)
    assert [p.location for p in refused.value.problems] == [
        "civilised.py: SYSTEM.indicators[1.1.1].max_score",
        "point_types.py: POINT_TYPES[NMSC].items[8].serves",
        "point_types.py: POINT_TYPES[NMSC].items[8].serves",
    ]
    assert nothing_loaded()


def test_children_above_their_parents_score_are_refused_and_below_it_are_a_warning(world, monkeypatch):
    monkeypatch.setitem(_first_leaf(), "max_score", Decimal("3"))  # 1.1 = 3 but now 3 + 1
    problems, _warnings = check_reference()
    assert [(p.location, "4" in p.message) for p in problems] == [
        ("civilised.py: SYSTEM.indicators[1.1].max_score", True)
    ]

    monkeypatch.setitem(_first_leaf(), "max_score", Decimal("1"))  # now 1 + 1 < 3
    problems, warnings = check_reference()
    assert problems == []
    assert [w.location for w in warnings] == ["civilised.py: SYSTEM.indicators[1.1].max_score"]
    out = load(world.units.county)
    assert "civilised.py: SYSTEM.indicators[1.1].max_score" in out


def test_area_must_exist_and_be_a_county_or_city(world):
    with pytest.raises(CommandError, match="999999"):
        call_command("load_reference", "--area", "999999", stdout=StringIO())
    with pytest.raises(CommandError, match="城关街道"):
        load(world.units.township)
    assert nothing_loaded()
