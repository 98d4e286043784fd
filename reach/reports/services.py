"""Writes of reports: open one (its period and due date from the template's calendar), write
its narrative, submit it (freezing the snapshot), accept or return it (a return always carries
a reason, and may name single figures), resubmit it after a return. Each write checks its
permission, owns its transaction, records the step in the report's history and writes the
audit event."""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, DomainError
from reach.geo.models import Organisation, Unit
from reach.reports.choices import EDITABLE, ReportAction, ReportStatus
from reach.reports.definitions import ReportTemplate, get_template
from reach.reports.models import Report, ReportEvent
from reach.reports.periods import Period, PeriodError, period_of
from reach.reports.permissions import can_decide_report, can_prepare_report, can_submit_report
from reach.reports.snapshots import live_snapshot

MAX_NARRATIVE = 20_000


class ReportError(DomainError):
    """A reporting rule forbids the step; the message says why (HTTP 422)."""


def _template(code: str) -> ReportTemplate:
    template = get_template(code)
    if template is None:
        raise ReportError(_("No such report template: %(code)s.") % {"code": code})
    return template


def _event(
    report: Report, actor: User, action: str, reason: str = "", figures: Iterable[str] = ()
) -> None:
    ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor if actor.pk else None,
        actor_name=actor.get_username(),
        reason=reason,
        figures=list(figures),
    )


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("unit", "organisation")
        .get(pk=report.pk)
    )


@transaction.atomic
def open_report(
    *,
    actor: User,
    template_code: str,
    unit: Unit | None = None,
    organisation: Organisation | None = None,
    period: Period | None = None,
    day: dt.date | None = None,
) -> Report:
    """The report of `unit` (or `organisation`) for the period (given, or the template's
    period holding `day`); an existing one is returned as it is."""
    template = _template(template_code)
    if organisation is not None:
        unit = organisation.unit
        if organisation.kind != template.organisation_kind:
            raise ReportError(_("This template is not for this kind of organisation."))
    elif unit is None or not template.level:
        raise ReportError(_("This template is reported by an organisation."))
    elif unit.level != template.level:
        raise ReportError(_("This template is not for units of this level."))
    require(
        can_prepare_report(actor, unit, organisation),
        _("Your role cannot prepare this unit's reports."),
    )
    if period is None:
        try:
            period = period_of(template.period, day or timezone.localdate())
        except PeriodError as error:
            raise ReportError(str(error)) from None
    if period.kind not in template.periods:
        raise ReportError(_("This template is not reported for this kind of period."))
    existing = Report.objects.filter(
        template=template.code,
        unit=unit,
        organisation=organisation,
        period_kind=period.kind,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                template=template.code,
                unit=unit,
                organisation=organisation,
                period_kind=period.kind,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                period_label=period.label,
                school_year=period.school_year,
                due_on=period.ends_on + dt.timedelta(days=template.due_days),
            )
    except IntegrityError:
        raise Conflict(_("This report was opened meanwhile.")) from None
    _event(report, actor, ReportAction.OPENED)
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=report, after=snapshot(report))
    return report


@transaction.atomic
def save_narrative(*, actor: User, report: Report, values: dict[str, str]) -> Report:
    """Write the narrative fields of a draft or returned report (unknown keys refused)."""
    report = _locked(report)
    require(can_submit_report(actor, report), _("Your role cannot write this report."))
    if report.status not in EDITABLE:
        raise Conflict(_("A submitted or accepted report cannot be changed."))
    template = _template(report.template)
    known = {field.key for field in template.narrative}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ReportError(_("No such narrative field: %(keys)s.") % {"keys": ", ".join(unknown)})
    before = snapshot(report)
    narrative = dict(report.narrative)
    for key, text in values.items():
        text = (text or "").strip()
        if len(text) > MAX_NARRATIVE:
            raise ReportError(_("A narrative field holds at most 20,000 characters."))
        narrative[key] = text
    report.narrative = narrative
    report.save(update_fields=["narrative"])
    record_audit_event(
        actor=actor, action=AuditAction.UPDATE, obj=report, before=before, after=snapshot(report)
    )
    return report


@transaction.atomic
def submit_report(*, actor: User, report: Report) -> Report:
    """Freeze the report's figures (and its table of sub-units) into its snapshot and hand it
    to the level above; a returned report is resubmitted the same way, with a new snapshot."""
    report = _locked(report)
    require(can_submit_report(actor, report), _("Your role cannot submit this report."))
    if report.status not in EDITABLE:
        raise Conflict(_("This report is already submitted."))
    resubmission = report.status == ReportStatus.RETURNED
    before = snapshot(report)
    report.snapshot = live_snapshot(report)
    report.status = ReportStatus.SUBMITTED
    report.returned_figures = {}
    report.submitted_by = actor if actor.pk else None
    report.submitted_at = timezone.now()
    report.decided_at = None
    report.save()
    _event(report, actor, ReportAction.RESUBMITTED if resubmission else ReportAction.SUBMITTED)
    record_audit_event(
        actor=actor, action=AuditAction.UPDATE, obj=report, before=before, after=snapshot(report)
    )
    return report


@transaction.atomic
def accept_report(*, actor: User, report: Report) -> Report:
    report = _locked(report)
    require(can_decide_report(actor, report), _("Your role cannot accept this report."))
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be accepted."))
    before = snapshot(report)
    report.status = ReportStatus.ACCEPTED
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_at"])
    _event(report, actor, ReportAction.ACCEPTED)
    record_audit_event(
        actor=actor, action=AuditAction.UPDATE, obj=report, before=before, after=snapshot(report)
    )
    return report


@transaction.atomic
def return_report(
    *, actor: User, report: Report, reason: str, figures: dict[str, str] | None = None
) -> Report:
    """Send the report back to its unit with `reason` (required); `figures` names single
    figures returned, each with its own reason. Only this report is unlocked: its siblings and
    the report above it keep their status."""
    report = _locked(report)
    require(can_decide_report(actor, report), _("Your role cannot return this report."))
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be returned."))
    reason = (reason or "").strip()
    figures = {code: (text or "").strip() for code, text in (figures or {}).items()}
    if not reason:
        raise ReportError(_("Say why the report is returned."))
    template = _template(report.template)
    unknown = sorted(set(figures) - set(template.figure_codes))
    if unknown:
        raise ReportError(
            _("No such figure in this report: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    figures = {code: text or reason for code, text in figures.items()}
    before = snapshot(report)
    report.status = ReportStatus.RETURNED
    report.returned_figures = figures
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "returned_figures", "decided_at"])
    _event(report, actor, ReportAction.RETURNED, reason=reason, figures=sorted(figures))
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=report,
        before=before,
        after=snapshot(report),
        reason=reason[:200],
    )
    return report
