from django.urls import path

from chuangcheng.org import views

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/responsibility/", views.unit_responsibility, name="unit_responsibility"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visit-photos/<int:pk>/", views.visit_photo, name="visit_photo"),
]
