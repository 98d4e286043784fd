from django.urls import path

from reach.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("universal/persons/", views.rate_persons, name="rate-persons"),
    path("places/", views.places, name="places"),
    path("places/schools/<int:school_id>/", views.school_places, name="school-places"),
    path("streaming/", views.streaming, name="streaming"),
    path("streaming/cases/", views.open_cases, name="open-cases"),
    path("streaming/record/", views.record_next_step, name="record-next-step"),
]
