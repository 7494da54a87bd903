from django.urls import path

from chuangcheng.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.evaluations, name="evaluations"),
    path("<int:pk>/", views.evaluation, name="evaluation"),
]
