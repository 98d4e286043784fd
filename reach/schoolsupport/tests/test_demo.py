import datetime as dt

import pytest

from reach.accounts.permissions import command_line_actor
from reach.funds.services import DonationInput, record_donation
from reach.funds.tests.factories import FundFactory
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.schoolsupport.demo import set_up_demo_school_support
from reach.schoolsupport.selectors import received_for_user
from reach.schoolsupport.services import drawn_from_fund

pytestmark = pytest.mark.django_db


def test_the_demo_records_projects_a_teacher_a_pairing_and_a_semi_boarding_house():
    district = UnitFactory(code="761", level="district")
    ward = UnitFactory(code="26749", parent=district)
    county = UnitFactory(code="522723000000", level="district")
    SchoolFactory(code="VN761-TH06", unit=ward)
    SchoolFactory(code="CN522723-XX01", unit=UnitFactory(code="522723100000", parent=county))
    SchoolFactory(code="CN522723-XX07", unit=UnitFactory(code="522723106000", parent=county))
    fund = FundFactory(code="VN79-TSDT", unit=district, currency="VND")
    actor = command_line_actor()
    record_donation(
        actor=actor, fund=fund,
        gift=DonationInput(kind="receipt", form="cash", received_on=dt.date(2025, 9, 1),
                           amount_minor=50_000_000, anonymous=True),
    )  # fmt: skip
    counts = set_up_demo_school_support(actor=actor, school_year=2026)
    assert counts == {
        "needs": 5, "projects": 4, "fund_payments": 1, "teachers_sent": 1, "trainings": 1,
        "pairings": 1,
    }  # fmt: skip
    received = received_for_user(actor, unit=None, year=2026, through=dt.date(2026, 12, 1))
    by_code = {r.school.code: r for r in received.rows}
    assert by_code["VN761-TH06"].amounts == {"VND": 120_000_000}
    assert by_code["CN522723-XX07"].amounts == {"CNY": 7_600_000}
    assert by_code["CN522723-XX07"].pairings == 1
    house = by_code["VN761-TH06"].school.projects.get(kind="semi_boarding_house")
    assert drawn_from_fund(house) == 50_000_000
    assert set_up_demo_school_support(actor=actor, school_year=2026)["projects"] == 0
