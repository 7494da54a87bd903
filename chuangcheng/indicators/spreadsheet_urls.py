"""Spreadsheet routes, included into ``indicators/urls.py`` (namespace "indicators")."""

from django.urls import path

from chuangcheng.indicators import spreadsheet_views

urlpatterns = [
    path("import/", spreadsheet_views.import_start, name="import"),
    path("import/template.xlsx", spreadsheet_views.import_template, name="import_template"),
    path("import/<str:token>/confirm/", spreadsheet_views.import_confirm, name="import_confirm"),
    path("systems/<int:pk>/export.xlsx", spreadsheet_views.export, name="export"),
]
