"""The roll-up's counts read from the figures' counts kept per unit and school year
(`reach.plans.figure_counts`, refreshed by `reach refresh_figures`): the figures of
`plans/data/figures.yaml` below count the same persons as the roll-up, so a reader who sees every
person under the unit gets them from the table in one GROUP BY instead of evaluating the
indicators' conditions over every person. A year whose counts were never refreshed is counted
from the records (None here)."""

import datetime as dt
from collections.abc import Mapping

from django.db.models import Case, Sum, Value, When

from reach.accounts.scoping import under_paths
from reach.plans.figure_counts import counts_as_of, refreshed_years
from reach.plans.models import FigureCount

# figure code -> (roll-up name of its numerator, of its denominator)
KEPT = {
    "child_deprivation": ("child_deprived", "child_population"),
    "adult_deprivation": ("adult_deprived", "adult_population"),
    "right_age_attendance": ("right_age_attending", "right_age_population"),
    "child_deprivation_households": ("child_deprived_households", "households"),
    "adult_deprivation_households": ("adult_deprived_households", "households"),
}
KEPT_NAMES = frozenset(name for pair in KEPT.values() for name in pair)


def kept_counts_by_group(
    school_year: int, paths: tuple[str, ...], groups: Mapping[str, tuple[str, ...]], rest: str
) -> dict[str, dict[str, int]] | None:
    """The kept counts over the units of `paths` and below, per group (its code: the paths that
    stand for it; units under none of them under `rest`), by roll-up name; None when one of the
    figures is not kept for the year."""
    if school_year not in refreshed_years(KEPT, [school_year]):
        return None
    group = Case(
        *[When(under_paths("unit__path", theirs), then=Value(c)) for c, theirs in groups.items()],
        default=Value(rest),
    )
    rows = (
        FigureCount.objects.filter(figure__in=list(KEPT), school_year=school_year)
        .filter(under_paths("unit__path", paths))
        .annotate(group=group)
        .values("figure", "group")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        numerator, denominator = KEPT[row["figure"]]
        counts.setdefault(row["group"], {}).update({numerator: row["n"], denominator: row["d"]})
    return counts


def kept_as_of(school_years: list[int]) -> dt.datetime | None:
    """When the oldest of the kept counts read for `school_years` was computed."""
    return counts_as_of(KEPT, school_years) if school_years else None
