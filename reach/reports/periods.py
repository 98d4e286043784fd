"""Reporting periods: a kind, a first and a last day, and a label. A school year runs from
September (`reach.common.schoolyear`); its first semester September to January, its second
February to August (to confirm per province); quarters and months are calendar ones. Interim
and final reviews have the dates their plan gives, so they are taken as given."""

import calendar
import datetime as dt
from dataclasses import dataclass

from reach.common.schoolyear import FIRST_MONTH, school_year_of
from reach.reports.choices import PeriodKind


class PeriodError(ValueError):
    """A period that cannot be built from what was given."""


@dataclass(frozen=True)
class Period:
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    label: str

    @property
    def school_year(self) -> int:
        """The school year the period's figures are counted in: the one its last day is in."""
        return school_year_of(self.ends_on)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(kind: str, day: dt.date) -> Period:
    """The period of `kind` that holds `day` (not for reviews, whose dates are given)."""
    if kind == PeriodKind.MONTH:
        return Period(kind, day.replace(day=1), _month_end(day.year, day.month), f"{day:%Y-%m}")
    if kind == PeriodKind.QUARTER:
        quarter = (day.month - 1) // 3 + 1
        first = dt.date(day.year, 3 * quarter - 2, 1)
        return Period(kind, first, _month_end(day.year, 3 * quarter), f"{day.year}Q{quarter}")
    year = school_year_of(day)
    if kind == PeriodKind.SEMESTER:
        if day.month >= FIRST_MONTH or day.month == 1:
            first, last, number = dt.date(year, FIRST_MONTH, 1), _month_end(year + 1, 1), 1
        else:
            first, last, number = dt.date(year + 1, 2, 1), _month_end(year + 1, FIRST_MONTH - 1), 2
        return Period(kind, first, last, f"{year}–{year + 1} S{number}")
    if kind == PeriodKind.SCHOOL_YEAR:
        return Period(
            kind,
            dt.date(year, FIRST_MONTH, 1),
            _month_end(year + 1, FIRST_MONTH - 1),
            f"{year}–{year + 1}",
        )
    raise PeriodError(f"a {kind} period has the dates its plan gives")


def given_period(kind: str, starts_on: dt.date, ends_on: dt.date, label: str = "") -> Period:
    """A period with its dates as given (reviews), checked."""
    if kind not in PeriodKind.values:
        raise PeriodError(f"unknown period kind {kind!r}")
    if starts_on > ends_on:
        raise PeriodError("the period ends before it starts")
    return Period(kind, starts_on, ends_on, label or f"{starts_on:%Y-%m-%d} – {ends_on:%Y-%m-%d}")
