from django.contrib import admin

from chuangcheng.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
