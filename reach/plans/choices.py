from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_OPERATING = "co", _("Co-operating")


class ImportStatus(models.TextChoices):
    STAGED = "staged", _("Checked, not imported")
    REJECTED = "rejected", _("Rejected")
    COMMITTED = "committed", _("Imported")
