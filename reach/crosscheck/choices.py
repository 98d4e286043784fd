from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    STAGED = "staged", _("Register staged, not compared yet")
    COMPARED = "compared", _("Compared")


class FindingKind(models.TextChoices):
    """The lists of a comparison (四查三比对): household registration against school
    registration, school registration against pupils in school, dropouts against the poor
    households."""

    NOT_IN_REGISTER = "not_in_register", _("School-age child in no school register")
    NOT_ATTENDING = "not_attending", _("Register and attendance disagree")
    DROPOUT = "dropout", _("Dropout")


class Mismatch(models.TextChoices):
    """How the school register and the registry's enrolment disagree (NOT_ATTENDING)."""

    REGISTERED_NOT_ATTENDING = (
        "registered_not_attending",
        _("On the school register, not attending in the registry"),
    )
    ATTENDING_REGISTERED_OUT = (
        "attending_registered_out",
        _("Attending in the registry, left the school register"),
    )


class Ledger(models.TextChoices):
    """The county ledgers (台账) a run keeps."""

    SCHOOL_AGE = "school_age", _("School-age children")
    SUSPECTED = "suspected", _("Suspected dropouts")
    DROPOUTS = "dropouts", _("Dropouts")
    POOR_DROPOUTS = "poor_dropouts", _("Dropouts of poor or near-poor households")
