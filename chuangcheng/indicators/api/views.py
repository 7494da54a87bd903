"""Indicators API: read for everyone in scope; metric values also written through the action."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from chuangcheng.indicators import actions
from chuangcheng.indicators.api import serializers
from chuangcheng.indicators.filtersets import (
    CheckItemFilterSet,
    IndicatorFilterSet,
    MetricFilterSet,
    MetricValueFilterSet,
)
from chuangcheng.indicators.models import (
    AssessmentSystem,
    CheckItem,
    Indicator,
    Metric,
    MetricValue,
    PointType,
)


class AssessmentSystemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.AssessmentSystemSerializer
    queryset = AssessmentSystem.objects.none()
    filterset_fields = ["title", "city_level", "status", "area"]

    def get_queryset(self):
        return AssessmentSystem.objects.visible_to(self.request.user).order_by("id")


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.IndicatorSerializer
    queryset = Indicator.objects.none()
    filterset_class = IndicatorFilterSet

    def get_queryset(self):
        return (
            Indicator.objects.visible_to(self.request.user)
            .prefetch_related("cooperating_units", "point_types")
            .order_by("system", "level", "sort_order", "id")
        )


class PointTypeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PointTypeSerializer
    queryset = PointType.objects.none()
    filterset_fields = ["area", "is_active"]

    def get_queryset(self):
        return PointType.objects.visible_to(self.request.user).order_by("area", "sort_order", "id")


class CheckItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CheckItemSerializer
    queryset = CheckItem.objects.none()
    filterset_class = CheckItemFilterSet

    def get_queryset(self):
        return (
            CheckItem.objects.visible_to(self.request.user)
            .prefetch_related("indicators")
            .order_by("point_type", "sort_order", "id")
        )


class MetricViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.MetricSerializer
    queryset = Metric.objects.none()
    filterset_class = MetricFilterSet

    def get_queryset(self):
        return Metric.objects.visible_to(self.request.user).prefetch_related("bands").order_by("area", "code")


class MetricValueViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Values; POST records one through ``record_metric_value`` (a correction when one exists)."""

    serializer_class = serializers.MetricValueSerializer
    queryset = MetricValue.objects.none()
    filterset_class = MetricValueFilterSet

    def get_queryset(self):
        return MetricValue.objects.visible_to(self.request.user).order_by(
            "metric", "-period_start", "-entered_at"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        visible = Metric.objects.visible_to(request.user).select_related("area")
        metric = visible.filter(pk=data["metric"].pk).first()
        if metric is None:
            raise NotFound()
        # the unit need not be in the reporter's own scope (a department reports county-wide
        # figures); the action checks it belongs to the metric's area
        unit = data["unit"]
        try:
            row = actions.record_metric_value(
                request.user,
                actions.MetricValueInput(
                    metric=metric,
                    unit=unit,
                    period_start=data["period_start"],
                    value=data.get("value"),
                    numerator=data.get("numerator"),
                    denominator=data.get("denominator"),
                    note=data.get("note", ""),
                ),
                request=request,
            )
        except actions.ActionError as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)
