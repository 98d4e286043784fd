"""/api/v1/reports: the reports the caller sees (their units and below), one report with its
frozen snapshot, drift and history, and the board of a period."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from reach.accounts.permissions import require
from reach.accounts.services import record_export
from reach.common.errors import OutOfScope, found
from reach.common.schemas import READ_ERRORS
from reach.geo.selectors import unit_for_user_or_404
from reach.plans.figures import FigureValue
from reach.reports import selectors
from reach.reports.definitions import get_template
from reach.reports.dhis2 import build_export, load_mapping
from reach.reports.models import Report
from reach.reports.periods import PeriodError, period_of
from reach.reports.permissions import can_export_dhis2
from reach.reports.schemas import Dhis2Out, ReportBoardOut, ReportDetailOut, ReportOut
from reach.reports.snapshots import drift

router = Router(tags=["reports"])


def _figure(value: FigureValue) -> dict:
    return {"numerator": value.numerator, "denominator": value.denominator, "value": value.value}


def _figures(nodes: dict) -> dict:
    return {
        code: {"numerator": n.get("n"), "denominator": n.get("d"), "value": n.get("value")}
        for code, n in nodes.items()
    }


def report_out(report: Report) -> dict:
    return {
        "id": report.pk,
        "template": report.template,
        "unit": report.unit.code,
        "organisation": report.organisation.code if report.organisation_id else None,
        "period_kind": report.period_kind,
        "period_label": report.period_label,
        "starts_on": report.starts_on,
        "ends_on": report.ends_on,
        "school_year": report.school_year,
        "due_on": report.due_on,
        "status": report.status,
        "submitted_at": report.submitted_at,
        "decided_at": report.decided_at,
    }


@router.get("/reports/", response={200: list[ReportOut], **READ_ERRORS})
def list_reports(request, unit: str = "", template: str = "", status: str = ""):
    """The reports of the caller's units and below (of `unit` when given)."""
    reports = selectors.list_reports_for_user(
        request.user,
        unit=unit_for_user_or_404(request.user, unit),
        template=template,
        status=status,
    )
    return [report_out(report) for report in reports]


@router.get("/reports/board", response={200: ReportBoardOut, **READ_ERRORS})
def get_board(request, template: str, unit: str = "", day: dt.date | None = None):
    """Each sub-unit of `unit` (default: the caller's own) with the status of its report of
    `template` for the period holding `day` (default today): missing and late included."""
    definition = get_template(template)
    if definition is None:
        raise OutOfScope("No such report template")
    place = unit_for_user_or_404(request.user, unit) or selectors.board_home_unit(request.user)
    if place is None:
        raise OutOfScope("Name a unit")
    try:
        period = period_of(definition.period, day or timezone.localdate())
    except PeriodError as error:
        raise OutOfScope(str(error)) from None
    rows = selectors.board_for_user(request.user, unit=place, template=definition, period=period)
    return {
        "template": definition.code,
        "unit": place.code,
        "period_label": period.label,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "closed_on": place.valid_to if selectors.closed_before(place, period) else None,
        "rows": [
            {
                "unit": row.unit.code,
                "name": row.unit.name,
                "report": row.report.pk if row.report else None,
                "state": row.state.value,
                "due_on": row.due_on,
                "late": row.late,
            }
            for row in rows
        ],
    }


@router.get("/reports/dhis2", response={200: Dhis2Out, **READ_ERRORS})
def dhis2_export(request, unit: str = "", year: int | None = None):
    """The accepted figures of the reports the caller sees as a DHIS2 `dataValueSet`, by the
    mapping kept as data, with what could not be mapped (listed, not sent). Audited."""
    require(can_export_dhis2(request.user), _("Your role cannot export to DHIS2."))
    reports = selectors.list_accepted_reports_for_user(
        request.user, unit=unit_for_user_or_404(request.user, unit), school_year=year
    )
    export = build_export(reports, load_mapping())
    record_export(
        actor=request.user,
        name="reports.dhis2.json",
        filters={"unit": unit, "year": year},
        rows=len(export.data_values),
        masked=False,
    )
    return {"dataValueSet": export.as_json(), "unmapped": export.unmapped}


@router.get("/reports/{report_id}", response={200: ReportDetailOut, **READ_ERRORS})
def get_report(request, report_id: int):
    """One report with its snapshot (frozen at submission), the figures returned with their
    reasons, the drift of the live records from the snapshot, and its history."""
    report = found(selectors.get_report_for_user(request.user, report_id), "No such report")
    snapshot = report.snapshot
    return {
        **report_out(report),
        "narrative": report.narrative,
        "snapshot_taken_at": snapshot.get("taken_at") if snapshot else None,
        "snapshot_counted_as_of": snapshot.get("counted_as_of") if snapshot else None,
        "figures": _figures(snapshot.get("figures", {})) if snapshot else None,
        "sub_units": [
            {
                "code": row["code"],
                "name": row["name"],
                "missing": row.get("missing", False),
                "figures": _figures(row.get("figures", {})),
            }
            for row in snapshot.get("sub_units", [])
        ]
        if snapshot
        else None,
        "returned_figures": report.returned_figures,
        "drift": [
            {"figure": d.code, "signed": _figure(d.signed), "live": _figure(d.live)}
            for d in drift(report)
        ],
        "history": [
            {
                "action": e.action,
                "by": e.actor_name,
                "at": e.at,
                "reason": e.reason,
                "figures": e.figures,
            }
            for e in selectors.list_events(report)
        ],
    }
