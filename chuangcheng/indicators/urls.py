from django.urls import path

from chuangcheng.indicators import spreadsheet_urls, views

app_name = "indicators"

urlpatterns = [
    path("", views.systems, name="systems"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/status/", views.system_status, name="system_status"),
    path("point-types/", views.point_types, name="point_types"),
    path("point-types/<int:pk>/", views.point_type_detail, name="point_type"),
    path("metrics/", views.metrics, name="metrics"),
    path("metrics/<int:pk>/", views.metric_detail, name="metric"),
    # spreadsheet import/export (chuangcheng/indicators/spreadsheet_views.py)
    *spreadsheet_urls.urlpatterns,
]
