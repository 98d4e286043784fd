"""How a benefit meets a school year: whole, on the day the year is judged on; whole for the
school years its source names; or the months of the year in force, a month counting when the
benefit is in force on that month's day of `school_year_start` (the 5th here)."""

import datetime as dt

import pytest

from reach.policy.loader import parse_policy
from reach.policy.tests.factories import benefit, policy_document
from reach.policy.tests.test_loader import errors_of
from reach.policy.timing import Timing, describe_timing, month_days

START = "09-05"


def test_the_months_of_a_school_year_are_judged_on_the_5th_from_september():
    days = month_days(2020, START, 9)
    assert days[0] == dt.date(2020, 9, 5) and days[-1] == dt.date(2021, 5, 5)
    assert len({(day.year, day.month) for day in days}) == 9


def test_a_month_day_past_the_end_of_a_short_month_is_its_last_day():
    assert month_days(2023, "08-31", 2) == [dt.date(2023, 8, 31), dt.date(2023, 9, 30)]


@pytest.mark.parametrize(("starts_on", "ends_on", "months"), [
    (dt.date(2020, 11, 1), None, 7),  # November to May
    (None, dt.date(2020, 10, 31), 2),  # September, October
    (dt.date(2021, 10, 15), None, 7),  # 15 October is after the 5th: November to May
    (dt.date(2025, 5, 1), None, 1),  # May
    (None, dt.date(2025, 4, 30), 8),  # September to April
    (dt.date(2025, 9, 3), None, 9),  # before the 5th: the whole year
    (None, dt.date(2025, 9, 2), 0),
])  # fmt: skip
def test_months_counted_at_each_boundary(starts_on, ends_on, months):
    timing = Timing(starts_on or dt.date(2016, 9, 1), ends_on, months_in_force=True)
    year = (starts_on or ends_on).year - ((starts_on or ends_on).month < 9)
    assert timing.months_counted(year, START, 9) == months
    assert timing.counts_for(year, START, 9) == (months > 0)
    assert timing.months_paid(year, START, 9) == months


def test_a_predecessor_and_its_successor_from_the_next_day_share_every_month_once():
    for boundary in (dt.date(2020, 11, 1), dt.date(2025, 5, 1), dt.date(2025, 9, 3)):
        before = Timing(dt.date(2016, 9, 1), boundary - dt.timedelta(days=1), True)
        after = Timing(boundary, None, True)
        for year in range(2016, 2027):
            assert before.months_counted(year, START, 9) + after.months_counted(year, START, 9) == 9


def test_the_first_month_paid_is_the_offset_of_the_first_month_in_force():
    """2020: Decree 06/2018 from September (offset 0), Decree 105/2020 from November (2); a
    benefit judged whole, or counting no month, begins the year (0)."""
    decree_06 = Timing(dt.date(2018, 9, 1), dt.date(2020, 10, 31), months_in_force=True)
    decree_105 = Timing(dt.date(2020, 11, 1), None, months_in_force=True)
    assert decree_06.first_month_paid(2020, START, 9) == 0
    assert decree_105.first_month_paid(2020, START, 9) == 2
    assert Timing(dt.date(2025, 5, 1), None, True).first_month_paid(2024, START, 9) == 8
    assert Timing(dt.date(2020, 11, 1), None).first_month_paid(2020, START, 9) == 0
    assert decree_105.first_month_paid(2020, START, None) == 0
    assert decree_06.first_month_paid(2021, START, 9) == 0


def test_whole_school_years_from_2021_include_the_weeks_before_15_october():
    timing = Timing.of(
        effective_from=dt.date(2021, 10, 15),
        effective_to=dt.date(2025, 9, 2),
        school_year_start=START,
        from_school_year=2021,
    )
    assert timing.starts_on == dt.date(2021, 9, 5)
    assert [year for year in range(2019, 2027) if timing.counts_for(year, START, 9)] == [
        2021, 2022, 2023, 2024,
    ]  # fmt: skip
    assert timing.months_paid(2021, START, 9) is None  # the amount's own 9 months


def test_whole_school_years_until_2020_end_the_day_before_school_year_2021():
    timing = Timing.of(
        effective_from=dt.date(2016, 9, 1),
        effective_to=dt.date(2021, 10, 14),
        school_year_start=START,
        to_school_year=2020,
    )
    assert timing.ends_on == dt.date(2021, 9, 4)
    assert not timing.counts_for(2021, START, 9) and timing.counts_for(2020, START, 9)


def test_the_words_say_which_convention_applies():
    assert describe_timing(school_year_start=START) == ""
    assert describe_timing(school_year_start=START, from_school_year=2021) == (
        "whole school years from 2021-2022"
    )
    months = describe_timing(school_year_start=START, months_in_force=True, lang="vi")
    assert "ngày 5" in months and "cần xác nhận" in months


def test_a_policy_file_names_the_school_years_and_counts_months():
    document = policy_document(
        benefit("eighty_one", effective={"from": "2021-10-15"}, applies_from_school_year=2021),
        benefit("lunch", effective={"from": "2020-11-01"}, months_in_force=True),
    )
    policy = parse_policy(document, file_name="p.yaml")
    assert [b.code for b in policy.benefits_in_force(2020)] == ["lunch"]
    assert [b.code for b in policy.benefits_in_force(2021)] == ["eighty_one", "lunch"]
    eighty_one, lunch = policy.benefits
    assert lunch.months_paid(2020) == 7 and lunch.months_paid(2021) == 9
    assert eighty_one.months_paid(2021) is None


def test_school_years_that_miss_the_benefit_or_policy_dates_are_errors():
    document = policy_document(
        benefit("typo", effective={"from": "2021-10-15"}, applies_from_school_year=2020),
        benefit("early", applies_from_school_year=2019),  # the policy starts 2020-01-01
        benefit("late", effective={"to": "2021-10-14"}, applies_to_school_year=2022),
        benefit("text", applies_from_school_year="2021"),
        benefit("yearly", amount={"per": "year", "value": 1000}, months_in_force=True),
        benefit("word", months_in_force="yes"),
    )
    assert errors_of(document) == [
        "policy.yaml: benefits[0] (code typo).applies_from_school_year: school year 2020 ends "
        "before the benefit is in force (2021-10-15)",
        "policy.yaml: benefits[1] (code early).applies_from_school_year: school year 2019 begins "
        "before the policy is in force (2020-01-01)",
        "policy.yaml: benefits[2] (code late).applies_to_school_year: school year 2022 begins "
        "after the benefit ends (2021-10-14)",
        "policy.yaml: benefits[3] (code text).applies_from_school_year: must be a school year "
        "such as 2021",
        "policy.yaml: benefits[4] (code yearly).months_in_force: only with a monthly amount "
        "(per: month)",
        "policy.yaml: benefits[5] (code word).months_in_force: must be true or false",
    ]
