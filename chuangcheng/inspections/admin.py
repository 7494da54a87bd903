"""Read-only admin views for support staff; every change goes through the app's actions (and its
audit trail), and the secret seed is never shown."""

from django.contrib import admin

from chuangcheng.core.admin import ReadOnlyAdmin
from chuangcheng.inspections.models import Amendment, Assignment, Inspection, Plan


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "area", "kind", "is_covert", "period_start", "period_end", "seed_revealed_at"]
    list_filter = ["kind", "is_covert"]
    exclude = ["seed"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "sequence", "point", "day", "day_part", "inspector", "status", "origin"]
    list_filter = ["status", "origin"]
    raw_id_fields = ["plan", "point", "inspector", "second_inspector", "replaces"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "original", "replacement", "made_by", "made_at", "reason"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["point", "kind", "inspector", "submitted_at", "score", "passed"]
    list_filter = ["kind", "passed"]
    raw_id_fields = ["point", "assignment", "plan", "inspector", "second_inspector"]
