from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrosscheckConfig(AppConfig):
    name = "reach.crosscheck"
    label = "crosscheck"
    verbose_name = _("Register cross-checks")
