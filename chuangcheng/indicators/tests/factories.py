"""Factories for indicator tests (shared by every test module of the app; add, don't fork)."""

from decimal import Decimal

import factory

from chuangcheng.indicators.choices import CityLevel, Comparison, Method, PeriodType, ScoringMode, Title
from chuangcheng.indicators.models import AssessmentSystem, CheckItem, Indicator, Metric, PointType


class AssessmentSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentSystem

    title = Title.CIVILISED_NATIONAL
    city_level = CityLevel.COUNTY
    name = "全国文明城市测评体系（县级）"
    edition = factory.Sequence(lambda n: f"{2021 + n}版")
    year = 2024
    total_score = Decimal("100")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    level = 1
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"测评项目{n}")
    method = Method.FIELD_CHECK


class PointTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointType

    code = factory.Sequence(lambda n: f"PT{n:02d}")
    name = factory.Sequence(lambda n: f"点位类型{n}")
    protocol = "沿主干道步行500米，观察两侧。"


class CheckItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckItem

    code = factory.Sequence(lambda n: f"C{n:03d}")
    text = "无暴露垃圾、无卫生死角"
    scoring_mode = ScoringMode.PASS_FAIL
    deduction = Decimal("2")


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    code = factory.Sequence(lambda n: f"M{n:02d}")
    name = "城区绿化覆盖率"
    unit_of_measure = "%"
    comparison = Comparison.AT_LEAST
    target = Decimal("40")
    period_type = PeriodType.MONTH
