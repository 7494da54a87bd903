from django.urls import path

from chuangcheng.problems import catalogue_views, ledger_views, oversight, views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.problem_new, name="new"),
    path("bulk/", views.bulk, name="bulk"),
    path("map/", views.problem_map, name="map"),
    path("map/data/", views.map_data, name="map_data"),
    path("oversight/", oversight.oversight, name="oversight"),
    path("categories/", views.categories, name="categories"),
    path("ledger.xlsx", ledger_views.ledger_xlsx, name="ledger"),
    path("categories/big/new/", catalogue_views.big_class_new, name="category_big_new"),
    path("categories/new/", catalogue_views.small_class_new, name="category_new"),
    path("categories/<int:pk>/edit/", catalogue_views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", catalogue_views.category_delete, name="category_delete"),
    path("categories/rules/", catalogue_views.deadline_rules, name="deadline_rules"),
    path(
        "categories/rules/<int:pk>/delete/", catalogue_views.deadline_rule_delete, name="deadline_rule_delete"
    ),
    path("categories/templates/", catalogue_views.note_templates, name="note_templates"),
    path(
        "categories/templates/<int:pk>/delete/",
        catalogue_views.note_template_delete,
        name="note_template_delete",
    ),
    path("photos/<int:pk>/<str:variant>/", views.photo, name="photo"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/step/<str:action>/", views.problem_step, name="step"),
    path("<int:pk>/recheck/", views.recheck, name="recheck"),
    path("<int:pk>/sheet/", ledger_views.problem_sheet, name="sheet"),
]
