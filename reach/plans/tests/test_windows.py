"""The time window of a task, as plans write it, read into a first and a last day."""

import datetime as dt

import pytest

from reach.plans.windows import parse_window

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # Seed 003's appendix, as written.
        ("Tháng 02/2023", D(2023, 2, 1), D(2023, 2, 28)),
        ("Tháng 03/2023", D(2023, 3, 1), D(2023, 3, 31)),
        ("01/2023-12/2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("02/2023-12/2023", D(2023, 2, 1), D(2023, 12, 31)),
        ("03/2023 - 12/2023", D(2023, 3, 1), D(2023, 12, 31)),
        ("05/2023 đến 11/2023", D(2023, 5, 1), D(2023, 11, 30)),
        ("10/2023", D(2023, 10, 1), D(2023, 10, 31)),
        ("8/2023", D(2023, 8, 1), D(2023, 8, 31)),
        ("tháng 3-5/2023", D(2023, 3, 1), D(2023, 5, 31)),
        ("Quý II/2023", D(2023, 4, 1), D(2023, 6, 30)),
        ("Quý 4 năm 2023", D(2023, 10, 1), D(2023, 12, 31)),
        ("Năm 2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("15/03/2023", D(2023, 3, 15), D(2023, 3, 15)),
        ("Trước ngày 30/6/2023", None, D(2023, 6, 30)),
        # Chinese
        ("2023年3月", D(2023, 3, 1), D(2023, 3, 31)),
        ("2023年3月至6月", D(2023, 3, 1), D(2023, 6, 30)),
        ("2023年11月-2024年2月", D(2023, 11, 1), D(2024, 2, 29)),
        ("2023年第二季度", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023年", D(2023, 1, 1), D(2023, 12, 31)),
        # English
        ("March 2023", D(2023, 3, 1), D(2023, 3, 31)),
        ("Mar-Jun 2023", D(2023, 3, 1), D(2023, 6, 30)),
        ("November 2023 to February 2024", D(2023, 11, 1), D(2024, 2, 29)),
        ("Q3 2023", D(2023, 7, 1), D(2023, 9, 30)),
    ],
)
def test_parse_window_reads_a_written_window_into_first_and_last_day(text, start, end):
    window = parse_window(text)
    assert (window.starts_on, window.ends_on, window.understood) == (start, end, True)
    assert window.text == text


@pytest.mark.parametrize("text", ["Cả năm", "cả năm", "全年", "Whole year", "Throughout the year"])
def test_parse_window_whole_year_takes_the_plan_year(text):
    window = parse_window(text, year=2023)
    assert (window.starts_on, window.ends_on) == (D(2023, 1, 1), D(2023, 12, 31))


@pytest.mark.parametrize(
    ("text", "start"), [("第二季度", D(2023, 4, 1)), ("Quý III", D(2023, 7, 1))]
)
def test_parse_window_quarter_without_year_takes_the_plan_year(text, start):
    assert parse_window(text, year=2023).starts_on == start


def test_parse_window_whole_year_without_a_plan_year_is_flagged_not_guessed():
    window = parse_window("Cả năm")
    assert (window.starts_on, window.ends_on, window.understood) == (None, None, False)


@pytest.mark.parametrize(
    "text",
    ["Khi có kinh phí", "13/2023", "12/2023-01/2023", "31/02/2023", "Smarch 2023", "Quý V/2023"],
)
def test_parse_window_what_it_cannot_read_keeps_the_text_without_dates(text):
    window = parse_window(text, year=2023)
    assert (window.text, window.starts_on, window.ends_on, window.understood) == (
        text,
        None,
        None,
        False,
    )


def test_parse_window_empty_cell_has_no_dates_and_is_not_flagged():
    assert parse_window(None).understood and parse_window("  ").text == ""


def test_parse_window_date_cell_that_a_spreadsheet_made_of_10_2023_is_that_month():
    window = parse_window(dt.datetime(2023, 10, 1))
    assert (window.text, window.starts_on, window.ends_on) == (
        "10/2023",
        D(2023, 10, 1),
        D(2023, 10, 31),
    )
