from django.apps import AppConfig


class StudentFileConfig(AppConfig):
    name = "reach.studentfile"
    label = "studentfile"
