"""Scholarship rounds: ranking by a transparent score within quotas and budget, maker-checker,
awards paid through the ledger (the fund never below zero, the budget never exceeded, a pupil
never awarded twice for one purpose in a year when the round says so), scoping and audit."""

import datetime as dt

import pytest

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed
from reach.funds.choices import AccountKind
from reach.funds.models import Account, RoundAward, RoundCandidate, Transaction
from reach.funds.rounds_criteria import validate_criteria
from reach.funds.rounds_selectors import (
    candidates_for_user,
    get_round_for_user,
    round_totals,
    score_parts,
)
from reach.funds.selectors import balance_of
from reach.funds.services import DonationInput, RestrictionInput, record_donation
from reach.funds.services.rounds import (
    RoundError,
    RoundFrozen,
    RoundInput,
    approve_round,
    award_round,
    create_round,
    draw_candidates,
    nominate,
    publish_round,
    submit_round,
)
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.registry.models import Person
from reach.registry.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 10, 15)
WEEK = dt.timedelta(days=7)
POOR_OR_NEAR = {"field": "household_status", "op": "in", "value": ["poor", "near_poor"]}
RULES = [
    {
        "when": {"field": "household_status", "op": "eq", "value": "poor"},
        "points": 30,
        "labels": {"en": "poor household", "vi": "hộ nghèo", "zh": "贫困户"},
    },
    {"when": {"field": "household_status", "op": "eq", "value": "near_poor"}, "points": 20},
    {"when": {"field": "orphan", "op": "is_true"}, "points": 10},
]
TIERS = [{"min_score": 20, "amount_minor": 500_000}, {"min_score": 30, "amount_minor": 1_000_000}]


@pytest.fixture
def fund(world):
    fund = FundFactory(code="KH-761", unit=world.units["d12"])
    give(fund, world.users["district"], 10_000_000)
    return fund


@pytest.fixture
def checker(world):
    return MembershipFactory(
        user=UserFactory(username="district2"), role="office", unit=world.units["d12"]
    ).user


def give(fund, actor, amount):
    record_donation(
        actor=actor,
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=DAY,
            donor_id=DonorFactory(unit=fund.unit).pk,
            amount_minor=amount,
            wishes=RestrictionInput(),
        ),
    )


def make_round(world, fund, **changes):
    data = RoundInput(
        code=changes.pop("code", "HB-2024"),
        names={"vi": "Học bổng 2024", "zh": "2024年奖学金", "en": "Scholarships 2024"},
        school_year=2024,
        budget_minor=changes.pop("budget_minor", 5_000_000),
        criteria=changes.pop("criteria", POOR_OR_NEAR),
        score_rules=RULES,
        tiers=TIERS,
        **changes,
    )
    return create_round(actor=world.users["district"], fund=fund, data=data)


def approved(world, fund, checker, **changes):
    """A round approved and published on DAY, its objection period (7 days) over."""
    round_ = make_round(world, fund, **changes)
    draw_candidates(actor=world.users["district"], round_=round_)
    submit_round(actor=world.users["district"], round_=round_)
    approve_round(actor=checker, round_=round_)
    return publish_round(actor=world.users["district"], round_=round_, today=DAY - WEEK)


def outcomes(round_) -> dict[str, str]:
    return {
        c.person.full_name: c.outcome
        for c in RoundCandidate.objects.filter(round=round_).select_related("person")
    }


def free_cash(fund) -> int:
    return balance_of(Account.objects.get(fund=fund, kind=AccountKind.FREE_CASH).pk)


def test_poor_and_near_poor_pupils_of_the_district_are_drawn_and_ranked_by_score(world, fund):
    Person.objects.filter(pk=world.persons["ward2"].pk).update(orphan=True)
    round_ = make_round(world, fund)
    assert draw_candidates(actor=world.users["district"], round_=round_) == 3
    ranked = list(candidates_for_user(world.users["district"], round_))
    assert [(c.person.full_name, c.score, c.amount_minor) for c in ranked] == [
        ("Pupil ward2", 40, 1_000_000),
        ("Pupil ward1", 30, 1_000_000),
        ("Pupil commuter", 20, 500_000),
    ]
    assert score_parts(round_, ranked[0]) == [
        {"rule": 0, "label": "poor household", "points": 30},
        {"rule": 2, "label": "orphan: yes", "points": 10},
    ]
    assert set(outcomes(round_).values()) == {"selected"}
    # The town's poor pupil is outside the district fund's area.
    assert "Pupil town" not in outcomes(round_)


def test_quota_per_school_and_budget_decide_the_outcome_in_rank_order(world, fund):
    # ward1's school has two candidates (ward1 and the commuter): a quota of 1 keeps the first.
    round_ = make_round(world, fund, quota_per_school=1, budget_minor=1_600_000)
    draw_candidates(actor=world.users["district"], round_=round_)
    assert outcomes(round_) == {
        "Pupil ward1": "selected",  # 30 points, 1,000,000
        "Pupil ward2": "budget",  # 30 points, 1,000,000 > the 600,000 left
        "Pupil commuter": "school_quota",
    }
    totals = round_totals(round_)
    assert (totals["selected"], totals["selected_minor"]) == (1, 1_000_000)


def test_a_score_below_every_tier_is_never_selected(world, fund):
    round_ = make_round(world, fund, criteria={"field": "level", "op": "eq", "value": "primary"})
    EnrolmentFactory(person__household=world.households["ward1"], person__full_name="Not poor")
    world.households["ward1"].statuses.all().delete()
    draw_candidates(actor=world.users["district"], round_=round_)
    assert outcomes(round_)["Not poor"] == "below_tiers"
    assert outcomes(round_)["Pupil ward1"] == "below_tiers"


def test_criteria_must_be_valid_condition_language(world, fund):
    with pytest.raises(RoundError, match="unknown field"):
        make_round(world, fund, criteria={"field": "wealth", "op": "eq", "value": 1})
    assert validate_criteria({"field": "at_risk", "op": "is_true"}) == []
    assert validate_criteria({"field": "returning_dropout", "op": "gt", "value": 1}) != []


def test_the_maker_cannot_approve_and_another_officer_can(world, fund, checker):
    round_ = make_round(world, fund)
    draw_candidates(actor=world.users["district"], round_=round_)
    submit_round(actor=world.users["district"], round_=round_)
    with pytest.raises(RoundError, match="maker"):
        approve_round(actor=world.users["district"], round_=round_)
    with pytest.raises(NotAllowed):
        approve_round(actor=world.users["ward01"], round_=round_)  # not over the district
    approve_round(actor=checker, round_=round_)
    round_.refresh_from_db()
    assert (round_.status, round_.approved_by) == ("approved", checker)
    with pytest.raises(RoundFrozen):
        draw_candidates(actor=world.users["district"], round_=round_)


def test_a_round_is_paid_only_once_approved(world, fund):
    round_ = make_round(world, fund)
    draw_candidates(actor=world.users["district"], round_=round_)
    with pytest.raises(RoundFrozen):
        award_round(actor=world.users["district"], round_=round_, on=DAY)


def test_awards_debit_the_fund_through_the_ledger_once_and_are_audited(world, fund, checker):
    round_ = approved(world, fund, checker)
    result = award_round(actor=world.users["district"], round_=round_, on=DAY)
    assert (len(result.paid), result.refused) == (3, [])
    assert free_cash(fund) == 10_000_000 - 2_500_000
    again = award_round(actor=world.users["district"], round_=round_, on=DAY)
    assert (again.paid, again.refused) == ([], [])
    assert free_cash(fund) == 7_500_000
    for award in RoundAward.objects.filter(round=round_):
        txn = award.transaction
        assert (txn.kind, txn.recipient_id, txn.reference_type) == (
            "spend",
            award.person_id,
            "funds.roundaward",
        )
        assert AuditEvent.objects.filter(
            object_type="funds.roundaward", object_id=str(award.pk)
        ).exists()
        assert AuditEvent.objects.filter(
            object_type="funds.transaction", object_id=str(txn.pk)
        ).exists()
    assert (
        AuditEvent.objects.filter(
            object_type="funds.scholarshipround", object_id=str(round_.pk)
        ).count()
        == 5
    )  # create, draw, submit, approve, publish


def test_the_fund_never_goes_below_zero_and_the_refusal_names_the_pupil(world, checker):
    poor_fund = FundFactory(code="KH-POOR", unit=world.units["d12"])
    give(poor_fund, world.users["district"], 1_500_000)
    round_ = approved(world, poor_fund, checker)
    result = award_round(actor=world.users["district"], round_=round_, on=DAY)
    # In rank order: 1,000,000 paid, the next 1,000,000 refused (500,000 left), 500,000 paid.
    assert [a.amount_minor for a in result.paid] == [1_000_000, 500_000]
    [(person_id, why)] = result.refused
    assert "cannot be taken" in why
    assert person_id in {world.persons["ward1"].pk, world.persons["ward2"].pk}
    assert free_cash(poor_fund) == 0
    assert free_cash(poor_fund) >= 0
    assert AuditEvent.objects.filter(action="refused", object_type="funds.roundcandidate").exists()


def test_an_exclusive_purpose_is_awarded_once_a_year_across_rounds(world, fund, checker):
    first = approved(world, fund, checker, code="HB-A")
    award_round(actor=world.users["district"], round_=first, on=DAY)
    second = approved(world, fund, checker, code="HB-B")
    assert set(outcomes(second).values()) == {"already_awarded"}
    assert award_round(actor=world.users["district"], round_=second, on=DAY).paid == []
    # A round that does not claim the purpose for itself may award the same pupils.
    other = approved(world, fund, checker, code="HB-C", exclusive=False)
    assert len(award_round(actor=world.users["district"], round_=other, on=DAY).paid) == 3
    assert RoundAward.objects.filter(person=world.persons["ward1"]).count() == 2


def test_the_database_refuses_a_second_exclusive_award_of_a_purpose_in_a_year(world, fund, checker):
    first = approved(world, fund, checker, code="HB-A")
    second = approved(world, fund, checker, code="HB-B")  # drawn before the first paid
    assert set(outcomes(second).values()) == {"selected"}
    award_round(actor=world.users["district"], round_=first, on=DAY)
    result = award_round(actor=world.users["district"], round_=second, on=DAY)
    assert result.paid == [] and len(result.refused) == 3
    assert all("already awarded" in why for _person, why in result.refused)
    assert free_cash(fund) == 7_500_000
    assert not Transaction.objects.filter(reason="HB-B").exists()


def test_a_ward_sees_only_its_pupils_of_a_district_round(world, fund):
    round_ = make_round(world, fund)
    draw_candidates(actor=world.users["district"], round_=round_)
    # The ward officer does not see the district's fund nor its round...
    assert get_round_for_user(world.users["ward01"], round_.pk) is None
    # ...and, given the round, sees only the pupils of the ward.
    names = {c.person.full_name for c in candidates_for_user(world.users["ward01"], round_)}
    assert names == {"Pupil ward1"}
    school = {c.person.full_name for c in candidates_for_user(world.users["school01"], round_)}
    assert school == {"Pupil ward1", "Pupil commuter"}
    assert get_round_for_user(world.users["county"], round_.pk) is None


def test_a_school_nominates_a_pupil_who_meets_the_criteria(world):
    ward_fund = FundFactory(code="KH-26734", unit=world.units["ward1"])
    give(ward_fund, world.users["ward01"], 5_000_000)
    round_ = create_round(
        actor=world.users["ward01"],
        fund=ward_fund,
        data=RoundInput(
            code="HB-W",
            names={"en": "Ward round"},
            school_year=2024,
            budget_minor=3_000_000,
            criteria=POOR_OR_NEAR,
            score_rules=RULES,
            tiers=TIERS,
        ),
    )
    draw_candidates(actor=world.users["ward01"], round_=round_)
    assert set(outcomes(round_)) == {"Pupil ward1"}  # lives in the ward
    # The commuter lives in ward 26737 and studies in 26734: the school puts them forward.
    candidate = nominate(
        actor=world.users["school01"],
        round_=round_,
        person_id=world.persons["commuter"].pk,
        note="first in class",
    )
    assert (candidate.source, candidate.score, candidate.outcome) == ("nominated", 20, "selected")
    with pytest.raises(RoundError, match="already a candidate"):
        nominate(actor=world.users["school01"], round_=round_, person_id=candidate.person_id)
    # A nominated pupil must meet the criteria too.
    world.households["commuter"].statuses.all().delete()
    other = create_round(
        actor=world.users["ward01"],
        fund=ward_fund,
        data=RoundInput(
            code="HB-W2",
            names={"en": "Ward round 2"},
            school_year=2024,
            budget_minor=3_000_000,
            criteria=POOR_OR_NEAR,
            score_rules=RULES,
            tiers=TIERS,
        ),
    )
    with pytest.raises(RoundError, match="criteria"):
        nominate(actor=world.users["school01"], round_=other, person_id=candidate.person_id)


def test_at_risk_and_returning_dropout_are_round_fields(world, fund):
    EnrolmentFactory(person=world.persons["ward2"], school_year=2023, status="dropped_out", grade=3)
    round_ = make_round(
        world, fund, criteria={"field": "returning_dropout", "op": "is_true"}, code="HB-R"
    )
    draw_candidates(actor=world.users["district"], round_=round_)
    assert set(outcomes(round_)) == {"Pupil ward2"}
    # Poor (20) + low attendance (30) reach the at-risk threshold of 40.
    world.persons["ward1"].enrolments.filter(school_year=2024).update(attendance_rate=60)
    risk = make_round(world, fund, criteria={"field": "at_risk", "op": "is_true"}, code="HB-K")
    draw_candidates(actor=world.users["district"], round_=risk)
    assert set(outcomes(risk)) == {"Pupil ward1"}
