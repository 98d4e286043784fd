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


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class TargetLight(models.TextChoices):
    """How a target's computed actual stands (not stored: derived on every read)."""

    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    NO_DATA = "no_data", _("No data for the period")
    NOT_AVAILABLE = "not_available", _("Not available yet")
