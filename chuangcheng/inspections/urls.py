from django.urls import path

from chuangcheng.inspections import field_views, office_views

app_name = "inspections"

urlpatterns = [
    # the inspector's phone (field_views)
    path("mine/", field_views.mine, name="mine"),
    path("assignments/<int:pk>/inspect/", field_views.inspect_assignment, name="inspect"),
    path("points/<int:pk>/inspect/", field_views.inspect_point, name="inspect_point"),
    path("submit/", field_views.submit, name="submit"),
    path("photos/<int:pk>/<str:variant>/", field_views.photo, name="photo"),
    # the office and the units (office_views)
    path("", office_views.inspection_list, name="list"),
    path("<int:pk>/", office_views.inspection_detail, name="detail"),
    path("points/<int:pk>/history/", office_views.point_history, name="point_history"),
    path("plans/", office_views.plan_list, name="plans"),
    path("plans/new/", office_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", office_views.plan_detail, name="plan"),
    path("plans/<int:pk>/cancel/", office_views.plan_cancel, name="plan_cancel"),
    path("plans/<int:pk>/assignments/<int:assignment_pk>/amend/", office_views.plan_amend, name="plan_amend"),
    path("plans/<int:pk>/verify/", office_views.plan_verify, name="plan_verify"),
    path("plans/<int:pk>/bundle.json", office_views.plan_bundle, name="plan_bundle"),
]
