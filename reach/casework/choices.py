from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseKind(models.TextChoices):
    OUT_OF_SCHOOL = "out_of_school", _("Out of school")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    AT_RISK = "at_risk", _("At risk of dropping out")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open, not visited yet")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS)


class CaseSource(models.TextChoices):
    LIST = "list", _("Opened from the lists")
    HAND = "hand", _("Opened by hand")


class Reason(models.TextChoices):
    """Why a child is out of school or at risk, as the work group found on a visit."""

    ECONOMIC_HARDSHIP = "economic_hardship", _("Economic hardship")
    DISTANCE = "distance", _("Distance to school")
    WORK = "work", _("Work")
    FAMILY = "family", _("Family circumstances")
    HEALTH = "health", _("Health")
    LEARNING_DIFFICULTY = "learning_difficulty", _("Learning difficulty")
    MARRIAGE = "marriage", _("Marriage")
    MIGRATION = "migration", _("Migration")
    OTHER = "other", _("Other")


class ActionKind(models.TextChoices):
    AID_REFERRAL = "aid_referral", _("Scholarship or aid referral")
    BICYCLE_SUPPLIES = "bicycle_supplies", _("Bicycle or school supplies")
    RETURN_SUPPORT = "return_support", _("Return-to-school support")
    CONTINUING_VOCATIONAL = (
        "continuing_vocational",
        _("Continuing education or vocational training"),
    )
    LITERACY_CLASS = "literacy_class", _("Literacy class")


class Outcome(models.TextChoices):
    RETURNED_TO_SCHOOL = "returned_to_school", _("Returned to school")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing or vocational education")
    MOVED_AWAY = "moved_away", _("Moved away")
    UNREACHABLE = "unreachable", _("Unreachable")
    STILL_OUT = "still_out", _("Still out of school")
    STAYED_IN_SCHOOL = "stayed_in_school", _("Stayed in school")


# Outcomes a case of each kind may close with: a child who never left school cannot return to
# it, and only a child still at school can stay there.
OUTCOMES_BY_KIND = {
    CaseKind.OUT_OF_SCHOOL: tuple(o for o in Outcome if o != Outcome.STAYED_IN_SCHOOL),
    CaseKind.DROPPED_OUT: tuple(o for o in Outcome if o != Outcome.STAYED_IN_SCHOOL),
    CaseKind.AT_RISK: tuple(o for o in Outcome if o != Outcome.RETURNED_TO_SCHOOL),
}
RETURNABLE_KINDS = (CaseKind.OUT_OF_SCHOOL, CaseKind.DROPPED_OUT)


class Affiliation(models.TextChoices):
    """Where a work group member comes from (seed 001: school, ward, youth union)."""

    SCHOOL = "school", _("School")
    WARD = "ward", _("Ward / commune")
    YOUTH_UNION = "youth_union", _("Youth union")
    OTHER = "other", _("Other organisation")


class CampaignKind(models.TextChoices):
    AFTER_SUMMER = "after_summer", _("After the summer holidays")
    AFTER_TET = "after_tet", _("After Tet")
    # Care visits to left-behind and other vulnerable children every February and August
    # (facts 3.8, seed 002): before the spring and the autumn term.
    CARE_FEBRUARY = "care_february", _("February care for left-behind children")
    CARE_AUGUST = "care_august", _("August care for left-behind children")
    OTHER = "other", _("Other period")


CARE_KINDS = (CampaignKind.CARE_FEBRUARY, CampaignKind.CARE_AUGUST)
