"""School years, named by the calendar year they start in (2024 is the school year 2024-2025).

In Vietnam and China alike a school year starts in September."""

import datetime as dt

from django.utils import timezone

FIRST_MONTH = 9


def school_year_of(day: dt.date) -> int:
    """The school year under way on `day`: 2026 from September 2026 to August 2027."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def current_school_year() -> int:
    """The school year under way today (in the project's time zone)."""
    return school_year_of(timezone.localdate())


FIRST_SCHOOL_YEAR = 1900
LAST_SCHOOL_YEAR = 2100
"""The school years Reach accepts from a user: wide enough for any record, narrow enough that
every date computed from one (a birth date for an age band, a reference day) exists."""
