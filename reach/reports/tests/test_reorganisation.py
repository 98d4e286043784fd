"""Reports across the reorganisation of 2025-07-01: District 12's 2024-2025 report rolls up
its eleven wards; the city's 2025-2026 report rolls up the five wards formed from them; the two
totals count the same pupils, so a trend across them adds up."""

import datetime as dt

import pytest

from reach.accounts.tests.factories import UserFactory
from reach.geo.models import Unit
from reach.plans.tests.test_reorganisation import merged, poor_child  # noqa: F401
from reach.reports.services import accept_report, open_report, submit_report
from reach.reports.snapshots import value_of

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
