"""Reads of reports. Every queryset starts from `restrict` over reports (their unit): a ward
sees its own reports, the level above its sub-units' and its own."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from reach.accounts.models import User
from reach.accounts.scoping import restrict, under_paths
from reach.geo.models import Unit
from reach.geo.selectors import (
    home_unit_for_user,
    top_units_for_user,
    unit_paths_on,
    units_standing_for,
)
from reach.reports.choices import BoardState, ReportStatus
from reach.reports.definitions import ReportTemplate
from reach.reports.models import Report, ReportEvent
from reach.reports.periods import Period


def reports_for_user(user: User | None) -> QuerySet[Report]:
    return restrict(Report.objects.all(), user)


def list_reports_for_user(
    user: User | None,
    *,
    unit: Unit | None = None,
    template: str = "",
    status: str = "",
) -> QuerySet[Report]:
    """The reports `user` sees, of `unit` and below when given; for a unit closed by a
    reorganisation, also those of the units that took over from it (District 12's list holds
    the 2025-2026 reports of its five successor wards)."""
    reports = reports_for_user(user).select_related("unit", "organisation")
    if unit is not None:
        reports = reports.filter(under_paths("unit__path", (unit.path, *successor_paths(unit))))
    if template:
        reports = reports.filter(template=template)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-starts_on", "unit__path", "template", "pk")


def successor_paths(unit: Unit) -> tuple[str, ...]:
    """The paths of the units that stand for `unit` after a reorganisation closed it (none while
    it is open)."""
    if unit.valid_to is None:
        return ()
    return unit_paths_on(unit, unit.valid_to + dt.timedelta(days=1))


def closed_before(unit: Unit, period: Period) -> bool:
    """Whether a reorganisation closed `unit` before `period` began: its board of that period
    covers the units that stand for it."""
    return unit.valid_to is not None and unit.valid_to < period.starts_on


def board_home_unit(user: User | None) -> Unit | None:
    """The unit a board starts at when none is asked for: for the office of a unit closed by a
    reorganisation (its scope's roots are that unit and units that took over from it), the
    closed unit, whose board covers them; else the user's home unit."""
    roots = list(top_units_for_user(user))
    closed = [root for root in roots if root.valid_to is not None]
    if len(closed) == 1:
        standing = set(successor_paths(closed[0]))
        if all(root.path in standing for root in roots if root != closed[0]):
            return closed[0]
    return home_unit_for_user(user)


def board_units(unit: Unit, period: Period) -> list[Unit]:
    """The units a board of `unit` for `period` covers, whoever reads it: those directly below
    it in force in the period; for a unit closed before the period, the units that stand for it
    on the period's first day (`reach.geo.selectors.units_standing_for`): District 12's board of
    2025-2026 covers the five wards formed from its eleven."""
    if closed_before(unit, period):
        return units_standing_for(unit, period.starts_on)
    children = (
        Unit.objects.filter(parent=unit)
        .exclude(valid_to__lt=period.starts_on)
        .exclude(valid_from__gt=period.ends_on)
    )
    return list(children.order_by("path"))


def get_report_for_user(user: User | None, report_id: int) -> Report | None:
    return (
        reports_for_user(user)
        .select_related("unit__parent", "organisation", "submitted_by")
        .filter(pk=report_id)
        .first()
    )


def list_events(report: Report) -> QuerySet[ReportEvent]:
    return report.events.order_by("at", "pk")


@dataclass(frozen=True)
class BoardRow:
    unit: Unit
    report: Report | None
    state: BoardState
    due_on: dt.date
    late: bool  # past its due date and not submitted, or submitted after it


def board_for_user(
    user: User | None,
    *,
    unit: Unit,
    template: ReportTemplate,
    period: Period,
    today: dt.date | None = None,
) -> list[BoardRow]:
    """For each unit the board of `unit` covers in the period (`board_units`) that `user` sees:
    the status of its report of `template` for `period`, missing and late ones included."""
    today = today or timezone.localdate()
    due_on = period.ends_on + dt.timedelta(days=template.due_days)
    covered = [u.pk for u in board_units(unit, period)]
    children = restrict(Unit.objects.filter(pk__in=covered), user).order_by("path")
    reports = {
        r.unit_id: r
        for r in reports_for_user(user).filter(
            template=template.code,
            organisation__isnull=True,
            unit__in=covered,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
        )
    }
    rows = []
    for child in children:
        report = reports.get(child.pk)
        if report is None:
            late = today > due_on
            state = BoardState.LATE if late else BoardState.MISSING
        else:
            signed_late = report.submitted_at is not None and (
                timezone.localtime(report.submitted_at).date() > report.due_on
            )
            open_late = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and (
                today > report.due_on
            )
            late = signed_late or open_late
            state = BoardState(report.status)
        rows.append(BoardRow(child, report, state, report.due_on if report else due_on, late))
    return rows


def list_accepted_reports_for_user(
    user: User | None, *, unit: Unit | None = None, school_year: int | None = None
) -> list[Report]:
    """The accepted reports of units (not organisations) `user` sees, for the DHIS2 export."""
    reports = list_reports_for_user(user, unit=unit, status=ReportStatus.ACCEPTED).filter(
        organisation__isnull=True
    )
    if school_year is not None:
        reports = reports.filter(school_year=school_year)
    return list(reports)
