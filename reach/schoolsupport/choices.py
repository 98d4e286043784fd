"""The words of school support (issue 22 item 7; seed 001: semi-boarding houses, classroom
repairs, teaching equipment; seed 002: 一校一策, 支教, 结对帮扶)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedKind(models.TextChoices):
    """What a school lacks ("缺什么补什么")."""

    CLASSROOMS = "classrooms", _("Classrooms")
    SEMI_BOARDING = "semi_boarding", _("Semi-boarding house")
    DORMITORY = "dormitory", _("Dormitory or teachers' housing")
    TOILETS = "toilets", _("Toilets")
    WATER = "water", _("Clean water")
    KITCHEN = "kitchen", _("Kitchen or canteen")
    EQUIPMENT = "equipment", _("Teaching equipment")
    TEACHERS = "teachers", _("Teachers")
    OTHER = "other", _("Other need")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Answered")
    WITHDRAWN = "withdrawn", _("No longer needed")


class ProjectKind(models.TextChoices):
    BUILDING = "building", _("Building")
    SEMI_BOARDING_HOUSE = "semi_boarding_house", _("Semi-boarding house")
    REPAIR = "repair", _("Repair")
    EQUIPMENT = "equipment", _("Equipment")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The moves a project's status may make; completed and cancelled are final.
NEXT_STATUS = {
    ProjectStatus.PLANNED: {
        ProjectStatus.UNDER_WAY,
        ProjectStatus.COMPLETED,
        ProjectStatus.CANCELLED,
    },
    ProjectStatus.UNDER_WAY: {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED},
    ProjectStatus.COMPLETED: set(),
    ProjectStatus.CANCELLED: set(),
}


class FundingSource(models.TextChoices):
    STATE_BUDGET = "state_budget", _("State budget")
    FUND = "fund", _("A fund")


class PairingKind(models.TextChoices):
    """The pairs of seed 002: "县—镇", "县—村", "镇—村" (the helper first)."""

    COUNTY_TOWN = "county_town", _("County school helps a town school")
    COUNTY_VILLAGE = "county_village", _("County school helps a village school")
    TOWN_VILLAGE = "town_village", _("Town school helps a village school")


class ActivityKind(models.TextChoices):
    """Where a pair helps (seed 002: 学校常规管理、教师业务能力提升、教育科研、高效课堂改革)."""

    MANAGEMENT = "management", _("School management")
    TEACHING_SKILLS = "teaching_skills", _("Teachers' skills")
    RESEARCH = "research", _("Educational research")
    CLASSROOM_REFORM = "classroom_reform", _("Classroom reform")
    OTHER = "other", _("Other activity")
