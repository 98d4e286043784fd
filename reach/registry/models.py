from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.geo.models import School, Unit
from reach.registry.choices import (
    CaregiverRelation,
    EducationCompleted,
    EducationLevel,
    EnrolmentStatus,
    HouseholdStatus,
    ImportStatus,
    Program,
    Relation,
    Sex,
)


class Household(models.Model):
    scope = ScopePath(unit_path="unit__path", school="members__enrolments__school_id")

    code = models.CharField(_("household code"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households")
    head_name = models.CharField(_("head of household"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        # The indicators' lists page through persons by unit, household code and birth date
        # (reach.indicators.selectors.PERSON_KEY): this index and the person's below give
        # that order without sorting, so a page stops after its rows.
        indexes = [models.Index(fields=["unit", "code"], name="household_unit_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class HouseholdPastUnit(models.Model):
    """A unit a household belonged to until a reorganisation moved it: it was in `unit` up to
    and including `valid_to`. The household's unit on a day is that of the earliest such row
    ending on or after the day, else its current `unit` (`registry.placement`): records keep the
    unit they had at the time, and a past year can be cut under the old units or the new."""

    scope = ScopePath(
        unit_path="household__unit__path",
        school="household__members__enrolments__school_id",
    )

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="past_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="past_households")
    valid_to = models.DateField(_("valid to"))

    class Meta:
        ordering = ["household", "valid_to"]
        verbose_name = _("past unit of a household")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "valid_to"], name="household_past_unit_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} in {self.unit_id} until {self.valid_to}"


class HouseholdYearStatus(models.Model):
    """The poverty status a household held in one year, and the decision that set it."""

    scope = ScopePath(
        unit_path="household__unit__path",
        school="household__members__enrolments__school_id",
    )

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="statuses")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=HouseholdStatus.choices)
    decision = models.CharField(_("decision"), max_length=200, blank=True)

    class Meta:
        ordering = ["household", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="household_status_per_year")
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}: {self.status}"


class Person(models.Model):
    scope = ScopePath(unit_path="household__unit__path", school="enrolments__school_id")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    national_id = models.CharField(
        _("national ID"), max_length=20, null=True, blank=True, unique=True
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    ethnic_minority = models.BooleanField(_("ethnic minority"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    orphan = models.BooleanField(_("orphan"), default=False)
    martyr_child = models.BooleanField(_("child of a martyr"), default=False)
    # The key groups of dropout control (facts 3.8, 教基厅函〔2024〕15号) besides orphans and
    # disabled children, and who cares for the child.
    left_behind = models.BooleanField(
        _("left-behind child"),
        default=False,
        help_text=_("Both parents, or the only parent, work away from home."),
    )
    migrant = models.BooleanField(
        _("migrant child"), default=False, help_text=_("Lives away from their registered home.")
    )
    unsupported = models.BooleanField(
        _("de-facto unsupported"),
        default=False,
        help_text=_("Parents alive but unable to support the child."),
    )
    caregiver_name = models.CharField(_("caregiver"), max_length=200, blank=True)
    caregiver_relation = models.CharField(
        _("caregiver's relation"), max_length=12, choices=CaregiverRelation.choices, blank=True
    )
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices)
    education_completed = models.CharField(
        _("highest education completed"),
        max_length=20,
        choices=EducationCompleted.choices,
        default=EducationCompleted.NONE,
    )
    vocational_certificate = models.BooleanField(_("vocational certificate"), default=False)

    class Meta:
        ordering = ["household", "birth_date"]
        verbose_name = _("person")
        # Not (full_name, birth_date): SQLite skip-scanned it for every birth-date range.
        indexes = [
            models.Index(fields=["full_name"], name="person_full_name"),
            models.Index(fields=["household", "birth_date"], name="person_household_birth_date"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Enrolment(models.Model):
    """A person's enrolment in one school year (2024 means the school year 2024-2025)."""

    scope = ScopePath(unit_path="person__household__unit__path", school="school_id")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    level = models.CharField(_("level"), max_length=24, choices=EducationLevel.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    boarding = models.BooleanField(_("boarding"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default="enrolled"
    )
    attendance_rate = models.PositiveSmallIntegerField(
        _("attendance rate (%)"), null=True, blank=True
    )
    program = models.CharField(_("program"), max_length=12, blank=True, choices=Program.choices)
    school_days = models.PositiveSmallIntegerField(
        _("days of school in the year"), null=True, blank=True
    )

    class Meta:
        ordering = ["person", "-school_year"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_year", "level"], name="enrolment_per_person_year_level"
            ),
            models.CheckConstraint(
                condition=models.Q(attendance_rate__lte=100)
                | models.Q(attendance_rate__isnull=True),
                name="enrolment_attendance_rate_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "level", "status"]),
            # Covers the enrolment columns of the facts a run reads (policy/facts.py), in
            # person order: the run reads the year's enrolments from the index alone, and each
            # pupil's person and household next to the previous one's.
            models.Index(
                fields=[
                    "school_year",
                    "status",
                    "person",
                    "level",
                    "grade",
                    "boarding",
                    "program",
                    "school_days",
                    "school",
                ],
                name="enrolment_facts_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.school_year} {self.level} {self.status}"


class ImportBatch(models.Model):
    """One uploaded file, validated and staged; committed at most once, all or nothing."""

    kind = models.CharField(_("kind"), max_length=20, default="households")
    filename = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.STAGED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    duplicates = models.JSONField(_("possible duplicates"), default=list, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    # A large file is checked in the background: kept here (not on one server's disk) until
    # then, its rows checked so far and the worker's last sign of life.
    upload = models.BinaryField(_("uploaded file"), null=True, blank=True, editable=False)
    progress_done = models.PositiveIntegerField(_("rows checked"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to check"), default=0)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    # A large batch is committed in the background, as the user who asked (checked again then);
    # `heartbeat_at` is when they asked.
    commit_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (
            ImportStatus.QUEUED,
            ImportStatus.CHECKING,
            ImportStatus.COMMIT_QUEUED,
        )

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class ImportRow(models.Model):
    """One staged row of an import batch, with its normalised canonical values."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line"))
    household_code = models.CharField(_("household code"), max_length=40)
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        ordering = ["batch", "line"]
        indexes = [models.Index(fields=["batch", "household_code", "line"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"
