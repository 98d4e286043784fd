"""A target's actual, trend and light, computed from the records on every read (never typed).

The actual is the figure of the target's definition over the target's unit and everything
under it, counted over the persons the reader sees (`restrict`; for a reader who sees every one
of them, read from the counts kept per unit, `figure_counts`), in the latest school year of
the target's span that has anyone to count; the trend counts every year of the span in one
statement, the sub-units in one GROUP BY. The light compares the actual with the target and,
with a baseline, with the straight path from the baseline to the target (thresholds in
`data/figures.yaml`)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from reach.common.schoolyear import current_school_year, school_year_of
from reach.geo.models import Unit
from reach.plans.choices import TargetDirection, TargetLight
from reach.plans.figures import (
    NOT_AVAILABLE,
    FigureDefinition,
    FigureValue,
    Lights,
    figure_by_sub_unit,
    figure_definitions,
    figure_trend,
)
from reach.plans.models import Target
from reach.registry.models import Person

MAX_TREND_YEARS = 8


def measured_year(target: Target) -> int:
    """The school year a target is measured in: its own, or the one its last day falls in."""
    if target.school_year is not None:
        return target.school_year
    assert target.ends_on is not None  # the database keeps one of the two
    return school_year_of(target.ends_on)


def trend_years(target: Target) -> list[int]:
    """From the baseline year (else the start of the target's or plan's period) to the year
    measured, at most MAX_TREND_YEARS."""
    last = measured_year(target)
    if target.baseline_year is not None:
        first = target.baseline_year
    elif target.starts_on is not None:
        first = school_year_of(target.starts_on)
    elif target.plan.starts_on is not None:
        first = school_year_of(target.plan.starts_on)
    else:
        first = last
    first = max(min(first, last), last - MAX_TREND_YEARS + 1)
    return list(range(first, last + 1))


def year_label(school_year: int) -> str:
    return f"{school_year}–{school_year + 1}"


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    definition: FigureDefinition | None  # None: the target names a figure no longer defined
    trend: dict[int, FigureValue]
    actual_year: int | None  # the year of the actual: the latest with anyone to count
    actual: FigureValue
    expected: float | None  # where the straight path from the baseline stands in actual_year
    light: TargetLight

    @property
    def goal(self) -> float:
        return float(self.target.value)

    @property
    def label(self) -> str:
        return self.definition.label if self.definition else self.target.indicator

    @property
    def light_label(self) -> str:
        return str(self.light.label)


def expected_in(target: Target, school_year: int) -> float | None:
    """The value on the straight path from the baseline to the target, in `school_year`."""
    if target.baseline_value is None or target.baseline_year is None:
        return None
    last = measured_year(target)
    if last <= target.baseline_year:
        return float(target.value)
    share = min(max((school_year - target.baseline_year) / (last - target.baseline_year), 0), 1)
    baseline = float(target.baseline_value)
    return round(baseline + (float(target.value) - baseline) * share, 1)


def judge(
    target: Target,
    *,
    available: bool,
    actual: float | None,
    actual_year: int | None,
    lights: Lights,
    this_year: int,
) -> tuple[TargetLight, float | None]:
    """(light, expected value) of an actual against its target."""
    if not available:
        return TargetLight.NOT_AVAILABLE, None
    if actual is None or actual_year is None:
        return TargetLight.NO_DATA, None
    sign = 1 if target.direction == TargetDirection.AT_LEAST else -1
    goal = float(target.value)
    if sign * (actual - goal) >= 0:
        return TargetLight.MET, None
    if this_year > measured_year(target):
        return TargetLight.BEHIND, None  # the period is over
    expected = expected_in(target, actual_year)
    if expected is not None:
        on_track = sign * (actual - expected) >= -lights.tolerance_points
    else:
        on_track = sign * (actual - goal) >= -lights.margin_points
    return (TargetLight.ON_TRACK if on_track else TargetLight.BEHIND), expected


def target_progress(
    target: Target, *, persons: QuerySet[Person] | None, this_year: int | None = None
) -> TargetProgress:
    """The actual of `target` over `persons` (the reader's; None for a reader who sees everyone
    under the target's unit: `selectors.figure_persons_for_user`, the kept counts then serve):
    one statement for every year."""
    definitions = figure_definitions()
    definition = definitions.figures.get(target.indicator)
    years = trend_years(target)
    if definition is None:
        trend = {year: NOT_AVAILABLE for year in years}
    else:
        trend = figure_trend(definition, target.unit, years, persons=persons)
    counted = [year for year, value in trend.items() if value.denominator]
    if counted:  # the years before the first with anyone to count say nothing
        trend = {year: value for year, value in trend.items() if year >= counted[0]}
    actual_year = counted[-1] if counted else None
    actual = trend[actual_year] if actual_year is not None else NOT_AVAILABLE
    light, expected = judge(
        target,
        available=definition is not None and definition.available,
        actual=actual.value,
        actual_year=actual_year,
        lights=definition.lights if definition and definition.lights else definitions.lights,
        this_year=current_school_year() if this_year is None else this_year,
    )
    return TargetProgress(target, definition, trend, actual_year, actual, expected, light)


def sub_unit_figures(
    progress: TargetProgress, children: list[Unit], *, persons: QuerySet[Person] | None
) -> dict[Unit, FigureValue]:
    """The target's figure in each sub-unit, in the year of the actual (one GROUP BY)."""
    if progress.definition is None or not children:
        return {child: NOT_AVAILABLE for child in children}
    year = progress.actual_year or measured_year(progress.target)
    return figure_by_sub_unit(
        progress.definition, children, progress.target.unit, year, persons=persons
    )
