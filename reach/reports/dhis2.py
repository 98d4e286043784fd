"""The DHIS2 export of accepted report figures (issue 20, item 7): a `dataValueSets` JSON and
its CSV (dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo, value as
text), by the mapping kept as data (`data/dhis2.yaml`, `REACH_DHIS2_MAPPING`). Only accepted
reports of units are exported, from their frozen snapshots; whatever the mapping does not name
(a figure, a unit, a code still "to confirm", an organisation's report) is listed, not sent.
A unit closed or opened by a reorganisation is exported under its own code with its closing or
opening date in the value's comment, never merged into its successor."""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from reach.reports.choices import PeriodKind
from reach.reports.models import Report

DATA_FILE = Path(__file__).resolve().parent / "data" / "dhis2.yaml"
TO_CONFIRM = "to confirm"
CSV_COLUMNS = (
    "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value",
    "comment",
)  # fmt: skip


@dataclass(frozen=True)
class Mapping:
    figures: dict[str, dict[str, str]]
    org_units: dict[str, str]
    category_option_combo: str = "default"
    attribute_option_combo: str = "default"
    financial_september: bool = False


def load_mapping(path: Path | None = None) -> Mapping:
    path = path or Path(getattr(settings, "REACH_DHIS2_MAPPING", None) or DATA_FILE)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Mapping(
        figures={str(k): dict(v or {}) for k, v in (data.get("figures") or {}).items()},
        org_units={str(k): str(v) for k, v in (data.get("org_units") or {}).items()},
        category_option_combo=str(data.get("category_option_combo", "default")),
        attribute_option_combo=str(data.get("attribute_option_combo", "default")),
        financial_september=bool(data.get("financial_september", False)),
    )


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def dhis2_period(report: Report, *, financial_september: bool) -> str:
    """The report's period in DHIS2 syntax (`202509`, `2025Q3`, `2025Sep`), or ADX's ISO form
    where DHIS2 has no matching period type (school semesters, reviews, a school year on a
    server without financial-September periods)."""
    start, end = report.starts_on, report.ends_on
    if report.period_kind == PeriodKind.MONTH:
        return f"{start:%Y%m}"
    if report.period_kind == PeriodKind.QUARTER:
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if report.period_kind == PeriodKind.SCHOOL_YEAR and start.month == 9 and financial_september:
        return f"{start.year}Sep"
    if report.period_kind == PeriodKind.SCHOOL_YEAR:
        return f"{start.isoformat()}/P1Y"
    if report.period_kind == PeriodKind.SEMESTER:
        return f"{start.isoformat()}/P{_months(start, end)}M"
    return f"{start.isoformat()}/P{(end - start).days + 1}D"


@dataclass
class Export:
    data_values: list[dict[str, str]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"dataValues": self.data_values}

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for value in self.data_values:
            writer.writerow({column: value.get(column, "") for column in CSV_COLUMNS})
        return out.getvalue()


def _mapped(code: str | None) -> bool:
    return bool(code) and code != TO_CONFIRM


def _comment(report: Report) -> str:
    unit = report.unit
    notes = []
    if unit.valid_to is not None:
        notes.append(f"closed {unit.valid_to.isoformat()}")
    if unit.valid_from is not None:
        notes.append(f"opened {unit.valid_from.isoformat()}")
    return "; ".join(notes)


def build_export(reports: list[Report], mapping: Mapping) -> Export:
    """The data values of the accepted `reports` (others are skipped), and what was unmapped."""
    export = Export()
    unmapped: set[str] = set()
    for report in reports:
        if report.status != "accepted" or not report.snapshot:
            continue
        if report.organisation_id:
            unmapped.add(f"organisation report {report.pk} ({report.reporter_name})")
            continue
        org_unit = mapping.org_units.get(report.unit.code)
        if not _mapped(org_unit):
            unmapped.add(f"unit {report.unit.code} ({report.unit.name})")
            continue
        period = dhis2_period(report, financial_september=mapping.financial_september)
        for code, node in sorted(report.snapshot.get("figures", {}).items()):
            if node.get("n") is None:
                continue  # not available: nothing to send, never 0
            elements = mapping.figures.get(code, {})
            for part, key in (("numerator", "n"), ("denominator", "d")):
                element = elements.get(part)
                if not _mapped(element):
                    unmapped.add(f"figure {code} {part}")
                    continue
                value = {
                    "dataElement": str(element),
                    "period": period,
                    "orgUnit": str(org_unit),
                    "categoryOptionCombo": mapping.category_option_combo,
                    "attributeOptionCombo": mapping.attribute_option_combo,
                    "value": str(node[key]),
                }
                comment = _comment(report)
                if comment:
                    value["comment"] = comment
                export.data_values.append(value)
    export.unmapped = sorted(unmapped)
    return export
