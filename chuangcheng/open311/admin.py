from django.contrib import admin

from chuangcheng.open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are issued (and shown once) and revoked on the office's page, audited."""

    list_display = ["name", "area", "prefix", "created_by", "created_at", "expires_at", "revoked_at"]
    list_filter = ["area"]
    search_fields = ["name", "prefix"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
