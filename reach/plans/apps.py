from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "reach.plans"
    label = "plans"
    verbose_name = _("Plans and tasks")
    # `reach import <kind> FILE ...` hands these kinds to the named class (registry's command).
    import_kinds = {"plan-tasks": "reach.plans.imports.command.PlanTasksImport"}
