from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District / county")
    COMMUNE = "commune", _("Commune / ward / town")
    VILLAGE = "village", _("Village")


UNIT_LEVEL_DEPTH = {level: depth for depth, level in enumerate(UnitLevel.values)}


class UnitLinkKind(models.TextChoices):
    """How a unit closed by a reorganisation hands over to the unit(s) after it. Which way a
    figure may be carried follows from it (`CARRIES`): a merger's old units add up to the new
    one, a split's new units add up to the old one, a renamed unit is the same place."""

    MERGE = "merge", _("Merged into")
    SPLIT = "split", _("Split into")
    RENAME = "rename", _("Renamed")


# (carries forward: the predecessor's figures count toward the successor in a trend; carries
# back: the successor's figures can be shown under the predecessor), both exact, never
# apportioned.
CARRIES = {
    UnitLinkKind.MERGE: (True, False),
    UnitLinkKind.SPLIT: (False, True),
    UnitLinkKind.RENAME: (True, True),
}


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
