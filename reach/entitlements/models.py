"""Entitlement runs and their lines (DESIGN.md, "Runs are idempotent and explainable").

A run is keyed by (policy codes, school year, scope unit); at most one run of a key is pending
or running at a time. Its lines say who gets which benefit version, how much, and who pays.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.entitlements.choices import (
    ACTIVE_STATUSES,
    FROZEN_STAGES,
    LineStatus,
    ObjectionStatus,
    RunStage,
    RunStatus,
)
from reach.geo.models import Unit
from reach.policy.models import Benefit
from reach.registry.models import Enrolment, Household, Person


class EntitlementRun(models.Model):
    policy_codes = models.CharField(_("policy codes"), max_length=255)  # sorted, comma-joined
    school_year = models.PositiveSmallIntegerField(_("school year"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entitlement_runs",
        verbose_name=_("scope"),
    )  # null: everything
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    progress_done = models.PositiveIntegerField(_("benefits done"), default=0)
    progress_total = models.PositiveIntegerField(_("benefits"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    versions = models.JSONField(_("policy versions"), default=dict, blank=True)  # {code: number}
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    diff = models.JSONField(_("difference from the previous run"), default=dict, blank=True)
    # Approval (maker-checker), public notice and closing; every change is audited.
    stage = models.CharField(
        _("stage"), max_length=10, choices=RunStage.choices, default=RunStage.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    objections_until = models.DateField(_("objections until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects run"),
    )
    correction_reason = models.TextField(_("what the correction corrects"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("entitlement run")
        constraints = [
            # NULL scope (everything) counts as one key: unit ids start at 1.
            models.UniqueConstraint(
                "policy_codes",
                "school_year",
                Coalesce("unit", Value(0)),
                condition=Q(status__in=ACTIVE_STATUSES),
                name="entitlement_run_one_active_per_key",
            )
        ]
        indexes = [models.Index(fields=["policy_codes", "school_year", "status"])]

    def __str__(self) -> str:
        scope = self.unit.code if self.unit_id else "*"
        return f"{self.policy_codes} {self.school_year} {scope} ({self.status})"

    @property
    def is_frozen(self) -> bool:
        return self.stage in FROZEN_STAGES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent_done(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return 100 * self.progress_done // self.progress_total if self.progress_total else 0


class WrittenJSONField(models.JSONField):
    """JSON that only Django's encoder writes (the run engine and the ORM), never typed by
    hand: without the JSON_VALID check SQLite would run on it for every line of every run.
    PostgreSQL's jsonb checks its input by itself."""

    def db_check(self, connection):
        return None


# A line's slot in the one-open-line constraint: its status while draft or in force, else NULL.
OPEN_SLOT = Case(When(status__in=[LineStatus.DRAFT, LineStatus.IN_FORCE], then=F("status")))


class EntitlementLine(models.Model):
    """One benefit for one pupil in one school year, as computed by a run."""

    scope = ScopePath(unit_path="person__household__unit__path", school="enrolment__school_id")

    # Indexed by (run, person) below: an index of its own only slows inserts.
    run = models.ForeignKey(
        EntitlementRun, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    # No index on the enrolment and the household: no query looks lines up by them, and every
    # index slows the insert of a run's lines; only deleting an enrolment or a household (rare,
    # and a person's lines go by the person's index) scans the lines.
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Indexed by the one-open-line constraint below, which begins with the person.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="entitlements", db_index=False
    )
    # The household and its unit are copies of the person's when the run computed the line:
    # the database checks the person, not these copies again, which would cost a look-up per
    # line of every run; deleting either goes through the ORM, which cascades (household) or
    # protects (unit). No index on the unit either: lines are read by run (or person) and
    # joined to their unit, never looked up by it, and a run's lines, written pupil by pupil,
    # would land all over such an index (a third of the time spent writing them).
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The benefit version. No index: no query looks lines up by their benefit, and every index
    # slows the insert of a run's lines. Nor a check by the database: a run takes the versions
    # from the loaded policies, which are never deleted (the ORM protects them all the same).
    benefit = models.ForeignKey(
        Benefit, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    benefit_code = models.CharField(_("benefit"), max_length=80)
    policy_code = models.CharField(_("policy"), max_length=80)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    # The months of the school year the line pays from: the offset of its first month from
    # the month the year starts in, 0 for a line of the whole year. A benefit and its successor
    # that share a school year by their months in force (reach.policy.timing) give a pupil two
    # lines of one purpose, which payments tell apart by this.
    first_month = models.PositiveSmallIntegerField(_("first month"), default=0)
    # How many months from `first_month` it pays when it counts the months in force; None: the
    # whole year.
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    in_kind = WrittenJSONField(_("in kind"), default=list, blank=True)
    funding = WrittenJSONField(_("funding"), default=list, blank=True)  # [{source, minor}]
    # Set by the database on insert (runs insert set-based); approval puts lines in force.
    status = models.CharField(
        _("status"), max_length=10, choices=LineStatus.choices, db_default=LineStatus.DRAFT
    )

    class Meta:
        ordering = ["run", "person", "policy_code", "benefit_code"]
        verbose_name = _("entitlement line")
        constraints = [
            # A pupil holds at most one line of a benefit in a school year in force, and at
            # most one in draft (a correction being prepared beside the approved line); lines
            # superseded by a correction are kept as many as they come (their slot is NULL,
            # and NULLs never clash). One index for both, beginning with the person: it also
            # finds a person's lines, so that a run's lines go into one index fewer.
            models.UniqueConstraint(
                F("person"),
                F("school_year"),
                F("benefit_code"),
                F("policy_code"),
                OPEN_SLOT,
                name="entitlement_line_one_open_per_benefit_person_year",
            ),
        ]
        indexes = [
            # A run writes its lines pupil by pupil: this index grows at its end only, and
            # serves a run's lines in the order of the model (by pupil).
            models.Index(fields=["run", "person"]),
            # Lines in force by year (payments, lists, reports). Drafts are left out: a run's
            # lines are drafts, so it writes them into one index fewer, and drafts are found by
            # their run (`run` and `person` above).
            models.Index(
                fields=["school_year"],
                condition=Q(status=LineStatus.IN_FORCE),
                name="entitlement_line_in_force_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.policy_code}/{self.benefit_code} {self.amount_minor}"


class Objection(models.Model):
    """An objection raised against one line of a published run's public notice, within its
    objection period. Upholding it starts a correction run; dismissing it says why."""

    scope = ScopePath(
        unit_path="line__person__household__unit__path",
        school="line__enrolment__school_id",
    )

    line = models.ForeignKey(
        EntitlementLine, on_delete=models.PROTECT, related_name="objections", verbose_name=_("line")
    )
    raised_by = models.CharField(_("raised by"), max_length=200)  # who objects (name)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    correction = models.ForeignKey(
        EntitlementRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upheld_objections",
        verbose_name=_("correction run"),
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("objection")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.OPEN, resolved_at__isnull=True)
                | (~Q(status=ObjectionStatus.OPEN) & Q(resolved_at__isnull=False)),
                name="objection_resolved_iff_not_open",
            ),
            models.CheckConstraint(
                condition=~Q(status=ObjectionStatus.DISMISSED) | ~Q(resolution=""),
                name="objection_dismissal_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ObjectionStatus.UPHELD) | Q(correction__isnull=False),
                name="objection_upheld_has_a_correction",
            ),
        ]
        indexes = [models.Index(fields=["line", "status"])]

    def __str__(self) -> str:
        return f"objection {self.pk} to line {self.line_id} ({self.status})"


class RunFact(models.Model):
    """A row of the facts a run reads of its scope (engine.py, a subquery named after this
    model's table): one enrolment with every catalog fact in a column named as in
    `enrolment_facts`, so that a condition compiled by `condition_to_q` filters it unchanged. No
    table of the schema."""

    id = models.BigIntegerField(primary_key=True)  # the enrolment's
    person_id = models.BigIntegerField()
    household_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()  # the household's
    level = models.CharField(max_length=24)
    grade = models.PositiveSmallIntegerField(null=True)
    boarding = models.BooleanField()
    program = models.CharField(max_length=12)
    school_days = models.PositiveSmallIntegerField(null=True)
    household_status = models.CharField(max_length=20)
    extremely_difficult_commune = models.BooleanField()
    ethnic_minority = models.BooleanField()
    orphan = models.BooleanField()
    disabled = models.BooleanField()
    martyr_child = models.BooleanField()
    birth_date = models.DateField()
    school_ownership = models.CharField(max_length=10)
    school_inclusive = models.CharField(max_length=10)
    unit_path = models.CharField(max_length=255)

    class Meta:
        managed = False
        db_table = "entitlements_run_fact"

    def __str__(self) -> str:
        return f"{self.pk} {self.level}"
