import datetime as dt

from reach.reports.choices import PeriodKind
from reach.reports.periods import Period, period_of

SCHOOL_YEAR_2024 = period_of(PeriodKind.SCHOOL_YEAR, dt.date(2025, 1, 15))


def school_year_period(year: int = 2024) -> Period:
    return period_of(PeriodKind.SCHOOL_YEAR, dt.date(year + 1, 1, 15))
