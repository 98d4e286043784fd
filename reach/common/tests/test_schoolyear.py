"""A school year is named by the calendar year it starts in, and starts in September."""

import datetime as dt

import pytest

from reach.common.schoolyear import school_year_of


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 9, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
        (dt.date(2027, 8, 31), 2026),
        (dt.date(2026, 8, 31), 2025),
    ],
)
def test_school_year_of_a_day_runs_from_september_to_august(day, year):
    assert school_year_of(day) == year
