"""What a report shows, from its snapshot once signed or from the live records while a draft:
its sections of figures (each with a figure returned by the level above flagged with its
reason), its table of sub-units, the sub-units missing from a roll-up, and a chart of the
first figure across its sub-units with the table of its values."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reach.common.charts import Chart, comparison_chart
from reach.plans.figures import FigureValue, figure_definitions
from reach.reports.definitions import ReportTemplate, get_template
from reach.reports.models import Report
from reach.reports.snapshots import Drift, drift, live_snapshot, value_of


@dataclass(frozen=True)
class FigureRow:
    code: str
    label: str
    value: FigureValue
    source: str
    returned: str  # the reason the figure was returned, else ""


@dataclass(frozen=True)
class SectionRows:
    title: str
    rows: list[FigureRow]


@dataclass(frozen=True)
class SubUnitRow:
    code: str
    name: str
    missing: bool
    values: list[FigureValue]


@dataclass(frozen=True)
class ReportContent:
    report: Report
    template: ReportTemplate | None
    frozen: bool  # the figures are the snapshot's (signed), not the live records'
    rolled_up: bool
    sections: list[SectionRows]
    figure_labels: list[tuple[str, str]]  # (code, label) in the order of the table's columns
    sub_units: list[SubUnitRow]
    missing: list[str]
    chart: Chart | None
    drift: list[Drift]
    counted_as_of: dt.datetime | None = None  # read from the counts kept then, not the records


def _label(code: str) -> str:
    definitions = figure_definitions()
    return definitions[code].label if code in definitions.figures else code


def _count(number: int | None) -> str:
    return "—" if number is None else str(number)


def _chart(figure_code: str, sub_units: list[SubUnitRow], index: int) -> Chart | None:
    shown = [row for row in sub_units if not row.missing]
    if not shown:
        return None
    values = [row.values[index] for row in shown]
    return comparison_chart(
        title=_("%(figure)s by sub-unit") % {"figure": _label(figure_code)},
        bars=[(row.name, value.value) for row, value in zip(shown, values, strict=True)],
        target=None,
        category_title=_("Unit"),
        value_title=_("Value (%)"),
        target_label="",
        extra=[(_count(v.numerator), _count(v.denominator)) for v in values],
        extra_headers=(_("Counted"), _("Out of")),
    )


def report_content(report: Report, *, with_chart: bool = True) -> ReportContent:
    template = get_template(report.template)
    frozen = report.snapshot is not None
    body = report.snapshot if frozen else live_snapshot(report)
    figures = body.get("figures", {})
    definitions = figure_definitions()
    sections = []
    for section in template.sections if template else ():
        rows = [
            FigureRow(
                code=code,
                label=_label(code),
                value=value_of(figures.get(code)),
                source=definitions[code].source if code in definitions.figures else "",
                returned=report.returned_figures.get(code, ""),
            )
            for code in section.figures
        ]
        sections.append(SectionRows(section.title, rows))
    codes = list(template.figure_codes) if template else list(figures)
    sub_units = [
        SubUnitRow(
            code=row["code"],
            name=row["name"],
            missing=row.get("missing", False),
            values=[value_of(row.get("figures", {}).get(code)) for code in codes],
        )
        for row in body.get("sub_units", [])
    ]
    chart = None
    if with_chart and codes and sub_units:
        chart = _chart(codes[0], sub_units, 0)
    return ReportContent(
        report=report,
        template=template,
        frozen=frozen,
        rolled_up=bool(body.get("rolled_up")),
        sections=sections,
        figure_labels=[(code, _label(code)) for code in codes],
        sub_units=sub_units,
        missing=[row.name for row in sub_units if row.missing],
        chart=chart,
        drift=drift(report) if frozen else [],
        counted_as_of=_as_of(body.get("counted_as_of")),
    )


def _as_of(stamp: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(stamp) if stamp else None
