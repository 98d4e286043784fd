from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District / county")
    COMMUNE = "commune", _("Commune / ward / town")
    VILLAGE = "village", _("Village")


UNIT_LEVEL_DEPTH = {level: depth for depth, level in enumerate(UnitLevel.values)}


class SchoolOwnership(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class SchoolInclusive(models.TextChoices):
    """Whether a private kindergarten is recognised as 普惠性 (inclusive: publicly priced and
    supported); a public one is 普惠 by definition."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class OrganisationKind(models.TextChoices):
    EDUCATION_OFFICE = "education_office", _("Education office")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's committee")
    YOUTH_UNION = "youth_union", _("Youth union")
    LEARNING_ASSOCIATION = "learning_association", _("Learning promotion association")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland front")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other organisation")
