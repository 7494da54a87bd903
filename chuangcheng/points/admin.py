from django.contrib import admin

from chuangcheng.points.models import AreaOutline, Point, PointPhoto


class PointPhotoInline(admin.TabularInline):
    model = PointPhoto
    extra = 0
    readonly_fields = ["image", "taken_at", "uploaded_by", "uploaded_at"]


@admin.register(Point)
class PointAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "point_type", "township", "responsible_unit", "point_leader", "status"]
    list_filter = ["status", "point_type"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["point_type", "township", "responsible_unit", "point_leader", "area"]
    list_select_related = ["point_type", "township", "responsible_unit", "point_leader"]
    inlines = [PointPhotoInline]


@admin.register(AreaOutline)
class AreaOutlineAdmin(admin.ModelAdmin):
    list_display = ["unit"]
    autocomplete_fields = ["unit"]
