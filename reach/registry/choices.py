from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdStatus(models.TextChoices):
    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near-poor")
    ESCAPED_POOR = "escaped_poor", _("Newly escaped poverty")
    ESCAPED_NEAR_POOR = "escaped_near_poor", _("Newly escaped near-poverty")
    NONE = "none", _("Not poor")


class Sex(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class CaregiverRelation(models.TextChoices):
    """Who cares for a child day to day when it is not both parents (facts 3.8: left-behind,
    de-facto unsupported children)."""

    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Older sibling")
    RELATIVE = "relative", _("Other relative")
    FOSTER = "foster", _("Foster family or guardian")
    INSTITUTION = "institution", _("Care institution or boarding school")
    NONE = "none", _("No one")


class EducationLevel(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    VOCATIONAL_SECONDARY = "vocational_secondary", _("Secondary vocational")
    HIGHER_EDUCATION = "higher_education", _("Higher education")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing education")


class Program(models.TextChoices):
    """The programme of a higher-education enrolment."""

    BACHELOR = "bachelor", _("Bachelor")
    ASSOCIATE = "associate", _("Associate (junior college)")


class EducationCompleted(models.TextChoices):
    """Highest education a person has completed."""

    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    VOCATIONAL = "vocational", _("Vocational")
    HIGHER = "higher", _("Higher education")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    TRANSFERRED = "transferred", _("Transferred")
    GRADUATED = "graduated", _("Graduated")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    STAGED = "staged", _("Staged")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")
    COMMIT_QUEUED = "commit_queued", _("Being committed")
    COMMITTED = "committed", _("Committed")
