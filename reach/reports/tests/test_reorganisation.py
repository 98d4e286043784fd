"""Reports across the reorganisation of 2025-07-01: District 12's 2024-2025 report rolls up
its eleven wards; the city's 2025-2026 report rolls up the five wards formed from them; the two
totals count the same pupils, so a trend across them adds up. The closed district's office,
which sees the wards that took over, follows them on its board and its list of reports."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.geo.models import Unit, UnitLink
from reach.geo.tests.factories import UnitFactory
from reach.plans.tests.factories import OrganisationFactory
from reach.plans.tests.test_reorganisation import merged, poor_child  # noqa: F401
from reach.reports.choices import BoardState
from reach.reports.definitions import get_template
from reach.reports.selectors import board_for_user, list_reports_for_user
from reach.reports.services import accept_report, open_report, submit_report
from reach.reports.snapshots import value_of
from reach.reports.tests.factories import school_year_period

pytestmark = pytest.mark.django_db

RIGHT_AGE = "right_age_attendance"


def signed(template: str, unit: Unit, day: dt.date, *, by, accepted_by):
    report = open_report(actor=by, template_code=template, unit=unit, day=day)
    report = submit_report(actor=by, report=report)
    return accept_report(actor=accepted_by, report=report)


@pytest.fixture
def officers():
    return UserFactory(is_superuser=True), UserFactory(is_superuser=True)


def test_each_year_rolls_up_the_wards_of_its_day_and_the_totals_add_up(merged, officers):  # noqa: F811
    ward_officer, above = officers
    before, after = dt.date(2024, 10, 15), dt.date(2025, 10, 15)
    for ward in Unit.objects.filter(parent__code="761"):
        signed("vn_ward_school_year", ward, before, by=ward_officer, accepted_by=above)
    for ward in Unit.objects.filter(valid_from=dt.date(2025, 7, 1)):
        signed("vn_ward_school_year", ward, after, by=ward_officer, accepted_by=above)

    district = open_report(
        actor=above, template_code="vn_district_school_year", unit=Unit.objects.get(code="761"),
        day=before,
    )  # fmt: skip
    city = open_report(actor=above, template_code="vn_city_school_year", unit=merged, day=after)
    district, city = (
        submit_report(actor=above, report=district),
        submit_report(actor=above, report=city),
    )

    old_rows = [row for row in district.snapshot["sub_units"] if not row["missing"]]
    new_rows = [row for row in city.snapshot["sub_units"] if not row["missing"]]
    assert len(district.snapshot["sub_units"]) == len(old_rows) == 11
    assert len(city.snapshot["sub_units"]) == len(new_rows) == 5
    assert {row["code"] for row in new_rows} == {
        "D12-DHT", "D12-TMT", "D12-TTH", "D12-TA", "D12-APD",
    }  # fmt: skip
    total_2024 = value_of(district.snapshot["figures"][RIGHT_AGE])
    total_2025 = value_of(city.snapshot["figures"][RIGHT_AGE])
    assert (total_2024.numerator, total_2024.denominator) == (12, 12)
    assert (total_2025.numerator, total_2025.denominator) == (11, 12)  # one dropped out


@pytest.fixture
def closed_district(world):
    """World's district 761 closed on 2025-06-30, its two wards merged from 2025-07-01 into one
    new ward directly under the city; the district's education office keeps a member."""
    closing = dt.date(2025, 6, 30)
    new_ward = UnitFactory(
        code="D12-NEW", name="Phường Mới", parent=world.units["d12"].parent,
        valid_from=closing + dt.timedelta(days=1),
    )  # fmt: skip
    Unit.objects.filter(pk=world.units["d12"].pk).update(valid_to=closing)
    for key in ("ward1", "ward2"):
        Unit.objects.filter(pk=world.units[key].pk).update(valid_to=closing, successor=new_ward)
        UnitLink.objects.create(
            predecessor=world.units[key], successor=new_ward, kind="merge",
            date=new_ward.valid_from, carries_forward=True, carries_back=True,
        )  # fmt: skip
    office = OrganisationFactory(code="VN761-PGD", kind="education_office", unit=world.units["d12"])
    member = MembershipFactory(
        user=UserFactory(username="pgd"), role="office", organisation=office
    ).user
    return SimpleNamespace(district=Unit.objects.get(code="761"), new_ward=new_ward, member=member)


def ward_board(user, unit: Unit, year: int):
    return board_for_user(
        user, unit=unit, template=get_template("vn_ward_school_year"),
        period=school_year_period(year),
    )  # fmt: skip


def test_a_closed_districts_board_lists_its_old_wards_before_and_its_successor_after(
    closed_district, world
):
    admin = world.users["admin"]
    submit_report(
        actor=admin,
        report=open_report(
            actor=admin, template_code="vn_ward_school_year", unit=closed_district.new_ward,
            period=school_year_period(2025),
        ),
    )  # fmt: skip
    member, district = closed_district.member, closed_district.district

    before = ward_board(member, district, 2024)
    after = ward_board(member, district, 2025)

    assert [(row.unit.code, row.state) for row in before] == [
        ("26734", BoardState.LATE), ("26737", BoardState.LATE),
    ]  # fmt: skip
    assert [(row.unit.code, row.state) for row in after] == [("D12-NEW", BoardState.SUBMITTED)]
    assert ward_board(world.users["county"], district, 2025) == []  # units it cannot see


def test_the_board_page_says_the_district_closed_and_the_citys_board_stays_refused(
    closed_district,
):
    client = Client()
    client.force_login(closed_district.member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = {"template": "vn_ward_school_year", "unit": "761", "day": "2025-10-15"}

    page = client.get("/reports/board/", query)
    unnamed = client.get("/reports/board/", query | {"unit": ""})  # starts at its own district
    city = client.get("/reports/board/", query | {"unit": "79"})

    for response in (page, unnamed):
        body = response.content.decode()
        assert response.status_code == 200
        assert "Unit 761 closed on 2025-06-30: its successor units" in body
        assert "Phường Mới" in body and "Thạnh Xuân" not in body
    assert city.status_code == 404


def test_the_board_api_names_the_closing_and_the_successor(closed_district):
    client = Client()
    client.force_login(closed_district.member)
    query = {"template": "vn_ward_school_year", "unit": "761"}

    before = client.get("/api/v1/reports/board", query | {"day": "2025-01-15"}).json()
    after = client.get("/api/v1/reports/board", query | {"day": "2025-10-15"}).json()

    assert (before["closed_on"], [row["unit"] for row in before["rows"]]) == (
        None, ["26734", "26737"],
    )  # fmt: skip
    assert (after["closed_on"], [row["unit"] for row in after["rows"]]) == (
        "2025-06-30", ["D12-NEW"],
    )  # fmt: skip


def test_the_report_list_of_a_closed_district_holds_its_successors_reports(closed_district, world):
    admin = world.users["admin"]
    old, new = (
        open_report(
            actor=admin, template_code="vn_ward_school_year", unit=unit,
            period=school_year_period(year),
        )
        for unit, year in ((world.units["ward1"], 2024), (closed_district.new_ward, 2025))
    )  # fmt: skip

    listed = list_reports_for_user(closed_district.member, unit=closed_district.district)

    assert list(listed) == [new, old]
