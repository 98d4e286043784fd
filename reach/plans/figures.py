"""The figures a target is measured by: definitions kept as data (`data/figures.yaml`), each a
numerator over a denominator of persons in one school year, computed set-based.

`figure(definition, unit, school_year)` is one aggregate over the persons of `unit` and below
(path prefix); `figure_by_sub_unit` is one GROUP BY over the same persons keyed by the sub-unit
each lies under; `figure_trend` counts several school years (those with records) in one
statement; `persons_behind` lists the persons of the numerator or denominator. Every function
takes the persons to count (`persons`, from `restrict`), so a number equals the list behind it
for the reader who sees it. Asked of every person (no `persons`, the default parameters), a
figure and year that `services.refresh_figures` has counted are read from the counts kept per
unit instead (`figure_counts`): as of their refresh, which the pages say.
Later periodic reports reuse the same definitions as their "figures".
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml
from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from reach.accounts.scoping import under_paths
from reach.common.languages import in_current_language
from reach.common.schoolyear import FIRST_MONTH
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.funds.scholarship_share import scholarship_received
from reach.geo.models import Unit
from reach.geo.selectors import unit_paths_on
from reach.indicators.deprivation import FIGURE_CONDITIONS as HOUSEHOLD_CONDITIONS
from reach.indicators.deprivation import (
    Indicator,
    Measure,
    conditions,
    enrolled_in,
    household_status_in,
)
from reach.indicators.detection import dropped_out_q
from reach.indicators.parameters import IndicatorParameters, indicator_parameters
from reach.indicators.selectors import TOTAL
from reach.intake.universal import FIGURE_CONDITIONS as UNIVERSAL_CONDITIONS
from reach.plans import figure_counts
from reach.plans.models import FigureCount
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Enrolment, HouseholdPastUnit, Person

DATA_FILE = Path(__file__).resolve().parent / "data" / "figures.yaml"
ATTENDED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.GRADUATED, EnrolmentStatus.TRANSFERRED)
LANGUAGES = ("en", "vi", "zh-hans")


class DefinitionError(ValueError):
    """The figure definitions file is missing a value or holds one that cannot be used."""


@dataclass(frozen=True)
class Lights:
    tolerance_points: float
    margin_points: float


@dataclass(frozen=True)
class FigureDefinition:
    code: str
    labels: dict[str, str]
    source: str
    confidence: str
    numerator: str = ""
    denominator: str = ""
    available: bool = True
    lower_is_better: bool = False
    note: str = ""
    reasons: dict[str, str] = field(default_factory=dict)
    purposes: tuple[str, ...] = ()
    waived_kinds: tuple[str, ...] = ()
    composition: str = ""  # a breakdown shown beside the figure (COMPOSITIONS of the views)
    lights: Lights | None = None  # the figure's own thresholds, else the file's

    @property
    def label(self) -> str:
        return in_current_language(self.labels)

    @property
    def reason(self) -> str:
        """Why the figure is not available (in the reader's language); empty when it is."""
        return in_current_language(self.reasons) if not self.available else ""


@dataclass(frozen=True)
class Definitions:
    figures: dict[str, FigureDefinition]
    lights: Lights

    def __getitem__(self, code: str) -> FigureDefinition:
        return self.figures[code]

    def choices(self) -> list[tuple[str, str]]:
        return [(code, d.label) for code, d in self.figures.items()]


class FigureValue(NamedTuple):
    """A figure's counts and its value in percent (None: nothing to divide, or unavailable)."""

    numerator: int | None
    denominator: int | None
    value: float | None

    @classmethod
    def of(cls, numerator: int, denominator: int) -> "FigureValue":
        value = round(100 * numerator / denominator, 1) if denominator else None
        return cls(numerator, denominator, value)


NOT_AVAILABLE = FigureValue(None, None, None)
NO_RECORDS = FigureValue(0, 0, None)


# The conditions a definition may name: (school year, definition, parameters) -> Q over Person.
Condition = Callable[[int, FigureDefinition, IndicatorParameters], Q]


def _indicator(indicator: Indicator, measure: Measure) -> Condition:
    return lambda year, _d, params: conditions(year, params).person_q(indicator, measure)


def _poor_near_poor_pupils(year: int, _d: FigureDefinition, params: IndicatorParameters) -> Q:
    pupils = Exists(
        Enrolment.objects.filter(person=OuterRef("pk"), school_year=year, status__in=ATTENDED)
    )
    return Q(pupils) & Q(household_status_in(year, params.right_age.household_statuses))


def _tuition_entitled_and_paid(
    year: int, definition: FigureDefinition, _p: IndicatorParameters
) -> Q:
    """A line of the purposes in force for the year, delivered: an exemption or reduction is
    given by waiving the fee (no cash moves, `payments/demo.py`), any other kind by its claim
    paid in full."""
    lines = EntitlementLine.objects.filter(
        person=OuterRef("pk"),
        school_year=year,
        status=LineStatus.IN_FORCE,
        benefit__purpose__in=definition.purposes,
    )
    waived = lines.filter(benefit__kind__in=definition.waived_kinds)
    paid = lines.exclude(benefit__kind__in=definition.waived_kinds).filter(
        claims__paid_minor__gte=F("claims__amount_minor")
    )
    return Q(Exists(waived)) | Q(Exists(paid))


def _enrolled_pupils(year: int, _d: FigureDefinition, params: IndicatorParameters) -> Q:
    return Q(enrolled_in(year, [s.value for s in EnrolmentStatus], params.dropout_levels))


def _dropped_out(year: int, _d: FigureDefinition, params: IndicatorParameters) -> Q:
    return dropped_out_q(year, params)


def _dropped_out_year_before(year: int, _d: FigureDefinition, params: IndicatorParameters) -> Q:
    return dropped_out_q(year - 1, params)


def _returned(year: int, _d: FigureDefinition, params: IndicatorParameters) -> Q:
    return dropped_out_q(year - 1, params) & Q(
        Exists(
            Enrolment.objects.filter(person=OuterRef("pk"), school_year=year, status__in=ATTENDED)
        )
    )


CONDITIONS: dict[str, Condition] = {
    "child_population": _indicator(Indicator.CHILD, Measure.POPULATION),
    "child_deprived": _indicator(Indicator.CHILD, Measure.DEPRIVED),
    "adult_population": _indicator(Indicator.ADULT, Measure.POPULATION),
    "adult_deprived": _indicator(Indicator.ADULT, Measure.DEPRIVED),
    "right_age_population": _indicator(Indicator.RIGHT_AGE, Measure.POPULATION),
    "right_age_attending": _indicator(Indicator.RIGHT_AGE, Measure.ATTENDING),
    "poor_near_poor_pupils": _poor_near_poor_pupils,
    "tuition_entitled_and_paid": _tuition_entitled_and_paid,
    "scholarship_received": lambda year, _d, _p: scholarship_received(year),
    "enrolled_pupils": _enrolled_pupils,
    "dropped_out": _dropped_out,
    "dropped_out_year_before": _dropped_out_year_before,
    "returned": _returned,
    **UNIVERSAL_CONDITIONS,
    **HOUSEHOLD_CONDITIONS,
}


def _definition(code: str, node: dict) -> FigureDefinition:
    where = f"figures.{code}"
    if not isinstance(node, dict):
        raise DefinitionError(f"{where}: expected a mapping")
    labels = node.get("label")
    if not isinstance(labels, dict) or set(labels) != set(LANGUAGES):
        raise DefinitionError(f"{where}.label: give it in {', '.join(LANGUAGES)}")
    for key in ("source", "confidence"):
        if not node.get(key):
            raise DefinitionError(f"{where}.{key}: required")
    available = node.get("available", True)
    if available:
        for key in ("numerator", "denominator"):
            if node.get(key) not in CONDITIONS:
                raise DefinitionError(
                    f"{where}.{key}: one of {', '.join(sorted(CONDITIONS))}, not {node.get(key)!r}"
                )
    elif not isinstance(node.get("reason"), dict):
        raise DefinitionError(f"{where}.reason: say why it is not available, in each language")
    better = node.get("better", "higher")
    if better not in ("higher", "lower"):
        raise DefinitionError(f"{where}.better: higher or lower")
    own_lights = _lights(node["lights"], f"{where}.lights") if "lights" in node else None
    return FigureDefinition(
        lights=own_lights,
        code=code,
        labels={k: str(v) for k, v in labels.items()},
        source=str(node["source"]),
        confidence=str(node["confidence"]),
        numerator=node.get("numerator", ""),
        denominator=node.get("denominator", ""),
        available=bool(available),
        lower_is_better=better == "lower",
        note=str(node.get("note", "")),
        reasons={k: str(v) for k, v in (node.get("reason") or {}).items()},
        purposes=tuple(node.get("purposes", ())),
        waived_kinds=tuple(node.get("waived_kinds", ())),
        composition=str(node.get("composition", "")),
    )


def load_definitions(path: Path) -> Definitions:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    figures = data.get("figures")
    if not isinstance(figures, dict) or not figures:
        raise DefinitionError("figures: at least one definition")
    return Definitions(
        figures={code: _definition(code, node) for code, node in figures.items()},
        lights=_lights(data.get("lights"), "lights"),
    )


def _lights(node: object, where: str) -> Lights:
    try:
        assert isinstance(node, dict)
        return Lights(float(node["tolerance_points"]), float(node["margin_points"]))
    except (AssertionError, KeyError, TypeError, ValueError) as error:
        raise DefinitionError(f"{where}: tolerance_points and margin_points ({error})") from error


@cache
def _cached(path: str) -> Definitions:
    return load_definitions(Path(path))


def figure_definitions() -> Definitions:
    """The definitions of `REACH_FIGURE_DEFINITIONS` (default `data/figures.yaml`), read once."""
    return _cached(str(getattr(settings, "REACH_FIGURE_DEFINITIONS", None) or DATA_FILE))


def figure_conditions(
    definition: FigureDefinition, school_year: int, params: IndicatorParameters | None
) -> tuple[Q, Q]:
    """(numerator, denominator) as conditions over Person; the numerator inside the denominator."""
    params = params or indicator_parameters()
    denominator = CONDITIONS[definition.denominator](school_year, definition, params)
    numerator = CONDITIONS[definition.numerator](school_year, definition, params)
    return numerator & denominator, denominator


def school_year_day(school_year: int) -> dt.date:
    """The day a school year's figures place households on: its first (2025 is counted under
    the wards in force on 2025-09-01, after the reorganisation of 2025-07-01)."""
    return dt.date(school_year, FIRST_MONTH, 1)


class Placed(NamedTuple):
    """Persons with the lookup of their household's unit path on a day, and the paths that
    stand for the unit asked about on that day."""

    persons: QuerySet[Person]
    lookup: str
    paths: tuple[str, ...]


def _placed(
    persons: QuerySet[Person] | None, unit: Unit, school_year: int, *, moved: bool | None = None
) -> Placed:
    """The persons of `unit` and below as the units stood in `school_year`: their household's
    unit then (its current one unless a reorganisation moved it since: `HouseholdPastUnit`),
    under the paths that stand for `unit` then (`unit_paths_on`). Without a reorganisation
    since (`moved`, asked with one EXISTS unless the caller knows), the plain path prefix."""
    base = Person.objects.all() if persons is None else persons
    day = school_year_day(school_year)
    paths = unit_paths_on(unit, day)
    if moved is None:
        moved = moved_since(day)
    if not moved:
        return Placed(base, "household__unit__path", paths)
    past = HouseholdPastUnit.objects.filter(household=OuterRef("household_id"), valid_to__gte=day)
    then = Coalesce(
        Subquery(past.order_by("valid_to").values("unit__path")[:1]), F("household__unit__path")
    )
    return Placed(base.annotate(unit_path_then=then), "unit_path_then", paths)


def moved_since(day: dt.date) -> bool:
    """Whether a reorganisation has moved households out of a unit they were in on `day`."""
    return HouseholdPastUnit.objects.filter(valid_to__gte=day).exists()


def counted_under(unit: Unit, school_years: Iterable[int]) -> dict[int, list[Unit]]:
    """The years of `school_years` in which `unit` stands for other units (it had not opened
    yet, or had closed), with the units counted for it: what a trend across a reorganisation
    must say."""
    mapped = {}
    for year in sorted(set(school_years)):
        paths = unit_paths_on(unit, school_year_day(year))
        if paths != (unit.path,):
            mapped[year] = list(Unit.objects.filter(path__in=paths).order_by("name"))
    return mapped


def _under(
    persons: QuerySet[Person] | None, unit: Unit, school_year: int, *, moved: bool | None = None
) -> QuerySet[Person]:
    placed = _placed(persons, unit, school_year, moved=moved)
    return placed.persons.filter(under_paths(placed.lookup, placed.paths))


def figure(
    definition: FigureDefinition,
    unit: Unit,
    school_year: int,
    *,
    persons: QuerySet[Person] | None = None,
    params: IndicatorParameters | None = None,
) -> FigureValue:
    """The figure over the persons of `unit` and below (of `persons` when given: pass the
    reader's `restrict`ed persons): one aggregate statement, over the kept counts
    (`figure_counts`) when it is asked of every person and they hold the year."""
    if not definition.available:
        return NOT_AVAILABLE
    if persons is None and params is None:
        paths = unit_paths_on(unit, school_year_day(school_year))
        kept = figure_counts.counts_under(definition.code, school_year, paths)
        if kept is not None:
            return FigureValue.of(*kept)
    numerator, denominator = figure_conditions(definition, school_year, params)
    counts = _under(persons, unit, school_year).aggregate(
        n=Count("pk", filter=numerator), d=Count("pk", filter=denominator)
    )
    return FigureValue.of(counts["n"], counts["d"])


def figure_by_sub_unit(
    definition: FigureDefinition,
    children: list[Unit],
    unit: Unit,
    school_year: int,
    *,
    persons: QuerySet[Person] | None = None,
    params: IndicatorParameters | None = None,
) -> dict[Unit, FigureValue]:
    """The figure of each of `children` (sub-units of `unit`) in one GROUP BY on the path
    prefix (over the kept counts when it is asked of every person and they hold the year); a
    sub-unit without persons gets 0 of 0."""
    if not definition.available:
        return {child: NOT_AVAILABLE for child in children}
    day = school_year_day(school_year)
    if persons is None and params is None:
        kept = figure_counts.counts_by_sub_unit(
            definition.code,
            school_year,
            unit_paths_on(unit, day),
            {child.code: unit_paths_on(child, day) for child in children},
        )
        if kept is not None:
            return {child: FigureValue.of(*kept[child.code]) for child in children}
    numerator, denominator = figure_conditions(definition, school_year, params)
    placed = _placed(persons, unit, school_year)
    sub_unit = Case(
        *[
            When(under_paths(placed.lookup, unit_paths_on(child, day)), then=Value(child.code))
            for child in children
        ],
        default=Value(TOTAL),
    )
    rows = (
        placed.persons.filter(under_paths(placed.lookup, placed.paths))
        .annotate(sub_unit=sub_unit)
        .values("sub_unit")
        .annotate(n=Count("pk", filter=numerator), d=Count("pk", filter=denominator))
        .order_by()
    )
    counts = {row["sub_unit"]: (row["n"], row["d"]) for row in rows if row["sub_unit"] != TOTAL}
    return {child: FigureValue.of(*counts.get(child.code, (0, 0))) for child in children}


def figure_trend(
    definition: FigureDefinition,
    unit: Unit,
    school_years: Iterable[int],
    *,
    persons: QuerySet[Person] | None = None,
    params: IndicatorParameters | None = None,
) -> dict[int, FigureValue]:
    """The figure in each of `school_years`, all counted in one statement (one a year across
    a reorganisation); asked of every person, the years the kept counts hold are read from
    them in one GROUP BY, a year without an enrolment under the unit having no figure."""
    years = sorted(set(school_years))
    if not definition.available:
        return {year: NOT_AVAILABLE for year in years}
    kept = _kept_trend(definition, unit, years) if persons is None and params is None else {}
    counted = [year for year in years if year not in kept]
    live = _counted_trend(definition, unit, counted, persons, params) if counted else {}
    return {year: kept[year] if year in kept else live[year] for year in years}


def _kept_trend(
    definition: FigureDefinition, unit: Unit, years: list[int]
) -> dict[int, FigureValue]:
    codes = [definition.code, FigureCount.RECORDS]
    refreshed = sorted(figure_counts.refreshed_years(codes, years))
    paths = {year: unit_paths_on(unit, school_year_day(year)) for year in refreshed}
    counts = figure_counts.counts_by_year(codes, paths)
    return {
        year: FigureValue.of(*counts[definition.code, year])
        if counts[FigureCount.RECORDS, year][1]
        else NO_RECORDS
        for year in refreshed
    }


def _counted_trend(
    definition: FigureDefinition,
    unit: Unit,
    years: list[int],
    persons: QuerySet[Person] | None,
    params: IndicatorParameters | None,
) -> dict[int, FigureValue]:
    recorded, moved = years_with_records(unit, years)
    # one statement for the years that place households alike: all of them, unless the unit
    # opened or closed among them (the years either side count other paths) or a reorganisation
    # moved households since the first (each year then places them where they were that year)
    alike: dict[object, list[int]] = {}
    for year in recorded:
        key = year if moved else unit_paths_on(unit, school_year_day(year))
        alike.setdefault(key, []).append(year)
    row: dict[str, int] = {}
    for same in alike.values():
        counts: dict[str, Count] = {}
        for year in same:
            numerator, denominator = figure_conditions(definition, year, params)
            counts[f"n{year}"] = Count("pk", filter=numerator)
            counts[f"d{year}"] = Count("pk", filter=denominator)
        row |= _under(persons, unit, same[0], moved=moved).aggregate(**counts)
    return {
        year: FigureValue.of(row[f"n{year}"], row[f"d{year}"]) if year in recorded else NO_RECORDS
        for year in years
    }


def years_with_records(unit: Unit, years: list[int]) -> tuple[list[int], bool]:
    """Those of `years` with an enrolment in `unit` or below (under any unit that stands for it
    in one of them), and whether a reorganisation has moved households since the first of
    them: one statement. A year the registry holds nothing of has no figure (its ages and
    diplomas would be read from today's records)."""
    if not years:
        return [], False
    days = [school_year_day(year) for year in years]
    paths = {unit.path}.union(*(unit_paths_on(unit, day) for day in days))
    under = tuple(sorted(paths))
    moved_out = HouseholdPastUnit.objects.filter(under_paths("unit__path", under))
    rows = (
        Enrolment.objects.filter(
            under_paths("person__household__unit__path", under)
            | Q(person__household__in=moved_out.values("household_id")),
            school_year__in=years,
        )
        .annotate(moved=Exists(HouseholdPastUnit.objects.filter(valid_to__gte=min(days))))
        .order_by()
        .values_list("school_year", "moved")
        .distinct()
    )
    recorded = {year: moved for year, moved in rows}
    return sorted(recorded), any(recorded.values())


def persons_behind(
    definition: FigureDefinition,
    unit: Unit,
    school_year: int,
    *,
    numerator: bool,
    persons: QuerySet[Person] | None = None,
    params: IndicatorParameters | None = None,
) -> QuerySet[Person]:
    """The persons counted in the numerator (or the denominator) of the figure."""
    if not definition.available:
        return Person.objects.none()
    counted_numerator, counted_denominator = figure_conditions(definition, school_year, params)
    return _under(persons, unit, school_year).filter(
        counted_numerator if numerator else counted_denominator
    )
