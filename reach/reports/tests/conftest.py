import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.reports.services import accept_report, open_report, submit_report
from reach.reports.tests.factories import SCHOOL_YEAR_2024


@pytest.fixture
def ward2_officer(world):
    user = UserFactory(username="ward02")
    MembershipFactory(user=user, role="ward_officer", unit=world.units["ward2"])
    return user


@pytest.fixture
def ward_report(world):
    """Open a ward's school-year 2024 report as its officer."""

    def make(key: str = "ward1", user=None):
        return open_report(
            actor=user or world.users["ward01"],
            template_code="vn_ward_school_year",
            unit=world.units[key],
            period=SCHOOL_YEAR_2024,
        )

    return make


@pytest.fixture
def accepted_wards(world, ward_report, ward2_officer):
    """Both wards' 2024 reports submitted by their officers and accepted by the district."""
    reports = {}
    for key, user in (("ward1", world.users["ward01"]), ("ward2", ward2_officer)):
        report = submit_report(actor=user, report=ward_report(key, user))
        reports[key] = accept_report(actor=world.users["district"], report=report)
    return reports
