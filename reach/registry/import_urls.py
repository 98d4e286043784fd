from django.urls import path

from reach.registry import import_views

urlpatterns = [
    path("", import_views.import_start, name="import-start"),
    path("template.xlsx", import_views.import_template, name="import-template"),
    path("<int:batch_id>/", import_views.import_preview, name="import-preview"),
    path("<int:batch_id>/commit/", import_views.import_commit, name="import-commit"),
    path("<int:batch_id>/errors.xlsx", import_views.import_error_sheet, name="import-errors"),
]
