"""The registry's pages: units, households, persons and the household import."""

from django.urls import path

from reach.registry import views

app_name = "registry"
urlpatterns = [
    path("units/", views.unit_tree, name="unit-tree"),
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views.household_export, name="household-export"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("imports/", views.import_start, name="import-start"),
    path("imports/template.xlsx", views.import_template, name="import-template"),
    path("imports/<int:batch_id>/", views.import_preview, name="import-preview"),
    path("imports/<int:batch_id>/progress/", views.import_progress, name="import-progress"),
    path("imports/<int:batch_id>/commit/", views.import_commit, name="import-commit"),
    path("imports/<int:batch_id>/errors.xlsx", views.import_error_sheet, name="import-errors"),
]
