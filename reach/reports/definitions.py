"""Report templates kept as data (`data/templates.yaml`): sections of figures named by their
key in the plans' figure definitions, a table per sub-unit, narrative fields, and the reporting
calendar (period kind, due days after the period ends, the template it rolls up)."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from reach.common.languages import in_current_language
from reach.plans.figures import LANGUAGES, figure_definitions
from reach.reports.choices import PeriodKind

DATA_FILE = Path(__file__).resolve().parent / "data" / "templates.yaml"


class TemplateError(ValueError):
    """The templates file holds something that cannot be used."""


@dataclass(frozen=True)
class Section:
    key: str
    titles: dict[str, str]
    figures: tuple[str, ...]

    @property
    def title(self) -> str:
        return in_current_language(self.titles)


@dataclass(frozen=True)
class NarrativeField:
    key: str
    labels: dict[str, str]

    @property
    def label(self) -> str:
        return in_current_language(self.labels)


@dataclass(frozen=True)
class ReportTemplate:
    code: str
    labels: dict[str, str]
    country: str
    level: str  # the reporting unit's level ("" for an organisation)
    organisation_kind: str  # the reporting organisation's kind ("" for a unit)
    period: str
    periods: tuple[str, ...]
    due_days: int
    due_source: str
    sections: tuple[Section, ...]
    sub_unit_table: bool
    narrative: tuple[NarrativeField, ...]
    rolls_up: str = ""

    @property
    def label(self) -> str:
        return in_current_language(self.labels)

    @property
    def figure_codes(self) -> tuple[str, ...]:
        return tuple(code for section in self.sections for code in section.figures)


def _labels(node: object, where: str) -> dict[str, str]:
    if not isinstance(node, dict) or set(node) != set(LANGUAGES):
        raise TemplateError(f"{where}: give it in {', '.join(LANGUAGES)}")
    return {k: str(v) for k, v in node.items()}


def _template(code: str, node: dict, known_figures: set[str]) -> ReportTemplate:
    where = f"templates.{code}"
    reporter = node.get("reporter") or {}
    if bool(reporter.get("level")) == bool(reporter.get("organisation_kind")):
        raise TemplateError(f"{where}.reporter: a level or an organisation_kind")
    period = node.get("period")
    periods = tuple(node.get("periods") or (period,))
    for kind in periods:
        if kind not in PeriodKind.values:
            raise TemplateError(f"{where}.period: one of {', '.join(PeriodKind.values)}")
    sections = []
    for i, section in enumerate(node.get("sections") or ()):
        figures = tuple(section.get("figures") or ())
        unknown = [f for f in figures if f not in known_figures]
        if unknown:
            raise TemplateError(f"{where}.sections[{i}]: unknown figures {', '.join(unknown)}")
        sections.append(Section(str(section["key"]), _labels(section.get("title"), where), figures))
    if not sections:
        raise TemplateError(f"{where}.sections: at least one")
    narrative = tuple(
        NarrativeField(str(f["key"]), _labels(f.get("label"), f"{where}.narrative"))
        for f in node.get("narrative") or ()
    )
    return ReportTemplate(
        code=code,
        labels=_labels(node.get("label"), f"{where}.label"),
        country=str(node.get("country", "")),
        level=str(reporter.get("level", "")),
        organisation_kind=str(reporter.get("organisation_kind", "")),
        period=str(period),
        periods=periods,
        due_days=int(node.get("due_days", 0)),
        due_source=str(node.get("due_source", "to confirm")),
        sections=tuple(sections),
        sub_unit_table=bool(node.get("sub_unit_table", False)),
        narrative=narrative,
        rolls_up=str(node.get("rolls_up", "")),
    )


def load_templates(path: Path) -> dict[str, ReportTemplate]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    nodes = data.get("templates")
    if not isinstance(nodes, dict) or not nodes:
        raise TemplateError("templates: at least one")
    known = set(figure_definitions().figures)
    templates = {code: _template(code, node, known) for code, node in nodes.items()}
    for template in templates.values():
        if template.rolls_up and template.rolls_up not in templates:
            raise TemplateError(f"templates.{template.code}.rolls_up: no such template")
    return templates


@cache
def _cached(path: str) -> dict[str, ReportTemplate]:
    return load_templates(Path(path))


def report_templates() -> dict[str, ReportTemplate]:
    """The templates of `REACH_REPORT_TEMPLATES` (default `data/templates.yaml`), read once."""
    return _cached(str(getattr(settings, "REACH_REPORT_TEMPLATES", None) or DATA_FILE))


def get_template(code: str) -> ReportTemplate | None:
    return report_templates().get(code)
