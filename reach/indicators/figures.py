"""The figures of one unit and school year, their sum and their change against the year before."""

import datetime as dt
from dataclasses import dataclass, fields

from reach.geo.models import Unit


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent with one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Figures:
    """Counts behind the two indicators and the right-age rate (persons unless named otherwise)."""

    households: int = 0
    child_population: int = 0
    child_deprived: int = 0
    child_deprived_households: int = 0
    adult_population: int = 0
    adult_deprived: int = 0
    adult_deprived_households: int = 0
    right_age_population: int = 0
    right_age_attending: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def child_household_rate(self) -> float | None:
        """Share of households deprived in child school attendance, in percent."""
        return percent(self.child_deprived_households, self.households)

    @property
    def adult_household_rate(self) -> float | None:
        """Share of households deprived in adult education level, in percent."""
        return percent(self.adult_deprived_households, self.households)

    @property
    def right_age_rate(self) -> float | None:
        """Share of the children of poor / near-poor households at the right level, in percent."""
        return percent(self.right_age_attending, self.right_age_population)

    def as_dict(self) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("child_household_rate", "adult_household_rate", "right_age_rate"):
            values[name] = getattr(self, name)
        return values


FIGURE_NAMES = tuple(f.name for f in fields(Figures))
RATE_NAMES = ("child_household_rate", "adult_household_rate", "right_age_rate")


def change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 1)


@dataclass(frozen=True)
class RollupRow:
    """One unit's figures in a school year and in the year before."""

    unit: Unit | None
    current: Figures
    previous: Figures

    @property
    def changes(self) -> dict[str, float | None]:
        """Current minus previous, for each count and rate (rates in percentage points)."""
        now, before = self.current.as_dict(), self.previous.as_dict()
        return {name: change(now[name], before[name]) for name in now}


@dataclass(frozen=True)
class Rollup:
    """A unit's total and the totals of its sub-units (or of the user's top units)."""

    school_year: int
    unit: Unit | None
    total: RollupRow
    rows: tuple[RollupRow, ...]
    target_percent: int
    previous_available: bool  # whether the year before has any enrolment to compare with
    # when the oldest of the kept counts read was computed (None: all counted from the records)
    counted_as_of: dt.datetime | None = None

    @property
    def meets_target(self) -> bool | None:
        rate = self.total.current.right_age_rate
        return None if rate is None else rate >= self.target_percent
