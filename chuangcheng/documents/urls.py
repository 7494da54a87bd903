from django.urls import path

from chuangcheng.documents import views

app_name = "documents"

urlpatterns = [
    path("circular/<int:pk>.docx", views.circular, name="circular"),
    path("rankings/<int:pk>.xlsx", views.rankings, name="rankings"),
    path("sanctions.xlsx", views.sanctions, name="sanctions"),
]
