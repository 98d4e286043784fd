from django.urls import path

from reach.schoolsupport import views

app_name = "schoolsupport"
urlpatterns = [
    path("", views.received, name="received"),
    path("schools/", views.schools, name="schools"),
    path("schools/<int:school_id>/", views.school, name="school"),
    path("schools/<int:school_id>/projects/new/", views.new_project, name="new-project"),
    path("schools/<int:school_id>/teachers/new/", views.new_placement, name="new-placement"),
    path("schools/<int:school_id>/trainings/new/", views.new_training, name="new-training"),
    path("schools/<int:school_id>/pairings/new/", views.new_pairing, name="new-pairing"),
    path("projects/<int:project_id>/", views.project, name="project"),
    path("pairings/<int:pairing_id>/", views.pairing, name="pairing"),
]
