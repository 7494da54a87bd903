from django.urls import path

from chuangcheng.points import views

app_name = "points"

urlpatterns = [
    path("", views.point_list, name="list"),
    path("new/", views.point_create, name="create"),
    path("map/", views.point_map, name="map"),
    path("map.geojson", views.map_geojson, name="map_geojson"),
    path("qr-sheet/", views.qr_sheet, name="qr_sheet"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("photos/<int:pk>/", views.point_photo, name="photo"),
    path("<int:pk>/", views.point_detail, name="point"),
    path("<int:pk>/edit/", views.point_edit, name="edit"),
    path("<int:pk>/retire/", views.point_retire, name="retire"),
    path("<int:pk>/photos/", views.point_photos, name="photos"),
    path("<int:pk>/qr.svg", views.point_qr_svg, name="qr_svg"),
    path("<int:pk>/qr/", views.point_qr_card, name="qr_card"),
]
