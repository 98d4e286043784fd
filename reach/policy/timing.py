"""How a benefit meets a school year (docs/policy-files.md, "Time within a school year").

By default a benefit counts for school year Y, whole, when it is in force on the day Y is
judged on (its policy's `school_year_start` of Y). Two things in a policy file change that:

- `applies_from_school_year: Y0` (and `applies_to_school_year: Y1`), where the source says
  which school years it governs: the benefit is in force from the first day of school year Y0
  (its reference date), whatever day it comes into force, and until the day before school year
  Y1 + 1 begins (Decree 81/2021 applies from school year 2021-2022 although it is in force from
  15 October 2021).
- `months_in_force: true`, for a monthly amount paid for the months of study: the amount is
  the monthly value times the months of the school year the benefit is in force, out of the
  amount's `months` (the school year's first `months` months from the month it starts in). A
  month counts when the benefit is in force on that month's day of `school_year_start` (the
  5th for a school year that starts on 5 September), the same day the school year itself is
  judged on; so a benefit ending on the 2nd and its successor from the 3rd share no month. The
  facts do not say how a month that a decree starts or ends in is paid: this convention is to
  confirm.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from reach.common.languages import lang_key


def reference_date(school_year: int, school_year_start: str) -> dt.date:
    """The day a school year's benefits are judged on: `school_year_start` ("MM-DD") of Y."""
    month, day = (int(part) for part in school_year_start.split("-"))
    return dt.date(school_year, month, day)


def month_days(school_year: int, school_year_start: str, months: int) -> list[dt.date]:
    """The days the first `months` months of a school year are judged on: the day of
    `school_year_start` in each month from the month it starts in (the month's last day when
    it is shorter)."""
    first = reference_date(school_year, school_year_start)
    days = []
    for offset in range(months):
        year, month = divmod(first.month - 1 + offset, 12)
        year, month = first.year + year, month + 1
        days.append(dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1])))
    return days


@dataclass(frozen=True)
class Timing:
    """When a benefit is in force, as judged for school years: `starts_on` and `ends_on` are
    its effective dates, or the bounds of the school years it applies to when the file names
    them; `months_in_force` counts the months of a school year instead of judging it whole."""

    starts_on: dt.date
    ends_on: dt.date | None = None
    months_in_force: bool = False

    @classmethod
    def of(
        cls,
        *,
        effective_from: dt.date,
        effective_to: dt.date | None,
        school_year_start: str,
        from_school_year: int | None = None,
        to_school_year: int | None = None,
        months_in_force: bool = False,
    ) -> "Timing":
        starts_on = (
            effective_from
            if from_school_year is None
            else reference_date(from_school_year, school_year_start)
        )
        ends_on = (
            effective_to
            if to_school_year is None
            else reference_date(to_school_year + 1, school_year_start) - dt.timedelta(days=1)
        )
        return cls(starts_on, ends_on, months_in_force)

    def in_force(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def months_counted(self, school_year: int, school_year_start: str, months: int) -> int:
        """Of the first `months` months of the school year, those the benefit is in force on."""
        return sum(self.in_force(day) for day in month_days(school_year, school_year_start, months))

    def counts_for(self, school_year: int, school_year_start: str, months: int | None) -> bool:
        """Whether the benefit counts for the school year at all."""
        if self.months_in_force and months is not None:
            return self.months_counted(school_year, school_year_start, months) > 0
        return self.in_force(reference_date(school_year, school_year_start))

    def first_month_paid(self, school_year: int, school_year_start: str, months: int | None) -> int:
        """Where in the school year a monthly amount's months begin: the offset, from the
        month the school year starts in, of the first month counted (0 when the amount is
        judged whole, or counts no month)."""
        if self.months_in_force and months is not None:
            days = month_days(school_year, school_year_start, months)
            return next((offset for offset, day in enumerate(days) if self.in_force(day)), 0)
        return 0

    def months_paid(
        self, school_year: int, school_year_start: str, months: int | None
    ) -> int | None:
        """The months a monthly amount counts in the school year: the months in force when
        they are counted, else None (the amount's own `months`)."""
        if self.months_in_force and months is not None:
            return self.months_counted(school_year, school_year_start, months)
        return None


_TIMING_WORDS = {
    "en": {
        "from": "whole school years from {year}-{next}",
        "to": "whole school years until {year}-{next}",
        "months": "the months of the school year in force, a month counting when in force on "
        "day {day} of it (convention to confirm)",
    },
    "vi": {
        "from": "cả năm học từ năm học {year}-{next}",
        "to": "cả năm học đến hết năm học {year}-{next}",
        "months": "số tháng có hiệu lực trong năm học, một tháng được tính khi có hiệu lực vào "
        "ngày {day} của tháng (quy ước cần xác nhận)",
    },
    "zh": {
        "from": "自 {year}-{next} 学年起按整学年",
        "to": "至 {year}-{next} 学年止按整学年",
        "months": "按学年内生效的月数计，某月第 {day} 日生效即计该月（约定，待确认）",
    },
}


def describe_timing(
    *,
    school_year_start: str,
    from_school_year: int | None = None,
    to_school_year: int | None = None,
    months_in_force: bool = False,
    lang: str = "en",
) -> str:
    """How the benefit meets a school year, in words ("" when judged whole on its day)."""
    words = _TIMING_WORDS[lang_key(lang)]
    parts = [
        words[key].format(year=year, next=year + 1)
        for key, year in (("from", from_school_year), ("to", to_school_year))
        if year is not None
    ]
    if months_in_force:
        parts.append(words["months"].format(day=int(school_year_start.split("-")[1])))
    return "; ".join(parts)
