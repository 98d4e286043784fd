"""Periodic reports with sign-off (issue 20, item 5): a report of a template for a period, by a
unit or an organisation, its narrative, and the snapshot of its figures frozen when it is
submitted; and the history of its steps (who, when, why: a return always says why).

A report sits in the unit tree at its unit (an organisation's report at the organisation's
unit): a unit's members see its reports and those of the units below it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.geo.models import Organisation, Unit
from reach.reports.choices import PeriodKind, ReportAction, ReportStatus


class Report(models.Model):
    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    template = models.CharField(_("template"), max_length=60)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reporting organisation"),
    )
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    period_label = models.CharField(_("period label"), max_length=60)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    # Frozen at submission: {"school_year", "taken_at", "figures": {code: {n, d, value}},
    # "sub_units": [{"code", "name", "missing", "figures": {...}}]}; never altered afterwards
    # (a resubmission after a return takes a new one).
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    # The figures the unit above returned, with their reasons ({code: reason}); cleared on
    # resubmission.
    returned_figures = models.JSONField(default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "unit__path", "template"]
        verbose_name = _("report")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "unit", "period_kind", "starts_on", "ends_on"],
                condition=Q(organisation__isnull=True),
                name="report_once_per_unit_period",
            ),
            models.UniqueConstraint(
                fields=["template", "organisation", "period_kind", "starts_on", "ends_on"],
                condition=Q(organisation__isnull=False),
                name="report_once_per_organisation_period",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="report_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(snapshot__isnull=False),
                name="report_signed_has_snapshot",
            ),
        ]

    def __str__(self) -> str:
        reporter = self.organisation.name if self.organisation_id else self.unit.name
        return f"{reporter} {self.period_label}"

    @property
    def reporter_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.unit.name


class ReportEvent(models.Model):
    """One step of a report's history. A return carries its reason (the database refuses one
    without) and, when one figure is returned, that figure's code."""

    scope = ScopePath(unit_path="report__unit__path", school="report__unit__schools__id")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=ReportAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    figures = models.JSONField(_("figures returned"), default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report event")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=ReportAction.RETURNED) | ~Q(reason=""),
                name="report_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%Y-%m-%d}"
