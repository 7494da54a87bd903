"""Admin for superusers. The office keeps the catalogue on its own pages (``catalogue_views``,
with validation and audit); here a superuser can mend it. Problems and their history are
read-only: a problem's state changes only through ``actions``, and events are never edited."""

from django.contrib import admin

from chuangcheng.core.admin import ReadOnlyAdmin, ViewOnly
from chuangcheng.problems.models import Category, DeadlineRule, NoteTemplate, Problem, ProblemEvent


class DeadlineRuleInline(admin.TabularInline):
    model = DeadlineRule
    fk_name = "category"
    extra = 0
    fields = ["area", "severity", "amount", "unit"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "parent",
        "category_class",
        "time_limit",
        "time_unit",
        "responsible_unit",
        "area",
        "is_active",
    ]
    list_filter = ["category_class", "is_active", "time_unit"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["area", "parent", "responsible_unit"]
    list_select_related = ["parent", "responsible_unit", "area"]
    inlines = [DeadlineRuleInline]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["area", "category", "severity", "amount", "unit"]
    list_filter = ["severity", "unit"]
    autocomplete_fields = ["area", "category"]
    list_select_related = ["area", "category__parent"]


@admin.register(NoteTemplate)
class NoteTemplateAdmin(admin.ModelAdmin):
    list_display = ["text", "action", "category", "area", "sort_order"]
    list_filter = ["action"]
    search_fields = ["text"]
    autocomplete_fields = ["area", "category"]
    list_select_related = ["area", "category__parent"]


class ProblemEventInline(ViewOnly, admin.TabularInline):
    model = ProblemEvent
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "actor", "note", "to_unit", "new_deadline"]
    readonly_fields = fields
    ordering = ["at", "pk"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "area", "source", "severity", "status", "responsible_unit", "deadline"]
    list_filter = ["status", "source", "severity", "is_rebound"]
    search_fields = ["code", "title", "address"]
    date_hierarchy = "found_at"
    list_select_related = ["area", "responsible_unit"]
    inlines = [ProblemEventInline]


@admin.register(ProblemEvent)
class ProblemEventAdmin(ReadOnlyAdmin):
    """Append-only history (DESIGN.md rule 2)."""

    list_display = ["problem", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["problem__code", "note"]
    date_hierarchy = "at"
    list_select_related = ["problem", "actor"]
