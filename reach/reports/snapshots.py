"""A report's figures: computed live from the records while it is a draft, frozen into its
snapshot when it is submitted, rolled up from the accepted reports of the sub-units for a
template that `rolls_up`, and compared with the live figures afterwards (drift).

Every figure is one of the plans' definitions (`reach.plans.figures`), counted over all the
persons of the reporting unit (a report is the unit's official count, not one reader's view;
it holds counts only, never a person): one aggregate per figure, one GROUP BY per figure for
the table of sub-units, read from the counts kept per unit (`reach.plans.figure_counts`) for a
figure and year refreshed, the snapshot then saying when the oldest of them was computed
(`counted_as_of`). A roll-up sums the numerators and denominators of the sub-units'
snapshots and recomputes each rate from the sums."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from reach.geo.models import Unit
from reach.plans.figure_counts import counts_as_of
from reach.plans.figures import (
    NOT_AVAILABLE,
    FigureDefinition,
    FigureValue,
    figure,
    figure_by_sub_unit,
    figure_definitions,
)
from reach.registry.selectors import units_valid_on
from reach.reports.choices import ReportStatus
from reach.reports.definitions import ReportTemplate, get_template
from reach.reports.models import Report

Snapshot = dict


def value_dict(value: FigureValue) -> dict:
    return {"n": value.numerator, "d": value.denominator, "value": value.value}


def value_of(node: dict | None) -> FigureValue:
    if not node or node.get("n") is None:
        return NOT_AVAILABLE
    return FigureValue.of(int(node["n"]), int(node["d"]))


def summed(values: Iterable[FigureValue]) -> FigureValue:
    """Counts added, the rate recomputed from the sums; not available when none is."""
    counted = [v for v in values if v.numerator is not None and v.denominator is not None]
    if not counted:
        return NOT_AVAILABLE
    return FigureValue.of(
        sum(v.numerator for v in counted),  # type: ignore[misc]
        sum(v.denominator for v in counted),  # type: ignore[misc]
    )


def sub_units_of(report: Report) -> list[Unit]:
    """The units directly below the report's unit in force on its period's first day, the day
    its figures place households on (`reach.plans.figures`): a 2024-2025 report of District 12
    lists its eleven wards; after the reorganisation of 2025-07-01 the city's 2025-2026 report
    lists the five wards formed from them."""
    children = Unit.objects.filter(parent=report.unit).order_by("path")
    return list(units_valid_on(children, report.starts_on))


def _definitions(template: ReportTemplate) -> dict[str, FigureDefinition]:
    definitions = figure_definitions()
    return {code: definitions[code] for code in template.figure_codes}


def accepted_sub_reports(report: Report, template: ReportTemplate) -> QuerySet[Report]:
    """The accepted reports of the rolled-up template for the same period, of the sub-units."""
    return Report.objects.filter(
        template=template.rolls_up,
        organisation__isnull=True,
        unit__parent=report.unit,
        starts_on=report.starts_on,
        ends_on=report.ends_on,
        status=ReportStatus.ACCEPTED,
    ).select_related("unit")


def _rolled_up(report: Report, template: ReportTemplate) -> Snapshot:
    children = sub_units_of(report)
    accepted = {r.unit_id: r for r in accepted_sub_reports(report, template)}
    rows = []
    for child in children:
        sub = accepted.get(child.pk)
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                "missing": sub is None,
                "report": sub.pk if sub else None,
                "figures": (sub.snapshot or {}).get("figures", {}) if sub else {},
            }
        )
    figures = {
        code: value_dict(
            summed(value_of(row["figures"].get(code)) for row in rows if not row["missing"])
        )
        for code in template.figure_codes
    }
    return {"figures": figures, "sub_units": rows, "rolled_up": True}


def _counted(report: Report, template: ReportTemplate) -> Snapshot:
    definitions = _definitions(template)
    figures = {
        code: value_dict(figure(d, report.unit, report.school_year))
        for code, d in definitions.items()
    }
    rows: list[dict] = []
    children = sub_units_of(report) if template.sub_unit_table else []
    if children:
        by_code = {
            code: figure_by_sub_unit(d, children, report.unit, report.school_year)
            for code, d in definitions.items()
        }
        rows = [
            {
                "code": child.code,
                "name": child.name,
                "missing": False,
                "report": None,
                "figures": {code: value_dict(by_code[code][child]) for code in definitions},
            }
            for child in children
        ]
    as_of = counts_as_of(
        [code for code, d in definitions.items() if d.available], [report.school_year]
    )
    body = {"figures": figures, "sub_units": rows, "rolled_up": False}
    return body | ({"counted_as_of": as_of.isoformat()} if as_of else {})


def live_snapshot(report: Report) -> Snapshot:
    """What the report would freeze now: its figures and its table of sub-units."""
    template = get_template(report.template)
    if template is None:
        return {"figures": {}, "sub_units": [], "rolled_up": False}
    body = _rolled_up(report, template) if template.rolls_up else _counted(report, template)
    return {"school_year": report.school_year, "taken_at": timezone.now().isoformat(), **body}


def live_figures(report: Report) -> dict[str, FigureValue]:
    """The report's figures from the records as they are now, over the same units as its
    snapshot (for a roll-up: the sub-units it rolled up), to compare with the snapshot."""
    template = get_template(report.template)
    if template is None:
        return {}
    definitions = _definitions(template)
    if not template.rolls_up:
        return {code: figure(d, report.unit, report.school_year) for code, d in definitions.items()}
    included = {
        row["code"] for row in (report.snapshot or {}).get("sub_units", []) if not row["missing"]
    }
    children = [unit for unit in sub_units_of(report) if unit.code in included]
    if not children:
        return {code: NOT_AVAILABLE for code in definitions}
    result = {}
    for code, d in definitions.items():
        by_unit = figure_by_sub_unit(d, children, report.unit, report.school_year)
        result[code] = summed(by_unit.values())
    return result


@dataclass(frozen=True)
class Drift:
    code: str
    label: str
    signed: FigureValue
    live: FigureValue

    @property
    def difference(self) -> int | None:
        if self.signed.numerator is None or self.live.numerator is None:
            return None
        return self.live.numerator - self.signed.numerator


def drift(report: Report) -> list[Drift]:
    """The figures whose live counts differ from the signed snapshot (the snapshot is never
    altered; the difference is only shown)."""
    if report.snapshot is None:
        return []
    definitions = figure_definitions()
    signed = report.snapshot.get("figures", {})
    found = []
    for code, live in live_figures(report).items():
        frozen = value_of(signed.get(code))
        if (frozen.numerator, frozen.denominator) != (live.numerator, live.denominator):
            label = definitions.figures[code].label if code in definitions.figures else code
            found.append(Drift(code, label, frozen, live))
    return found
