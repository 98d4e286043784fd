from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    SEMESTER = "semester", _("Semester")
    SCHOOL_YEAR = "school_year", _("School year")
    INTERIM_REVIEW = "interim_review", _("Interim review")
    FINAL_REVIEW = "final_review", _("Final review")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# A report in these is frozen: its figures are its snapshot, its narrative cannot change.
SIGNED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class BoardState(models.TextChoices):
    """Where a sub-unit stands on the board for a period (derived, not stored)."""

    MISSING = "missing", _("Missing")
    LATE = "late", _("Late")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
