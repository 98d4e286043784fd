from django.urls import path

from reach.schoolsupport import views

app_name = "schoolsupport"
urlpatterns = [
    path("", views.received, name="received"),
    path("schools/", views.schools, name="schools"),
    path("schools/<int:school_id>/", views.school, name="school"),
]
