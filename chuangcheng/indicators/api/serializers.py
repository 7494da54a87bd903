from rest_framework import serializers

from chuangcheng.indicators.models import (
    AssessmentSystem,
    CheckItem,
    Indicator,
    Metric,
    MetricValue,
    PointType,
)


class AssessmentSystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentSystem
        fields = [
            "id",
            "area",
            "title",
            "city_level",
            "name",
            "edition",
            "year",
            "status",
            "declares_totals",
            "total_score",
            "is_sample",
            "source",
        ]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "system",
            "parent",
            "level",
            "code",
            "name",
            "description",
            "max_score",
            "weight",
            "method",
            "lead_unit",
            "cooperating_units",
            "point_types",
            "notes",
        ]
        read_only_fields = fields


class PointTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointType
        fields = [
            "id",
            "area",
            "code",
            "name",
            "protocol",
            "walk_metres",
            "sample_count",
            "is_active",
            "is_sample",
        ]
        read_only_fields = fields


class CheckItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckItem
        fields = [
            "id",
            "point_type",
            "code",
            "text",
            "indicators",
            "scoring_mode",
            "points",
            "deduction",
            "threshold_b",
            "threshold_c",
            "threshold_c_sharp",
            "photo_required_on_failure",
            "is_veto",
        ]
        read_only_fields = fields


class MetricSerializer(serializers.ModelSerializer):
    effective_target = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "id",
            "area",
            "indicator",
            "code",
            "name",
            "unit_of_measure",
            "comparison",
            "target",
            "target_upper",
            "effective_target",
            "period_type",
            "source_unit",
            "numerator_label",
            "denominator_label",
            "band_attribute",
            "band_value",
            "is_sample",
        ]
        read_only_fields = fields

    def get_effective_target(self, metric) -> str | None:
        target, _upper = metric.effective_target()
        return None if target is None else str(target)


class MetricValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricValue
        fields = [
            "id",
            "metric",
            "unit",
            "period_start",
            "value",
            "numerator",
            "denominator",
            "note",
            "entered_by",
            "entered_at",
            "supersedes",
        ]
        read_only_fields = ["id", "entered_by", "entered_at", "supersedes"]
