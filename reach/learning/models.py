"""Learning-society titles (issue 21): clans, criteria sets as versioned data, registrations
with their self-assessment, the board's evaluation and the recognition decision; and training:
courses, participants, attendance and the vocational-training needs people declare.

A criteria set is never changed once a registration uses it: editing makes a new version
(`CriteriaSet.version`), so last year's recognitions keep the set they were judged by.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.geo.models import Organisation, School, Unit
from reach.learning.choices import (
    BoardStatus,
    CommendationLevel,
    Computed,
    CourseKind,
    EventKind,
    EventPeriod,
    OutreachChannel,
    ParticipantStatus,
    RegistrationStatus,
    Title,
)
from reach.registry.choices import EducationCompleted
from reach.registry.models import Household, Person

PERSON_SCOPE = ScopePath(
    unit_path="person__household__unit__path", school="person__enrolments__school_id"
)


class Clan(models.Model):
    """A dòng họ: a named group of households of a unit (they may live under several of its
    villages)."""

    scope = ScopePath(unit_path="unit__path", school="households__members__enrolments__school_id")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="clans")
    name = models.CharField(_("name"), max_length=200)
    households = models.ManyToManyField(Household, related_name="clans", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("clan")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="clan_name_per_unit")]

    def __str__(self) -> str:
        return self.name


class CriteriaSet(models.Model):
    """One version of a title's criteria: points per criterion and the pass mark. National
    reference data (a decision of the Hội Khuyến học), read by everyone."""

    code = models.CharField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=12, choices=Title.choices)
    name = models.CharField(_("name"), max_length=300)
    source = models.CharField(_("source"), max_length=500)
    confidence = models.CharField(_("confidence"), max_length=200, blank=True)
    # None: the source does not give it ("to confirm"); the set cannot recognise anyone.
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("criteria set")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def max_points(self) -> int:
        return sum(c.max_points or 0 for c in self.criteria.all())


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=12)
    group = models.CharField(_("group"), max_length=200, blank=True)
    label = models.CharField(_("criterion"), max_length=500)
    # None: the source does not give the points ("to confirm").
    max_points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    computed = models.CharField(
        _("computed by Reach"), max_length=24, choices=Computed.choices, blank=True
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        ordering = ["criteria_set", "position"]
        verbose_name = _("criterion")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Registration(models.Model):
    """A subject's registration for a title in a year, judged by one criteria set version.

    The subject is exactly one of: a household (family), a clan, a community (a village or
    residential group: a unit), an organisation or school (learning unit), a person (citizen).
    `unit` is where it is registered (the subject's unit): the ward's board evaluates it."""

    scope = ScopePath(unit_path="unit__path", school="school_id")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=12, choices=Title.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="registrations"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clan = models.ForeignKey(
        Clan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    self_score = models.PositiveSmallIntegerField(_("self-assessed score"), null=True, blank=True)
    board_score = models.PositiveSmallIntegerField(_("board's score"), null=True, blank=True)
    board = models.CharField(_("evaluated by"), max_length=200, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("registration")
        constraints = [
            models.CheckConstraint(
                name="registration_has_one_subject",
                condition=(
                    Q(title="family", household__isnull=False, clan__isnull=True)
                    & Q(community__isnull=True, organisation__isnull=True, school__isnull=True)
                    & Q(person__isnull=True)
                )
                | (
                    Q(title="clan", clan__isnull=False, household__isnull=True)
                    & Q(community__isnull=True, organisation__isnull=True, school__isnull=True)
                    & Q(person__isnull=True)
                )
                | (
                    Q(title="community", community__isnull=False, household__isnull=True)
                    & Q(clan__isnull=True, organisation__isnull=True, school__isnull=True)
                    & Q(person__isnull=True)
                )
                | (
                    Q(title="unit", household__isnull=True, clan__isnull=True)
                    & Q(community__isnull=True, person__isnull=True)
                    & (
                        Q(organisation__isnull=False, school__isnull=True)
                        | Q(organisation__isnull=True, school__isnull=False)
                    )
                )
                | (
                    Q(title="citizen", person__isnull=False, household__isnull=True)
                    & Q(clan__isnull=True, community__isnull=True, organisation__isnull=True)
                    & Q(school__isnull=True)
                ),
            ),
        ] + [
            models.UniqueConstraint(
                fields=["year", field],
                condition=Q(**{f"{field}__isnull": False}),
                name=f"registration_once_a_year_{field}",
            )
            for field in ("household", "clan", "community", "organisation", "school", "person")
        ]
        indexes = [models.Index(fields=["year", "title", "status"])]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.year}: {self.subject}"

    @property
    def subject(self) -> object:
        return (
            self.household or self.clan or self.community or self.organisation or self.school
        ) or self.person

    @property
    def recognised(self) -> bool:
        return self.status == RegistrationStatus.RECOGNISED


class CriterionScore(models.Model):
    """Points of one criterion: the subject's own (self) and the board's."""

    scope = ScopePath(unit_path="registration__unit__path", school="registration__school_id")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.PositiveSmallIntegerField(_("self-assessed points"), null=True)
    board_points = models.PositiveSmallIntegerField(_("board's points"), null=True)
    computed_points = models.PositiveSmallIntegerField(_("computed points"), null=True)
    computed_value = models.CharField(_("computed value"), max_length=200, blank=True)

    class Meta:
        ordering = ["registration", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion"], name="score_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}/{self.criterion_id}"


class Course(models.Model):
    """A training course or class of a unit."""

    scope = ScopePath(unit_path="unit__path", school="participants__person__enrolments__school_id")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=CourseKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="courses")
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="courses"
    )
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    certificate = models.BooleanField(_("ends with a certificate"), default=False)
    # The education level a certificate of this course completes (a continuing-education class
    # finishing lower secondary); blank: none.
    completes_level = models.CharField(
        _("completes level"), max_length=20, choices=EducationCompleted.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("course")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="course_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    scope = PERSON_SCOPE

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="courses_taken")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.ENROLLED,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)

    class Meta:
        ordering = ["course", "person__full_name"]
        verbose_name = _("participant")
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="participant_once"),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | (~Q(status="completed") & Q(completed_on__isnull=True, certificate_number="")),
                name="participant_completion_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.course}"


class Attendance(models.Model):
    scope = ScopePath(
        unit_path="participant__person__household__unit__path",
        school="participant__person__enrolments__school_id",
    )

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    on = models.DateField(_("date"))
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["participant", "on"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "on"], name="attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.on}"


class TrainingNeed(models.Model):
    """A person's declared need for vocational training in a year (the 100% target counts the
    members aged 16-30 of poor and near-poor households who declared one)."""

    scope = PERSON_SCOPE

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="training_needs")
    year = models.PositiveSmallIntegerField(_("year"))
    vocational = models.BooleanField(_("needs vocational training"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="training_need_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class Board(models.Model):
    """A learning-promotion board (Ban khuyến học) of a unit, or of an organisation of it
    (`organisation` set). Recorded also when not established, so the list of units without one
    is a list of facts, not of gaps in the data."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="learning_boards")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_boards",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BoardStatus.choices, default=BoardStatus.ESTABLISHED
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "organisation"]
        verbose_name = _("learning-promotion board")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(organisation__isnull=True),
                name="learning_board_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="learning_board_once_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="established", established_on__isnull=False)
                | (Q(status="not_established", established_on__isnull=True)),
                name="learning_board_established_dated",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation or self.unit)


class Event(models.Model):
    """An event of the Learning Encouragement Month (15/9-15/10) or of the lifelong-learning
    week, organised by a unit (or an organisation of it)."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    on = models.DateField(_("date"))
    period = models.CharField(
        _("period"), max_length=8, choices=EventPeriod.choices, default=EventPeriod.MONTH
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="learning_events")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_events",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    name = models.CharField(_("name"), max_length=300)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    products = models.TextField(_("products"), blank=True)
    # What the organiser reports was raised at the event (minor units of `currency`); money
    # received into a Reach fund is counted from the fund, never from here.
    funds_raised_minor = models.PositiveBigIntegerField(_("funds raised"), default=0)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "pk"]
        verbose_name = _("learning event")
        indexes = [models.Index(fields=["on", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(funds_raised_minor=0) | ~Q(currency=""),
                name="learning_event_funds_have_currency",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Commendation(models.Model):
    """An award to a collective (an organisation, or a unit) or a person, for a campaign (the
    Month of a year) or for a year's work. `unit` is the unit whose list it appears on.
    School staff see only the commendations of their pupils (a person's name is personal data)."""

    scope = ScopePath(unit_path="unit__path", school="person__enrolments__school_id")

    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("commended for"), max_length=8, choices=EventPeriod.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="commendations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="commendations"
    )
    achievement = models.CharField(_("achievement"), max_length=500)
    level = models.CharField(_("award level"), max_length=10, choices=CommendationLevel.choices)
    award = models.CharField(_("award"), max_length=200)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decided_on = models.DateField(_("decided on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "unit", "pk"]
        verbose_name = _("commendation")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(person__isnull=True),
                name="commendation_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.year}: {self.recipient}"

    @property
    def recipient(self) -> object:
        """The person, else the organisation, else the unit as a collective."""
        return self.person or self.organisation or self.unit


class OutreachActivity(models.Model):
    """A communication activity (issue 21, point 5): a channel, an audience, a date and what it
    produced (articles, clips, publications), done for a plan task or a campaign so that the
    plan's deliverables count what was actually produced."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="outreach_activities")
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=12, choices=OutreachChannel.choices)
    audience = models.CharField(_("audience"), max_length=300)
    name = models.CharField(_("name"), max_length=300)
    task = models.ForeignKey(
        "plans.PlanTask",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_activities",
        verbose_name=_("plan task"),
    )
    campaign = models.ForeignKey(
        "casework.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_activities",
        verbose_name=_("campaign"),
    )
    articles = models.PositiveIntegerField(_("articles"), default=0)
    clips = models.PositiveIntegerField(_("clips"), default=0)
    publications = models.PositiveIntegerField(_("publications"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "pk"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False) | Q(campaign__isnull=False),
                name="outreach_for_a_task_or_campaign",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def products(self) -> int:
        return self.articles + self.clips + self.publications
