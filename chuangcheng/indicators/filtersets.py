"""Filters declared once, used by the API (and by list pages as they grow)."""

import django_filters

from chuangcheng.indicators.models import CheckItem, Indicator, Metric, MetricValue


class IndicatorFilterSet(django_filters.FilterSet):
    class Meta:
        model = Indicator
        fields = ["system", "level", "method", "parent", "lead_unit"]


class CheckItemFilterSet(django_filters.FilterSet):
    indicator = django_filters.NumberFilter(field_name="indicators")

    class Meta:
        model = CheckItem
        fields = ["point_type", "indicator", "is_veto", "scoring_mode"]


class MetricFilterSet(django_filters.FilterSet):
    class Meta:
        model = Metric
        fields = ["area", "indicator", "period_type", "source_unit"]


class MetricValueFilterSet(django_filters.FilterSet):
    period_from = django_filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")
    current = django_filters.BooleanFilter(field_name="superseded_by", lookup_expr="isnull")

    class Meta:
        model = MetricValue
        fields = ["metric", "unit", "period_from", "period_to", "current"]
