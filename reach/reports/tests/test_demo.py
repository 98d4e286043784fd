"""The demo's reports, on a small world shaped like the demo's accounts: the district office
account is a member of the district's education office (an organisation), not of the unit."""

import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.plans.tests.factories import OrganisationFactory
from reach.reports.demo import set_up_demo_reports
from reach.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(world):
    world.users["district"].username = "district-of-the-world"
    world.users["district"].save()
    office = OrganisationFactory(code="VN761-PGD", unit=world.units["d12"])
    MembershipFactory(user=UserFactory(username="district"), role="office", organisation=office)


def test_demo_reports_accept_all_wards_but_one_and_roll_them_up(world, demo_accounts):
    counts = set_up_demo_reports(actor=world.users["admin"], school_year=2024)
    assert counts == {"ward reports": 2, "accepted": 1, "roll-ups": 1}
    upper = Report.objects.get(template="vn_district_school_year")
    assert upper.status == "submitted"
    assert [row["missing"] for row in upper.snapshot["sub_units"]] == [False, True]
