from django.db import models
from django.utils.translation import gettext_lazy as _


class Title(models.TextChoices):
    """The learning-model titles of QĐ 387/QĐ-TTg and the Hội Khuyến học's criteria."""

    FAMILY = "family", _("Learning family")
    CLAN = "clan", _("Learning clan")
    COMMUNITY = "community", _("Learning community")
    UNIT = "unit", _("Learning unit")
    CITIZEN = "citizen", _("Learning citizen")


class Computed(models.TextChoices):
    """Criteria Reach computes from the registry and the courses (never typed by hand)."""

    NONE = "", _("Assessed by hand")
    CHILDREN_ENROLLED = "children_enrolled", _("Children of school age enrolled")
    ADULTS_LITERATE = "adults_literate", _("Adults literate")
    COURSE_COMPLETED = "course_completed", _("Members who completed a course this year")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    EVALUATED = "evaluated", _("Evaluated by the board")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")


class CourseKind(models.TextChoices):
    STAFF = "staff", _("Staff capacity building")
    STARTUP = "startup", _("Start-up skills")
    VOCATIONAL = "vocational", _("Vocational training")
    LITERACY = "literacy", _("Literacy / continuing education class")


class ParticipantStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BoardStatus(models.TextChoices):
    """A learning-promotion board (Ban khuyến học) of a unit or an organisation."""

    ESTABLISHED = "established", _("Established")
    NOT_ESTABLISHED = "not_established", _("Not established")


class EventPeriod(models.TextChoices):
    MONTH = "month", _("Learning Encouragement Month (15/9-15/10)")
    WEEK = "week", _("Lifelong-learning week")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    PROPAGANDA = "propaganda", _("Propaganda")
    GATHERING = "gathering", _("Gathering")
    AWARD = "award", _("Award")
    VISIT = "visit", _("Visit")
    GIFT = "gift", _("Gift-giving")


class CommendationLevel(models.TextChoices):
    WARD = "ward", _("Ward / commune level")
    DISTRICT = "district", _("District level")
    PROVINCE = "province", _("Province / city level")
    NATIONAL = "national", _("National level")


class OutreachChannel(models.TextChoices):
    """Where a communication activity reaches people."""

    LOUDSPEAKER = "loudspeaker", _("Ward loudspeaker / radio")
    PRESS = "press", _("Newspaper or magazine")
    TELEVISION = "television", _("Television")
    ONLINE = "online", _("Website or social media")
    MEETING = "meeting", _("Meeting or gathering")
    PRINT = "print", _("Leaflets, posters, banners")
    VISIT = "visit", _("Home visits")
    OTHER = "other", _("Other")
