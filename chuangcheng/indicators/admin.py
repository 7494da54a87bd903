from django.contrib import admin

from chuangcheng.indicators.models import (
    AssessmentSystem,
    CheckItem,
    Indicator,
    Metric,
    MetricTargetBand,
    MetricValue,
    PointType,
)


@admin.register(AssessmentSystem)
class AssessmentSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "title", "city_level", "area", "status", "is_sample"]
    list_filter = ["title", "city_level", "status", "is_sample"]
    search_fields = ["name", "edition"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "system", "level", "max_score", "method", "lead_unit"]
    list_filter = ["system", "level", "method"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "lead_unit", "cooperating_units", "point_types"]
    list_select_related = ["system", "lead_unit"]


class CheckItemInline(admin.TabularInline):
    model = CheckItem
    extra = 0
    fields = ["code", "text", "scoring_mode", "points", "deduction", "is_veto", "sort_order"]


@admin.register(PointType)
class PointTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area", "sort_order", "is_active"]
    search_fields = ["code", "name"]
    inlines = [CheckItemInline]


@admin.register(CheckItem)
class CheckItemAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "point_type", "scoring_mode", "is_veto"]
    list_filter = ["point_type", "scoring_mode", "is_veto"]
    search_fields = ["code", "text"]
    autocomplete_fields = ["indicators"]


class MetricTargetBandInline(admin.TabularInline):
    model = MetricTargetBand
    extra = 0


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area", "comparison", "target", "unit_of_measure", "period_type"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["indicator", "source_unit"]
    inlines = [MetricTargetBandInline]


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    """Read-only: values are corrected by a new row (the metric page), never edited."""

    list_display = ["metric", "unit", "period_start", "value", "entered_by", "entered_at"]
    list_filter = ["metric"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
