"""Plans handed down the chain (seed 003's 237/KH-BGDĐT, seed 000's 351/KH-GDĐT, seed 004's
Kien An plan), their legal bases, the tasks of their appendix with lead and co-operating
organisations, progress updates with evidence, and the staged imports of a task table.

A plan sits in the unit tree at its issuing unit (an organisation's unit when an organisation
issued it): a unit's members see its plans and the plans of the units below it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.geo.models import Organisation, Unit
from reach.plans.choices import AssignmentRole, ImportStatus, TargetDirection, TaskStatus


class Plan(models.Model):
    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    code = models.CharField(_("code"), max_length=60, unique=True)
    number = models.CharField(_("number"), max_length=60, blank=True)  # "237/KH-BGDĐT"
    title = models.CharField(_("title"), max_length=500)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("issuing unit")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("issuing organisation"),
    )
    issued_on = models.DateField(_("date"), null=True, blank=True)
    starts_on = models.DateField(_("period from"), null=True, blank=True)
    ends_on = models.DateField(_("period to"), null=True, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    implements = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implementing_plans",
        verbose_name=_("implements"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "-issued_on", "code"]
        verbose_name = _("plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=models.F("ends_on")),
                name="plan_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.code} {self.title}"[:200]

    @property
    def year(self) -> int | None:
        """The year a "whole year" task means: the period's first year, else the issue date's."""
        day = self.starts_on or self.issued_on
        return day.year if day else None


class PlanBasis(models.Model):
    """One căn cứ of a plan: another plan in Reach, or a document cited as text."""

    scope = ScopePath(unit_path="plan__unit__path", school="plan__unit__schools__id")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bases")
    position = models.PositiveSmallIntegerField(default=0)
    cited_plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="cited_by"
    )
    document = models.CharField(_("document"), max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("legal basis")
        constraints = [
            models.CheckConstraint(
                condition=Q(cited_plan__isnull=False) | ~Q(document=""),
                name="plan_basis_cites_something",
            ),
        ]

    def __str__(self) -> str:
        return str(self.cited_plan) if self.cited_plan_id else self.document


class PlanTask(models.Model):
    """A row of a plan's task table: a section (Roman numeral, `number` empty), which carries
    its own window, lead and deliverable, or a numbered task in a section."""

    scope = ScopePath(unit_path="plan__unit__path", school="plan__unit__schools__id")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.CharField(_("section"), max_length=10, blank=True)
    number = models.CharField(_("number"), max_length=10, blank=True)
    position = models.PositiveIntegerField(default=0)
    content = models.TextField(_("content"))
    window_text = models.CharField(_("time window"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("due"), null=True, blank=True)
    window_understood = models.BooleanField(_("window understood"), default=True)
    lead_text = models.CharField(_("lead as written"), max_length=500, blank=True)
    co_text = models.CharField(_("co-operating as written"), max_length=500, blank=True)
    deliverable = models.TextField(_("deliverable"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    organisations = models.ManyToManyField(
        Organisation, through="TaskAssignment", related_name="plan_tasks"
    )

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("plan task")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "section", "number"], name="plan_task_number_once"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=models.F("ends_on")),
                name="plan_task_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.content}"[:200]

    @property
    def is_section(self) -> bool:
        return not self.number

    @property
    def label(self) -> str:
        """ "III" for a section, "III.2" for a task."""
        if self.is_section:
            return self.section
        return f"{self.section}.{self.number}" if self.section else self.number


class TaskAssignment(models.Model):
    scope = ScopePath(unit_path="task__plan__unit__path", school="task__plan__unit__schools__id")

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="task_assignments"
    )
    role = models.CharField(_("role"), max_length=4, choices=AssignmentRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "role", "position"]
        verbose_name = _("task assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "organisation", "role"], name="task_assignment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class TaskUpdate(models.Model):
    """A progress report on a task: its status from then on, what was done, and evidence."""

    scope = ScopePath(unit_path="task__plan__unit__path", school="task__plan__unit__schools__id")

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices)
    note = models.TextField(_("progress"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="plans/evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "-recorded_at", "-pk"]
        verbose_name = _("task update")

    def __str__(self) -> str:
        return f"{self.task.label}: {self.status}"


class OrganisationAlias(models.Model):
    """Another name an organisation goes by in task tables ("Vụ GDCTHSSV", "Báo GDĐTĐ"),
    kept in the form names are compared in (`reach.plans.organisations.name_key`)."""

    scope = ScopePath(
        unit_path="organisation__unit__path", school="organisation__unit__schools__id"
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="plan_aliases"
    )
    name = models.CharField(_("name as written"), max_length=200)
    key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("organisation alias")

    def __str__(self) -> str:
        return self.name


class PlanTaskImport(models.Model):
    """A task table checked against a plan: its rows as read, the errors naming their line,
    the organisations it names that Reach does not know; committed all or nothing."""

    scope = ScopePath(unit_path="plan__unit__path", school="plan__unit__schools__id")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.STAGED
    )
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    new_organisations = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("task table import")

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.filename}"


class Target(models.Model):
    """A plan's target: a figure (`data/figures.yaml`), a value in percent and a direction, over
    a unit and everything under it, for a school year or a date range, with the baseline the
    plan states. Its actual is never typed: it is computed from the records on every read
    (`reach.plans.targets`). A date range is measured in the school year its last day falls in.
    """

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(
        PlanTask,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("task"),
    )
    indicator = models.CharField(_("indicator"), max_length=60)
    value = models.DecimalField(_("target (%)"), max_digits=4, decimal_places=1)
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=TargetDirection.choices,
        default=TargetDirection.AT_LEAST,
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plan_targets", verbose_name=_("unit")
    )
    school_year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    starts_on = models.DateField(_("period from"), null=True, blank=True)
    ends_on = models.DateField(_("period to"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline school year"), null=True, blank=True
    )
    wording = models.TextField(_("as written in the plan"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("target")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=100), name="target_value_is_a_percentage"
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(baseline_value__gte=0, baseline_value__lte=100),
                name="target_baseline_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=(
                    Q(school_year__isnull=False, starts_on__isnull=True, ends_on__isnull=True)
                    | Q(
                        school_year__isnull=True,
                        starts_on__isnull=False,
                        ends_on__isnull=False,
                        starts_on__lte=models.F("ends_on"),
                    )
                ),
                name="target_period_is_a_school_year_or_a_date_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_direction_display()} {self.value}% ({self.unit_id})"


class FigureCount(models.Model):
    """A figure's numerator and denominator in one school year over the persons whose household
    lay in `unit` itself that year (not below it): what a report sums by path prefix instead of
    counting the records (`reach.plans.figure_counts`). Derived from the records by
    `services.refresh_figures`, never typed or edited; the figure `RECORDS` counts the persons
    with an enrolment of the year (a year without any under a unit has no trend value there)."""

    RECORDS = "_records"

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    figure = models.CharField(max_length=60)
    school_year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "school_year", "unit"], name="figure_count_once_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(numerator__lte=models.F("denominator")),
                name="figure_count_numerator_within_denominator",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.figure} {self.school_year} {self.unit_id}: {self.numerator}/{self.denominator}"
        )


class FigureRefresh(models.Model):
    """When the counts of a figure in a school year were last computed (`FigureCount`): a
    figure and year without one are counted from the records on every read."""

    figure = models.CharField(max_length=60)
    school_year = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "school_year"], name="figure_refresh_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.school_year} @ {self.computed_at:%Y-%m-%d %H:%M}"
