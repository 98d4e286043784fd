"""One school, one plan (一校一策): what a school lacks, what is built or bought against it,
the teachers sent to it and trained, and the schools paired with it. Every row sits under its
school's unit (the supported school's, for a pairing)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reach.common.money import format_major
from reach.common.scoping import ScopePath
from reach.funds.choices import Currency
from reach.schoolsupport.choices import (
    ActivityKind,
    FundingSource,
    NeedKind,
    NeedStatus,
    PairingKind,
    ProjectKind,
    ProjectStatus,
)

SCHOOL_SCOPE = ScopePath(unit_path="school__unit__path", school="school_id")


class SchoolProfile(models.Model):
    """What Reach records of a school for support: flagged as a poor village's school (a
    decision of the county or the province, named in `decision`)."""

    scope = SCHOOL_SCOPE

    school = models.OneToOneField(
        "geo.School", on_delete=models.CASCADE, related_name="support_profile"
    )
    poor_village = models.BooleanField(_("poor village's school"), default=False)
    decision = models.CharField(_("decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("school support profile")

    def __str__(self) -> str:
        return str(self.school)


class SchoolNeed(models.Model):
    scope = SCHOOL_SCOPE

    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="needs")
    kind = models.CharField(_("kind"), max_length=20, choices=NeedKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    recorded_on = models.DateField(_("recorded on"))
    closed_on = models.DateField(_("answered or withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["school", "recorded_on", "pk"]
        verbose_name = _("school need")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=NeedStatus.OPEN) | Q(closed_on__isnull=False),
                name="schoolneed_closed_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_kind_display()}"


class SchoolProject(models.Model):
    """A building, semi-boarding house, repair or equipment for a school, with its budget in
    minor units and who pays: the state budget, or a fund of `reach.funds` (whose ledger then
    records what the project drew, `reference_type` "schoolsupport.project")."""

    scope = SCHOOL_SCOPE

    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="projects")
    need = models.ForeignKey(
        SchoolNeed, on_delete=models.PROTECT, null=True, blank=True, related_name="projects"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    title = models.CharField(_("project title"), max_length=200)
    budget_minor = models.BigIntegerField(_("budget (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    funding = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices)
    fund = models.ForeignKey(
        "funds.Fund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    planned_on = models.DateField(_("planned on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cost_minor = models.BigIntegerField(_("final cost (minor units)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["school", "planned_on", "pk"]
        verbose_name = _("school project")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_minor__gte=0), name="schoolproject_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(funding=FundingSource.FUND) & Q(fund__isnull=False))
                | (~Q(funding=FundingSource.FUND) & Q(fund__isnull=True)),
                name="schoolproject_fund_iff_funded_by_fund",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.COMPLETED)
                | (Q(completed_on__isnull=False) & Q(cost_minor__gte=0)),
                name="schoolproject_completed_has_date_and_cost",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.CANCELLED) | Q(cancelled_on__isnull=False),
                name="schoolproject_cancelled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_major(self) -> str:
        return format_major(self.budget_minor, self.currency)

    @property
    def cost_major(self) -> str:
        return "" if self.cost_minor is None else format_major(self.cost_minor, self.currency)


class TeacherPlacement(models.Model):
    """A teacher sent to teach at a school for a period (支教), from another school or an
    organisation."""

    scope = SCHOOL_SCOPE

    school = models.ForeignKey(
        "geo.School", on_delete=models.PROTECT, related_name="teacher_placements"
    )
    teacher_name = models.CharField(_("teacher's name"), max_length=200)
    from_school = models.ForeignKey(
        "geo.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_organisation = models.ForeignKey(
        "geo.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject taught"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["school", "starts_on", "pk"]
        verbose_name = _("teacher sent")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="teacherplacement_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(from_school__isnull=False) | Q(from_organisation__isnull=False),
                name="teacherplacement_sent_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.teacher_name

    @property
    def sent_by(self) -> str:
        return str(self.from_school or self.from_organisation or "")


class TeacherTraining(models.Model):
    """Training given to a school's teachers (counted, not named)."""

    scope = SCHOOL_SCOPE

    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="trainings")
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    teachers = models.PositiveIntegerField(_("teachers trained"))
    provider = models.CharField(_("given by"), max_length=200, blank=True)

    class Meta:
        ordering = ["school", "held_on", "pk"]
        verbose_name = _("teacher training")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="teachertraining_hours_positive"),
            models.CheckConstraint(
                condition=Q(teachers__gt=0), name="teachertraining_teachers_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class SchoolPairing(models.Model):
    """A helping school paired with a school it supports (结对帮扶); seen under the supported
    school's unit."""

    scope = ScopePath(unit_path="school__unit__path", school="school_id")

    helper = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="pairings")
    kind = models.CharField(_("kind"), max_length=20, choices=PairingKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    focus = models.CharField(_("focus"), max_length=300, blank=True)

    class Meta:
        ordering = ["school", "starts_on", "pk"]
        verbose_name = _("school pairing")
        constraints = [
            models.CheckConstraint(
                condition=~Q(helper=F("school")), name="schoolpairing_not_with_itself"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="schoolpairing_period_in_order",
            ),
            models.UniqueConstraint(
                fields=["helper", "school", "starts_on"], name="schoolpairing_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.school}"


class PairingActivity(models.Model):
    scope = ScopePath(unit_path="pairing__school__unit__path", school="pairing__school_id")

    pairing = models.ForeignKey(SchoolPairing, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    description = models.CharField(_("description"), max_length=500)

    class Meta:
        ordering = ["pairing", "held_on", "pk"]
        verbose_name = _("pairing activity")

    def __str__(self) -> str:
        return self.description
