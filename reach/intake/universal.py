"""Universal-education rates (phổ cập giáo dục) as conditions over persons, for one school year.

A rate counts the persons of its age group (ages become birth-date ranges on the indicators'
reference day) who attend one of its levels in the school year (an EXISTS over the year's
enrolments) or have completed one of its levels (`education_completed`). Every rate of a unit
is one aggregate statement, every rate by sub-unit one GROUP BY on the path prefix, and each
number has the list behind it (`persons_behind`). The standard's levels and thresholds are
data (`data/universal.yaml`): a threshold the facts do not give is None and no level is judged.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Q, QuerySet

from reach.accounts.scoping import under_paths
from reach.geo.models import Unit
from reach.indicators.deprivation import enrolled_in, in_ages
from reach.indicators.parameters import IndicatorParameters, indicator_parameters
from reach.indicators.selectors import TOTAL, group_by_unit
from reach.intake.definitions import Definitions, Rate, universal_definitions
from reach.registry.models import Person


class RateMeasure(StrEnum):
    POPULATION = "population"  # the age group
    COUNTED = "counted"  # of whom attending or completed
    NOT_COUNTED = "not_counted"  # of whom neither: those to reach


@dataclass(frozen=True)
class RateValue:
    rate: Rate
    counted: int
    population: int

    @property
    def value(self) -> float | None:
        return round(100 * self.counted / self.population, 1) if self.population else None

    @property
    def not_counted(self) -> int:
        return self.population - self.counted

    @property
    def level_reached(self) -> int | None:
        return self.rate.level_reached(self.value)


def rate_conditions(
    rate: Rate,
    school_year: int,
    *,
    definitions: Definitions | None = None,
    params: IndicatorParameters | None = None,
) -> tuple[Q, Q]:
    """(counted, population) as conditions over Person; counted lies inside the population."""
    definitions = definitions or universal_definitions()
    params = params or indicator_parameters()
    population = in_ages(rate.ages, params, school_year)
    counted = Q(pk__in=[])
    if rate.completed:
        counted |= Q(education_completed__in=rate.completed)
    if rate.attending:
        counted |= Q(enrolled_in(school_year, definitions.attending_statuses, rate.attending))
    return population & counted, population


def _under(persons: QuerySet[Person], unit: Unit | None) -> QuerySet[Person]:
    if unit is None:
        return persons
    return persons.filter(under_paths("household__unit__path", (unit.path,)))


def _counts(rates: list[Rate], school_year: int) -> dict[str, Count]:
    counts = {}
    for rate in rates:
        counted, population = rate_conditions(rate, school_year)
        counts[f"c_{rate.code}"] = Count("pk", filter=counted)
        counts[f"p_{rate.code}"] = Count("pk", filter=population)
    return counts


def rates_for(persons: QuerySet[Person], unit: Unit | None, school_year: int) -> list[RateValue]:
    """Every rate over `persons` (already `restrict`ed) of `unit` and below: one statement."""
    rates = list(universal_definitions().rates.values())
    row = _under(persons, unit).aggregate(**_counts(rates, school_year))
    return [RateValue(r, row[f"c_{r.code}"], row[f"p_{r.code}"]) for r in rates]


def rates_by_sub_unit(
    persons: QuerySet[Person], unit: Unit | None, children: list[Unit], school_year: int
) -> dict[Unit, list[RateValue]]:
    """Every rate of each of `children` in one GROUP BY on the sub-unit path prefix."""
    rates = list(universal_definitions().rates.values())
    rows = (
        _under(persons, unit)
        .annotate(sub_unit=group_by_unit(children))
        .values("sub_unit")
        .annotate(**_counts(rates, school_year))
        .order_by()
    )
    by_code = {row["sub_unit"]: row for row in rows if row["sub_unit"] != TOTAL}
    empty = {f"{k}_{r.code}": 0 for r in rates for k in ("c", "p")}
    return {
        child: [
            RateValue(r, by_code.get(child.code, empty)[f"c_{r.code}"],
                      by_code.get(child.code, empty)[f"p_{r.code}"])
            for r in rates
        ]
        for child in children
    }  # fmt: skip


def persons_behind(
    persons: QuerySet[Person], rate: Rate, unit: Unit | None, school_year: int, measure: str
) -> QuerySet[Person]:
    """The persons behind one number of a rate: its age group, those counted, or the rest."""
    counted, population = rate_conditions(rate, school_year)
    condition = {
        RateMeasure.POPULATION: population,
        RateMeasure.COUNTED: counted,
        RateMeasure.NOT_COUNTED: population & ~counted,
    }[RateMeasure(measure)]
    return _under(persons, unit).filter(condition)


def _figure_condition(code: str, counted: bool):
    def condition(school_year: int, _definition: object, params: IndicatorParameters) -> Q:
        rate = universal_definitions().rates[code]
        pair = rate_conditions(rate, school_year, params=params)
        return pair[0] if counted else pair[1]

    return condition


# The rates as conditions of the plans' figure engine (`reach/plans/figures.py`), so a plan's
# target can be measured by them: `universal_<rate>` counted over `universal_<rate>_population`.
FIGURE_CONDITIONS = {
    name: _figure_condition(code, counted)
    for code in ("preschool_five", "primary_right_age", "lower_secondary_attending",
                 "lower_secondary_completed")
    for name, counted in ((f"universal_{code}", True), (f"universal_{code}_population", False))
}  # fmt: skip
