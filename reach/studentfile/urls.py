"""The student file's pages: the block on a person's page and its PDF."""

from django.urls import path

from reach.studentfile import views

app_name = "studentfile"
urlpatterns = [
    path("persons/<int:person_id>/file/", views.person_file, name="person-file"),
    path("persons/<int:person_id>/file.pdf", views.person_file_pdf, name="person-file-pdf"),
]
