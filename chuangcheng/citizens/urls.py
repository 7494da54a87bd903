from django.urls import path

from chuangcheng.citizens import views

app_name = "citizens"

urlpatterns = [
    path("", views.report, name="report"),
    path("point/<uuid:public_id>/", views.report, name="report_point"),
    path("nearby/", views.nearby, name="nearby"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/photos/<int:pk>/<str:variant>/", views.track_photo, name="track_photo"),
]
