"""Who sees which reports, and the board of a period: each sub-unit's status, missing, late."""

import datetime as dt

import pytest

from reach.reports.choices import BoardState
from reach.reports.definitions import get_template
from reach.reports.models import Report
from reach.reports.selectors import board_for_user, list_reports_for_user
from reach.reports.services import submit_report
from reach.reports.tests.factories import SCHOOL_YEAR_2024

pytestmark = pytest.mark.django_db


def test_a_ward_sees_its_own_reports_and_the_level_above_its_sub_units(
    world, ward_report, ward2_officer
):
    mine, sibling = ward_report("ward1"), ward_report("ward2", ward2_officer)
    assert list(list_reports_for_user(world.users["ward01"])) == [mine]
    assert set(list_reports_for_user(world.users["district"])) == {mine, sibling}
    assert list(list_reports_for_user(world.users["county"])) == []
    assert list(list_reports_for_user(world.users["nobody"])) == []
    only_ward2 = list_reports_for_user(world.users["district"], unit=world.units["ward2"])
    assert list(only_ward2) == [sibling]


def test_board_shows_missing_late_and_submitted_sub_units(world, ward_report):
    template = get_template("vn_ward_school_year")
    report = submit_report(actor=world.users["ward01"], report=ward_report("ward1"))
    on_time = dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC)
    Report.objects.filter(pk=report.pk).update(submitted_at=on_time)
    before_due = board_for_user(
        world.users["district"],
        unit=world.units["d12"],
        template=template,
        period=SCHOOL_YEAR_2024,
        today=dt.date(2025, 9, 10),
    )
    assert [(r.unit.code, r.state, r.late) for r in before_due] == [
        ("26734", BoardState.SUBMITTED, False),
        ("26737", BoardState.MISSING, False),
    ]
    after_due = board_for_user(
        world.users["district"],
        unit=world.units["d12"],
        template=template,
        period=SCHOOL_YEAR_2024,
        today=dt.date(2025, 9, 16),
    )
    assert [(r.state, r.late) for r in after_due][1] == (BoardState.LATE, True)
    assert str(after_due[1].due_on) == "2025-09-15"
    Report.objects.filter(pk=report.pk).update(submitted_at=dt.datetime(2025, 9, 20, tzinfo=dt.UTC))
    (submitted_late, _missing) = board_for_user(
        world.users["district"],
        unit=world.units["d12"],
        template=template,
        period=SCHOOL_YEAR_2024,
        today=dt.date(2025, 9, 21),
    )
    assert (submitted_late.state, submitted_late.late) == (BoardState.SUBMITTED, True)


def test_board_lists_only_the_sub_units_the_reader_sees(world):
    rows = board_for_user(
        world.users["ward01"],
        unit=world.units["d12"],
        template=get_template("vn_ward_school_year"),
        period=SCHOOL_YEAR_2024,
    )
    assert [r.unit.code for r in rows] == ["26734"]


def test_board_leaves_out_units_closed_before_the_period(world):
    world.units["ward2"].valid_to = dt.date(2024, 6, 30)
    world.units["ward2"].save()
    rows = board_for_user(
        world.users["district"],
        unit=world.units["d12"],
        template=get_template("vn_ward_school_year"),
        period=SCHOOL_YEAR_2024,
    )
    assert [r.unit.code for r in rows] == ["26734"]
