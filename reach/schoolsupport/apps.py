from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolSupportConfig(AppConfig):
    name = "reach.schoolsupport"
    label = "schoolsupport"
    verbose_name = _("School support")
