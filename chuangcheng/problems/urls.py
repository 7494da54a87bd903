from django.urls import path

from chuangcheng.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.problem_new, name="new"),
    path("bulk/", views.bulk, name="bulk"),
    path("map/", views.problem_map, name="map"),
    path("map/data/", views.map_data, name="map_data"),
    path("categories/", views.categories, name="categories"),
    path("photos/<int:pk>/<str:variant>/", views.photo, name="photo"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/step/<str:action>/", views.problem_step, name="step"),
    path("<int:pk>/recheck/", views.recheck, name="recheck"),
]
