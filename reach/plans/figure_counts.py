"""The figures' counts kept per unit and school year (`FigureCount`), summed by unit path prefix:
what a report or a target reads instead of counting the records, as DHIS2's analytics tables
serve its reports. `services.refresh_figures` computes them (one INSERT ... SELECT per figure and
year), `reach refresh_figures` and the background task after the writes that change figures
call it.

The counts hold every person, so they serve only a reader who sees every person under the unit
(`selectors.figure_persons_for_user` says who): `reach.plans.figures` reads them when it is
given no `persons` and no other parameters. A figure and school year never refreshed are not
here (None): the caller counts them from the records. Each read is one statement (a GROUP BY
for the sub-units and the years of a trend) after one to learn which years are refreshed."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db.models import Case, Min, Q, Sum, Value, When

from reach.accounts.scoping import under_paths
from reach.plans.models import FigureCount, FigureRefresh

Counts = tuple[int, int]  # (numerator, denominator)
OUTSIDE = "-"


def refreshed_years(codes: Iterable[str], school_years: Iterable[int]) -> set[int]:
    """Those of `school_years` whose counts of every one of `codes` are in the table."""
    codes = set(codes)
    rows = FigureRefresh.objects.filter(figure__in=codes, school_year__in=list(school_years))
    found: dict[int, set[str]] = {}
    for code, year in rows.values_list("figure", "school_year"):
        found.setdefault(year, set()).add(code)
    return {year for year, theirs in found.items() if theirs == codes}


def counts_as_of(codes: Iterable[str], school_years: Iterable[int]) -> dt.datetime | None:
    """When the oldest of the counts of `codes` in `school_years` kept in the table was
    computed (None: none is kept, everything was counted from the records)."""
    rows = FigureRefresh.objects.filter(figure__in=list(codes), school_year__in=list(school_years))
    return rows.aggregate(oldest=Min("computed_at"))["oldest"]


def _summed(rows) -> Counts:
    totals = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return totals["n"] or 0, totals["d"] or 0


def counts_under(code: str, school_year: int, paths: tuple[str, ...]) -> Counts | None:
    """The figure's counts over the units of `paths` and below, or None when not kept."""
    if school_year not in refreshed_years([code], [school_year]):
        return None
    rows = FigureCount.objects.filter(figure=code, school_year=school_year)
    return _summed(rows.filter(under_paths("unit__path", paths)))


def counts_by_sub_unit(
    code: str, school_year: int, paths: tuple[str, ...], sub_units: Mapping[str, tuple[str, ...]]
) -> dict[str, Counts] | None:
    """The figure's counts under each of `sub_units` (its code: the paths that stand for it)
    within `paths`, in one GROUP BY; a sub-unit without rows gets (0, 0)."""
    if school_year not in refreshed_years([code], [school_year]):
        return None
    sub_unit = Case(
        *[
            When(under_paths("unit__path", theirs), then=Value(c))
            for c, theirs in sub_units.items()
        ],
        default=Value(OUTSIDE),
    )
    rows = (
        FigureCount.objects.filter(figure=code, school_year=school_year)
        .filter(under_paths("unit__path", paths))
        .annotate(sub_unit=sub_unit)
        .values("sub_unit")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    counted = {row["sub_unit"]: (row["n"], row["d"]) for row in rows}
    return {c: counted.get(c, (0, 0)) for c in sub_units}


def counts_by_year(
    codes: Iterable[str], paths_by_year: Mapping[int, tuple[str, ...]]
) -> dict[tuple[str, int], Counts]:
    """The counts of each of `codes` in each year of `paths_by_year` over the paths of that
    year, in one GROUP BY; a figure and year without rows get (0, 0)."""
    codes = list(codes)
    if not paths_by_year or not codes:
        return {}
    where = Q(pk__in=[])
    for year, paths in paths_by_year.items():
        where |= Q(school_year=year) & under_paths("unit__path", paths)
    rows = (
        FigureCount.objects.filter(where, figure__in=codes)
        .values("figure", "school_year")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    counted = {(row["figure"], row["school_year"]): (row["n"], row["d"]) for row in rows}
    return {
        (code, year): counted.get((code, year), (0, 0)) for code in codes for year in paths_by_year
    }
