from django.urls import path

from reach.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/new/", views.register, name="register"),
    path("registrations/<int:registration_id>/", views.registration_detail, name="registration"),
    path("registrations/<int:registration_id>/assess/", views.assess, name="assess"),
    path(
        "registrations/<int:registration_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path("criteria/", views.criteria, name="criteria"),
    path("training/", views.training, name="training"),
    path("training/persons/", views.training_persons, name="training-persons"),
    path("training/needs/", views.record_need, name="record-need"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:course_id>/", views.course_detail, name="course"),
    path("courses/<int:course_id>/attendance/", views.course_attendance, name="course-attendance"),
    path(
        "participants/<int:participant_id>/certificate.pdf",
        views.training_certificate,
        name="training-certificate",
    ),
    path("boards/", views.boards, name="boards"),
    path("month/", views.month, name="month"),
    path("commendations/", views.commendations, name="commendations"),
    path("outreach/", views.outreach, name="outreach"),
]
