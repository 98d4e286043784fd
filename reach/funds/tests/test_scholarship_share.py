"""The scholarship share: poor and near-poor pupils enrolled that year and living in the fund's
area; received = a round award of the fund that year, or a scholarship payment in the school
year not reversed. The aim is read from data (seed 000 gives no number: "to confirm")."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from reach.funds.scholarship_share import scholarship_aim, scholarship_share
from reach.funds.services import (
    DonationInput,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.services.rounds import (
    RoundInput,
    approve_round,
    award_round,
    create_round,
    draw_candidates,
    publish_round,
    submit_round,
)
from reach.funds.tests.factories import FundFactory
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def area(world):
    """Ward 26734: its pupil (poor) awarded in a round; a near-poor pupil paid a scholarship;
    a poor pupil paid school supplies and a scholarship reversed; a non-poor pupil; a poor
    child enrolled only in 2023. The commuter (near-poor) lives in the other ward."""
    admin, ward1 = world.users["admin"], world.units["ward1"]
    fund = FundFactory(code="KH-SHARE", unit=ward1)
    record_donation(
        actor=admin,
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=D(2024, 8, 1),  # before the payment of the school year before
            anonymous=True,
            amount_minor=5_000_000,
        ),
    )
    pupils = {}
    for key, status, year in (
        ("paid", "near_poor", 2024),
        ("unpaid", "poor", 2024),
        ("not_poor", "none", 2024),
        ("last_year", "poor", 2023),
    ):
        household = HouseholdFactory(code=f"HH-{key}", unit=ward1)
        HouseholdYearStatusFactory(household=household, year=2024, status=status)
        pupils[key] = PersonFactory(household=household, full_name=f"Child {key}")
        EnrolmentFactory(person=pupils[key], school=world.schools["ward1"], school_year=year)
    round_ = create_round(
        actor=admin,
        fund=fund,
        data=RoundInput(
            code="ROUND-SHARE",
            names={"en": "Share round"},
            school_year=2024,
            budget_minor=1_000_000,
            criteria={"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
            score_rules=[],
            tiers=[{"min_score": 0, "amount_minor": 100_000}],
        ),
    )
    draw_candidates(actor=admin, round_=round_)
    submit_round(actor=admin, round_=round_)
    approve_round(actor=world.users["district"], round_=round_)
    publish_round(actor=admin, round_=round_, today=D(2024, 10, 20))
    award_round(
        actor=admin, round_=round_, on=D(2024, 11, 1), person_ids=[world.persons["ward1"].pk]
    )

    def pay(who, key, purpose, on=None):
        return spend_to_student(
            actor=admin, fund=fund, recipient_id=pupils[who].pk, amount_minor=50_000,
            idempotency_key=key, occurred_on=on or D(2024, 10, 1), purpose=purpose,
        )  # fmt: skip

    pay("paid", "s-1", "scholarships")
    pay("unpaid", "s-2", "school_supplies")
    pay("unpaid", "s-3", "scholarships", on=D(2024, 8, 31))  # the school year before
    wrong = pay("unpaid", "s-4", "scholarships")
    reverse_transaction(
        actor=admin, fund=fund, transaction_id=wrong.pk, reason="wrong", occurred_on=D(2024, 10, 2)
    )
    return fund


def test_the_share_counts_awards_and_scholarship_payments(world, area):
    share = scholarship_share(area, 2024, world.users["district"])
    assert (share.pupils, share.received, share.percent) == (3, 2, 66.7)
    assert {p.name: p.received for p in share.listing} == {
        "Pupil ward1": True,
        "Child paid": True,
        "Child unpaid": False,
    }
    assert share.aim.percent is None and share.aim.confidence == "to confirm"
    assert share.meets_aim is None
    assert "351/KH-GDĐT" in scholarship_aim().source


def test_a_plans_scholarship_coverage_counts_the_same_awards_and_payments(world, area):
    """The plan figure (reach/plans/data/figures.yaml) reads the awards and scholarship payments
    of every fund over the unit's poor and near-poor pupils: here the one fund of the ward."""
    from reach.plans.figures import FigureValue, figure, figure_definitions

    coverage = figure_definitions()["scholarship_coverage"]
    assert coverage.available
    assert figure(coverage, world.units["ward1"], 2024) == FigureValue(2, 3, 66.7)
    # ward 26737: its own pupil and the commuter, neither awarded nor paid a scholarship
    assert figure(coverage, world.units["ward2"], 2024) == FigureValue(0, 2, 0.0)


def test_the_page_shows_the_share_and_a_masked_list_to_a_school(world, area):
    user = world.users["school01"]
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    page = client.get(reverse("funds:scholarship-share", args=[area.pk]), {"school_year": 2024})
    text = page.content.decode()
    assert page.status_code == 200 and "66.7 %" in text and "to confirm" in text
    assert "Child paid" not in text and "Child p." in text


def test_another_wards_officer_gets_404(world, area):
    other = FundFactory(unit=world.units["ward2"])
    client = Client()
    client.force_login(world.users["ward01"])
    assert client.get(reverse("funds:scholarship-share", args=[other.pk])).status_code == 404
