from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from chuangcheng.org.models import OrgUnit, Pairing, RoleAssignment, User, Visit, VisitPhoto


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent", "principal", "leader_in_charge", "full_time_staff"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "unit", "job_title", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "role_assignments__role"]
    search_fields = ["username", "full_name", "name_pinyin", "phone"]
    autocomplete_fields = ["unit"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Campaign"), {"fields": ("full_name", "unit", "job_title", "phone")}),
    )


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["leader", "unit", "started_on", "ended_on"]
    search_fields = ["leader__full_name", "unit__name"]
    autocomplete_fields = ["leader", "unit"]


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0
    readonly_fields = ["image", "width", "height", "taken_at"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "leader", "unit", "recorded_by"]
    date_hierarchy = "visited_on"
    autocomplete_fields = ["leader", "unit", "pairing", "recorded_by"]
    inlines = [VisitPhotoInline]
