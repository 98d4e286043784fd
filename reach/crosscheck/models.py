from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.crosscheck.choices import FindingKind, Mismatch, RunStatus
from reach.geo.models import School, Unit
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Household, Person


class CrosscheckRun(models.Model):
    """One comparison of an external school register with the registry of a unit, for a month.

    The counts are the ledgers of the run, kept as they were when it was compared; a unit
    compares again every month (or again in the same month), and its runs are its history."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    school_year = models.PositiveSmallIntegerField(_("school year"))
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.STAGED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    compared_at = models.DateTimeField(_("compared at"), null=True, blank=True)
    register_rows = models.PositiveIntegerField(_("register rows"), default=0)
    matched = models.PositiveIntegerField(_("register rows found in the registry"), default=0)
    outside_unit = models.PositiveIntegerField(
        _("register rows living outside the unit"), default=0
    )
    school_age = models.PositiveIntegerField(_("school-age children"), default=0)
    not_in_register = models.PositiveIntegerField(_("in no school register"), default=0)
    not_attending = models.PositiveIntegerField(_("register and attendance disagree"), default=0)
    suspected = models.PositiveIntegerField(_("suspected dropouts"), default=0)
    dropouts = models.PositiveIntegerField(_("dropouts"), default=0)
    poor_dropouts = models.PositiveIntegerField(_("dropouts of poor households"), default=0)
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("register cross-check")
        indexes = [models.Index(fields=["unit", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} #{self.pk}"


class RegisterRow(models.Model):
    """One pupil of the uploaded school register, staged for its run. The comparison matches it
    with the registry's person (national ID, else name and birth date in the run's unit) and
    marks the rows it found no one for (`unmatched`: on a school register, not in the registry)."""

    scope = ScopePath(unit_path="run__unit__path", school="school_id")

    run = models.ForeignKey(CrosscheckRun, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line"))
    national_id = models.CharField(_("national ID"), max_length=20, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    school_code = models.CharField(_("school code"), max_length=40)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices)
    unmatched = models.BooleanField(_("not in the registry"), default=False)

    class Meta:
        ordering = ["run", "line"]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.line}"


class Finding(models.Model):
    """One child on one list of a run: a difference between the register and the registry, or
    a dropout (listed among the poor dropouts when `household_status` is poor or near-poor)."""

    scope = ScopePath(
        unit_path="person__household__unit__path", school="person__enrolments__school_id"
    )

    run = models.ForeignKey(CrosscheckRun, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    household_status = models.CharField(_("household status"), max_length=20, blank=True)
    mismatch = models.CharField(_("mismatch"), max_length=30, choices=Mismatch.choices, blank=True)
    register_row = models.ForeignKey(
        RegisterRow, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    poor = models.BooleanField(_("poor or near-poor household"), default=False)

    class Meta:
        ordering = ["run", "kind", "person"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "person"], name="finding_once_per_list")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.kind} {self.person_id}"
