from django.urls import path

from chuangcheng.scoring import league_views, views

app_name = "scoring"

urlpatterns = [
    path("", views.evaluations, name="evaluations"),
    path("run/", views.run, name="run"),
    path("<int:pk>/", views.evaluation, name="evaluation"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/rerun/", views.rerun, name="rerun"),
    path("settings/", views.settings_view, name="settings"),
    path("sanctions/", views.sanctions, name="sanctions"),
    path("sanctions/<int:pk>/move/", views.move_sanction, name="move_sanction"),
    # 比拼亮分 and 曝光台 (league_views); the board and its photos are public
    path("league/", league_views.league_table, name="league"),
    path("league/unit/<int:unit_id>/", league_views.league_unit, name="league_unit"),
    path("annual/<int:year>/", league_views.league_annual, name="league_annual"),
    path("exposure/", league_views.exposure_board, name="exposure"),
    path("exposure/photos/<int:pk>/<str:variant>/", league_views.exposure_photo, name="exposure_photo"),
    path("exposure/manage/", league_views.exposure_manage, name="exposure_manage"),
    path("exposure/choose/", league_views.exposure_choose, name="exposure_choose"),
]
