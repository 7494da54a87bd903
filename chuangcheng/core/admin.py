from django.contrib import admin

from chuangcheng.core.models import AuditLog


class ViewOnly:
    """No adding, changing or deleting in the admin: every change goes through the app's actions
    (and their audit trail). Django shows every field read-only when change is not permitted.
    Mix into a ModelAdmin or an inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ViewOnly, admin.ModelAdmin):
    pass


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: the application cannot edit or delete audit entries (security.md 19)."""

    list_display = [
        "at",
        "username",
        "unit_name",
        "ip_address",
        "action",
        "result",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "result"]
    search_fields = ["username", "object_id", "request_id"]
    date_hierarchy = "at"
