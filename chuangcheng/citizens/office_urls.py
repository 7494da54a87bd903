from django.urls import path

from chuangcheng.citizens import office_views, views

app_name = "citizens_office"

urlpatterns = [
    path("", office_views.complaints, name="complaints"),
    path("results/", office_views.results, name="results"),
    path("rounds/", office_views.rounds, name="rounds"),
    path("rounds/<int:pk>/qr/", office_views.round_qr, name="round_qr"),
    path("questions/", office_views.questions, name="questions"),
    path("reports/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("problems/<int:pk>/merge/", views.merge, name="merge"),
]
