"""Offices and units read the indicator systems, checklists and metrics of their area; only the
office changes a system's status; values keep their history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from chuangcheng.core.models import AuditLog
from chuangcheng.indicators.choices import Comparison, Method, ScoringMode, SystemStatus
from chuangcheng.indicators.models import AssessmentSystem, MetricTargetBand, MetricValue
from chuangcheng.indicators.tests.factories import (
    AssessmentSystemFactory,
    CheckItemFactory,
    IndicatorFactory,
    MetricFactory,
    PointTypeFactory,
)
from chuangcheng.org.choices import Role
from chuangcheng.org.tests.factories import RoleAssignmentFactory


@pytest.fixture
def content(world):
    county = world.units.county
    system = AssessmentSystemFactory(area=county, status=SystemStatus.ACTIVE, total_score=Decimal("10"))
    root = IndicatorFactory(system=system, code="1", name="公共环境", max_score=Decimal("10"), method="")
    leaf = IndicatorFactory(
        system=system,
        parent=root,
        level=2,
        code="1.1",
        name="农贸市场管理规范",
        max_score=Decimal("10"),
        method=Method.FIELD_CHECK,
        lead_unit=world.units.department,
    )
    market = PointTypeFactory(area=county, code="NMSC", name="农贸市场")
    leaf.point_types.add(market)
    item = CheckItemFactory(point_type=market, code="NM01", text="市场内无占道经营")
    item.indicators.add(leaf)
    scale = CheckItemFactory(
        point_type=market,
        code="NM02",
        text="摊位整洁",
        scoring_mode=ScoringMode.STATUS_SCALE,
        points=Decimal("6"),
        deduction=None,
        threshold_b=1,
        threshold_c=2,
        threshold_c_sharp=3,
    )
    scale.indicators.add(leaf)
    other = AssessmentSystemFactory(area=world.units.other_county, name="东岭县体系")
    metric = MetricFactory(area=county, source_unit=world.units.department2, indicator=leaf)
    return {"system": system, "leaf": leaf, "market": market, "other": other, "metric": metric}


@pytest.mark.parametrize(
    "persona", ["office", "township", "pointleader", "inspector", "department", "leader"]
)
def test_everyone_in_the_county_reads_its_systems_but_not_another_countys(world, login, content, persona):
    client = login(getattr(world.people, persona))
    page = client.get(reverse("indicators:systems")).content.decode()
    assert content["system"].name in page
    assert "东岭县体系" not in page
    assert client.get(content["other"].get_absolute_url()).status_code == 404
    api = client.get(reverse("api-system-list")).json()
    assert [s["id"] for s in api["results"]] == [content["system"].pk]


def test_system_page_shows_the_tree_with_scores_methods_and_lead_units(world, login, content):
    html = login(world.people.township).get(content["system"].get_absolute_url()).content.decode()
    for text in ("公共环境", "农贸市场管理规范", "实地考察", "县城管局", "农贸市场", "10 分"):
        assert text in html


def test_status_scale_and_pass_fail_items_score_as_the_assessors_do(content):
    market = content["market"]
    pass_fail = market.check_items.get(code="NM01")
    scale = market.check_items.get(code="NM02")
    assert pass_fail.points_lost(passed=False) == Decimal("2")
    assert pass_fail.points_lost(passed=True) == Decimal("0")
    assert [scale.status_for(n) for n in (0, 1, 2, 3, 7)] == ["A", "B", "C", "C#", "C#"]
    assert [scale.points_lost(violations=n) for n in (0, 1, 2, 3)] == [
        Decimal("0.00"),
        Decimal("2.04"),
        Decimal("4.02"),
        Decimal("6.00"),
    ]


def test_point_type_page_lists_each_item_with_the_indicators_it_serves(world, login, content):
    html = login(world.people.pointleader).get(content["market"].get_absolute_url()).content.decode()
    assert "市场内无占道经营" in html and "摊位整洁" in html
    assert html.count("农贸市场管理规范") == 2
    assert "沿主干道步行500米" in html


def test_office_activates_a_new_edition_and_the_old_one_is_archived(world, login, content):
    draft = AssessmentSystemFactory(area=world.units.county, status=SystemStatus.DRAFT)
    response = login(world.people.office).post(
        reverse("indicators:system_status", args=[draft.pk]), {"status": "active"}
    )
    assert response.status_code == 302
    assert AssessmentSystem.objects.get(pk=draft.pk).status == SystemStatus.ACTIVE
    assert AssessmentSystem.objects.get(pk=content["system"].pk).status == SystemStatus.ARCHIVED
    assert AuditLog.objects.filter(action="update", object_id=str(draft.pk)).count() == 1


@pytest.mark.parametrize(("persona", "status"), [("township", 403), ("leader", 403), ("outsider", 404)])
def test_only_the_office_changes_status(world, login, content, persona, status):
    system = content["system"]
    response = login(getattr(world.people, persona)).post(
        reverse("indicators:system_status", args=[system.pk]), {"status": "archived"}
    )
    assert response.status_code == status
    assert AssessmentSystem.objects.get(pk=system.pk).status == SystemStatus.ACTIVE


def test_an_archived_system_cannot_go_back_to_draft(world, login, content):
    system = content["system"]
    client = login(world.people.office)
    client.post(reverse("indicators:system_status", args=[system.pk]), {"status": "archived"})
    response = client.post(
        reverse("indicators:system_status", args=[system.pk]), {"status": "draft"}, follow=True
    )
    assert AssessmentSystem.objects.get(pk=system.pk).status == SystemStatus.ARCHIVED
    assert "不能从" in response.content.decode()


def _record(client, metric, **data):
    payload = {"period": "2026-10-15", "unit": metric.area_id, "value": "", "note": ""}
    payload.update(data)
    return client.post(metric.get_absolute_url(), payload)


def test_office_records_a_value_and_a_correction_keeps_the_history(world, login, content):
    metric = content["metric"]
    client = login(world.people.office)
    assert _record(client, metric, value="38.5").status_code == 302
    refused = _record(client, metric, value="41.2")
    assert refused.status_code == 400
    assert refused.context["form"].errors["note"] == ["该期数值已存在，请说明更正原因。"]
    assert _record(client, metric, value="41.2", note="统计口径更正").status_code == 302
    rows = list(MetricValue.objects.filter(metric=metric).order_by("entered_at", "id"))
    assert [(r.period_start, r.value) for r in rows] == [
        (datetime.date(2026, 10, 1), Decimal("38.5000")),
        (datetime.date(2026, 10, 1), Decimal("41.2000")),
    ]
    assert rows[1].supersedes == rows[0]
    assert list(MetricValue.objects.current().filter(metric=metric)) == [rows[1]]
    page = login(world.people.township).get(metric.get_absolute_url())
    assert [v.is_current for v in page.context["values"]] == [True, False]
    assert [v.met for v in page.context["values"]] == [True, None]


def test_source_department_staff_records_values_from_numerator_and_denominator(world, login, content):
    metric = content["metric"]
    metric.numerator_label, metric.denominator_label = "绿化覆盖面积", "建成区面积"
    metric.save()
    clerk = world.people.member_department2
    RoleAssignmentFactory(user=clerk, unit=world.units.department2, role=Role.UNIT_STAFF)
    response = _record(login(clerk), metric, numerator="4.2", denominator="10")
    assert response.status_code == 302
    assert MetricValue.objects.get(metric=metric).value == Decimal("42.0000")


@pytest.mark.parametrize("persona", ["township", "department", "leader"])
def test_other_units_cannot_record_values(world, login, content, persona):
    metric = content["metric"]
    assert _record(login(getattr(world.people, persona)), metric, value="50").status_code == 403
    assert not MetricValue.objects.exists()


def test_malformed_values_name_their_fields(world, login, content):
    metric = content["metric"]
    metric.numerator_label, metric.denominator_label = "绿化覆盖面积", "建成区面积"
    metric.save()
    client = login(world.people.office)
    response = _record(client, metric, numerator="5", denominator="0")
    assert response.context["form"].errors["denominator"] == ["分母必须大于零。"]
    response = _record(client, metric, value="abc", period="2026-13-01")
    assert set(response.context["form"].errors) == {"value", "period"}
    assert not MetricValue.objects.exists()


def test_a_banded_target_follows_the_areas_attribute(content):
    metric = content["metric"]
    metric.name, metric.comparison, metric.target = "森林覆盖率", Comparison.AT_LEAST, None
    metric.band_attribute, metric.band_value = "年降水量（毫米）", Decimal("850")
    metric.save()
    MetricTargetBand.objects.create(metric=metric, lower=None, upper=Decimal("400"), target=Decimal("20"))
    MetricTargetBand.objects.create(
        metric=metric, lower=Decimal("400"), upper=Decimal("800"), target=Decimal("30")
    )
    MetricTargetBand.objects.create(metric=metric, lower=Decimal("800"), upper=None, target=Decimal("35"))
    assert metric.effective_target() == (Decimal("35"), None)
    assert metric.is_met(Decimal("36")) is True
    assert metric.is_met(Decimal("31")) is False


def test_api_records_values_through_the_same_rule(world, login, content):
    metric = content["metric"]
    client = login(world.people.office)
    url = reverse("api-metric-value-list")
    ok = client.post(
        url, {"metric": metric.pk, "unit": metric.area_id, "period_start": "2026-09-09", "value": "44"}
    )
    assert ok.status_code == 201 and ok.json()["period_start"] == "2026-09-01"
    again = client.post(
        url, {"metric": metric.pk, "unit": metric.area_id, "period_start": "2026-09-30", "value": "45"}
    )
    assert again.status_code == 400 and "note" in again.json()
    denied = login(world.people.township).post(
        url, {"metric": metric.pk, "unit": metric.area_id, "period_start": "2026-08-01", "value": "1"}
    )
    assert denied.status_code == 403
    assert MetricValue.objects.count() == 1


def test_api_lists_are_scoped_and_filterable(world, login, content):
    client = login(world.people.township)
    items = client.get(reverse("api-check-item-list"), {"indicator": content["leaf"].pk}).json()
    assert sorted(i["code"] for i in items["results"]) == ["NM01", "NM02"]
    leaves = client.get(reverse("api-indicator-list"), {"system": content["system"].pk, "level": 2}).json()
    assert [i["code"] for i in leaves["results"]] == ["1.1"]
    outsider = login(world.people.outsider).get(reverse("api-indicator-list")).json()
    assert outsider["results"] == []
