"""Matching, net of the state: suggestions ranked by need with their reasons, never a pupil
already covered for the purpose by a fund's payment or a round's award, within the donor's
restriction and the user's units."""

import datetime as dt

import pytest

from reach.funds.models import Restriction
from reach.funds.services import DonationInput, RestrictionInput, record_donation, spend_to_student
from reach.funds.services.matching import suggest_students
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.registry.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    fund = FundFactory(code="KH-761", unit=world.units["d12"], purpose="bicycles")
    record_donation(
        actor=world.users["district"],
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=dt.date(2024, 10, 1),
            donor_id=DonorFactory(unit=fund.unit).pk,
            amount_minor=5_000_000,
            wishes=RestrictionInput(),
        ),
    )
    return fund


def names(suggestions) -> list[str]:
    return [s.full_name for s in suggestions]


def test_suggestions_rank_by_need_with_reasons_and_skip_the_covered(world, fund):
    office = world.users["district"]
    # The commuter returns after dropping out last year: first, and says why.
    EnrolmentFactory(person=world.persons["commuter"], school_year=2023, status="dropped_out")
    found = suggest_students(actor=office, fund=fund, purpose="bicycles", school_year=2024)
    assert names(found)[0] == "Pupil commuter"
    assert found[0].reasons[0].startswith("returning after dropping out")
    # The commuter's sibling, 9 and in no school, is suggested too (see the out-of-school tests).
    assert set(names(found)) == {"Pupil commuter", "Pupil ward1", "Pupil ward2", "Sibling at home"}
    assert any("poor" in r for r in found[1].reasons)
    # Paid by a fund for bicycles this school year: no longer suggested for bicycles.
    spend_to_student(
        actor=office,
        fund=fund,
        recipient_id=world.persons["ward2"].pk,
        amount_minor=1_000_000,
        idempotency_key="bike-ward2",
        occurred_on=dt.date(2024, 11, 1),
        purpose="bicycles",
    )
    found = suggest_students(actor=office, fund=fund, purpose="bicycles", school_year=2024)
    assert "Pupil ward2" not in names(found)
    again = suggest_students(actor=office, fund=fund, purpose="school_supplies", school_year=2024)
    assert "Pupil ward2" in names(again)


def test_suggestions_keep_to_the_users_units_and_the_donors_wishes(world, fund):
    ward = suggest_students(
        actor=world.users["ward01"], fund=fund, purpose="bicycles", school_year=2024
    )
    assert names(ward) == ["Pupil ward1"]
    wish = Restriction.objects.create(fund=fund, unit=world.units["ward2"])
    found = suggest_students(
        actor=world.users["district"],
        fund=fund,
        purpose="bicycles",
        school_year=2024,
        restriction=wish,
    )
    assert set(names(found)) == {"Pupil ward2", "Pupil commuter", "Sibling at home"}


def test_the_api_suggests_within_the_callers_scope(world, fund):
    from django.test import Client

    client = Client()
    client.force_login(world.users["district"])
    rows = client.get(f"/api/v1/funds/{fund.pk}/suggestions?school_year=2024").json()
    assert {r["full_name"] for r in rows} == {
        "Pupil ward1",
        "Pupil ward2",
        "Pupil commuter",
        "Sibling at home",
    }
    assert all(r["reasons"] for r in rows)
    assert {r["full_name"] for r in rows if r["enrolment"] is None} == {"Sibling at home"}
    county = Client()
    county.force_login(world.users["county"])
    assert county.get(f"/api/v1/funds/{fund.pk}/suggestions").status_code == 404
