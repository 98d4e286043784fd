from django.urls import path

from reach.entitlements import views

urlpatterns = [
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run-progress"),
    path("runs/<int:run_id>/retry/", views.run_retry, name="run-retry"),
    path(
        "persons/<int:person_id>/entitlements/",
        views.person_entitlements,
        name="person-entitlements",
    ),
    path("persons/<int:person_id>/why/<int:school_year>/", views.person_why, name="person-why"),
]
