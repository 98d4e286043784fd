import datetime as dt
from decimal import Decimal

import pytest

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed
from reach.funds.choices import AccountKind
from reach.funds.models import Account
from reach.funds.selectors import balance_of
from reach.funds.services import DonationInput, InsufficientBalance, record_donation
from reach.funds.tests.factories import FundFactory
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.schoolsupport import services
from reach.schoolsupport.models import SchoolNeed, SchoolProject
from reach.schoolsupport.services import (
    InvalidPairing,
    ProjectInput,
    StatusNotAllowed,
    SupportError,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 9, 1)


def _project(world, actor="ward01", **changes) -> SchoolProject:
    data = {
        "kind": "semi_boarding_house",
        "title": "Nhà bán trú cho em",
        "budget_minor": 300_000_000,
        "currency": "VND",
        "funding": "state_budget",
        "planned_on": DAY,
        **changes,
    }
    return services.create_project(
        actor=world.users[actor], school=world.schools["ward1"], data=ProjectInput(**data)
    )


def test_school_staff_record_a_need_of_their_own_school_and_it_is_audited(world):
    need = services.record_need(
        actor=world.users["school01"],
        school=world.schools["ward1"],
        kind="toilets",
        recorded_on=DAY,
        quantity=2,
    )
    assert need.status == "open"
    assert AuditEvent.objects.filter(
        object_type="schoolsupport.schoolneed", object_id=str(need.pk)
    ).exists()


@pytest.mark.parametrize("user", ["school01", "ward01", "county", "nobody"])
def test_a_need_of_another_school_is_refused(world, user):
    with pytest.raises(NotAllowed):
        services.record_need(
            actor=world.users[user], school=world.schools["ward2"], kind="toilets", recorded_on=DAY
        )


def test_school_staff_may_not_plan_projects(world):
    with pytest.raises(NotAllowed):
        _project(world, actor="school01")


def test_a_project_goes_planned_under_way_completed_and_meets_its_need(world):
    need = services.record_need(
        actor=world.users["ward01"],
        school=world.schools["ward1"],
        kind="semi_boarding",
        recorded_on=DAY,
    )
    project = _project(world, need_id=need.pk)
    assert project.status == "planned"
    ward01 = world.users["ward01"]
    project = services.move_project(
        actor=ward01, project=project, status="under_way", on=dt.date(2025, 10, 1)
    )
    assert (project.status, project.started_on) == ("under_way", dt.date(2025, 10, 1))
    project = services.move_project(
        actor=ward01, project=project, status="completed", on=dt.date(2026, 3, 1),
        cost_minor=290_000_000,
    )  # fmt: skip
    assert (project.status, project.cost_minor) == ("completed", 290_000_000)
    need.refresh_from_db()
    assert (need.status, need.closed_on) == ("met", dt.date(2026, 3, 1))


def test_completion_without_a_cost_takes_the_budget(world):
    project = _project(world)
    project = services.move_project(
        actor=world.users["ward01"], project=project, status="completed", on=DAY
    )
    assert project.cost_minor == 300_000_000


def test_a_completed_project_cannot_be_cancelled_or_reopened(world):
    project = services.move_project(
        actor=world.users["ward01"], project=_project(world), status="completed", on=DAY
    )
    for status in ("cancelled", "under_way", "planned"):
        with pytest.raises(StatusNotAllowed):
            services.move_project(
                actor=world.users["ward01"], project=project, status=status, on=DAY
            )


def test_a_cancelled_project_leaves_its_need_open(world):
    need = services.record_need(
        actor=world.users["school01"], school=world.schools["ward1"], kind="equipment",
        recorded_on=DAY,
    )  # fmt: skip
    project = _project(world, need_id=need.pk)
    services.move_project(actor=world.users["ward01"], project=project, status="cancelled", on=DAY)
    need.refresh_from_db()
    assert need.status == "open"


def test_a_need_of_another_school_cannot_be_answered(world):
    other = SchoolNeed.objects.create(
        school=world.schools["ward2"], kind="toilets", recorded_on=DAY
    )
    with pytest.raises(SupportError):
        _project(world, actor="district", need_id=other.pk)


def test_withdrawing_a_need_twice_is_refused(world):
    need = services.record_need(
        actor=world.users["school01"], school=world.schools["ward1"], kind="water", recorded_on=DAY
    )
    services.withdraw_need(actor=world.users["school01"], need=need, on=DAY)
    with pytest.raises(StatusNotAllowed):
        services.withdraw_need(actor=world.users["school01"], need=need, on=DAY)


def _funded(world, cash: int):
    fund = FundFactory(unit=world.units["d12"], currency="VND")
    record_donation(
        actor=world.users["admin"],
        fund=fund,
        gift=DonationInput(
            kind="receipt", form="cash", received_on=DAY, amount_minor=cash, anonymous=True
        ),
    )
    return fund


def test_a_fund_paid_project_draws_on_the_fund_through_its_ledger(world):
    fund = _funded(world, 500_000_000)
    project = _project(world, actor="district", funding="fund", fund_id=fund.pk)
    txn = services.record_project_spending(
        actor=world.users["district"], project=project, amount_minor=200_000_000,
        occurred_on=DAY, idempotency_key="p1-a",
    )  # fmt: skip
    again = services.record_project_spending(
        actor=world.users["district"], project=project, amount_minor=200_000_000,
        occurred_on=DAY, idempotency_key="p1-a",
    )  # fmt: skip
    assert again.pk == txn.pk
    free = Account.objects.get(fund=fund, kind=AccountKind.FREE_CASH)
    assert balance_of(free.pk) == 300_000_000
    assert services.drawn_from_fund(project) == 200_000_000


def test_a_project_cannot_draw_more_than_the_fund_holds_or_its_budget(world):
    fund = _funded(world, 100_000_000)
    project = _project(world, actor="district", funding="fund", fund_id=fund.pk)
    with pytest.raises(InsufficientBalance):
        services.record_project_spending(
            actor=world.users["district"], project=project, amount_minor=150_000_000,
            occurred_on=DAY, idempotency_key="too-much",
        )  # fmt: skip
    with pytest.raises(SupportError):
        services.record_project_spending(
            actor=world.users["district"], project=project, amount_minor=300_000_001,
            occurred_on=DAY, idempotency_key="over-budget",
        )  # fmt: skip


def test_a_fund_project_needs_the_funds_currency_and_area(world):
    fund = _funded(world, 1)
    with pytest.raises(SupportError):
        _project(world, actor="district", funding="fund", fund_id=fund.pk, currency="CNY")
    elsewhere = FundFactory(unit=world.units["ward2"], currency="VND")
    with pytest.raises(SupportError):
        _project(world, actor="district", funding="fund", fund_id=elsewhere.pk)
    with pytest.raises(SupportError):
        _project(world, actor="district", funding="state_budget", fund_id=fund.pk)


def test_a_teacher_sent_and_a_training_are_recorded(world):
    placement = services.record_teacher_placement(
        actor=world.users["district"], school=world.schools["ward1"], teacher_name="Lê Văn A",
        from_school=world.schools["ward2"], starts_on=DAY, ends_on=dt.date(2026, 5, 31),
    )  # fmt: skip
    assert placement.sent_by == world.schools["ward2"].name
    training = services.record_training(
        actor=world.users["ward01"], school=world.schools["ward1"], held_on=DAY,
        topic="Dạy học tích cực", hours=Decimal("7.5"), teachers=12,
    )  # fmt: skip
    assert training.teachers == 12
    with pytest.raises(SupportError):
        services.record_teacher_placement(
            actor=world.users["district"], school=world.schools["ward1"], teacher_name="X",
            starts_on=DAY,
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        services.record_training(
            actor=world.users["school01"], school=world.schools["ward1"], held_on=DAY,
            topic="x", hours=Decimal(1), teachers=1,
        )  # fmt: skip


def test_a_school_cannot_pair_with_itself(world):
    school = world.schools["ward1"]
    with pytest.raises(InvalidPairing):
        services.pair_schools(
            actor=world.users["district"], helper=school, school=school, kind="county_town",
            starts_on=DAY,
        )  # fmt: skip


def test_the_kind_of_pairing_matches_the_levels_of_the_schools_units(world):
    county_school = SchoolFactory(unit=world.units["d12"])
    village = UnitFactory(code="2673401", level="village", parent=world.units["ward1"])
    village_school = SchoolFactory(unit=village)
    district = world.users["district"]
    ward_school = world.schools["ward1"]
    # the data tells: a district's school is a county school, a village's a village school
    assert services.pair_schools(
        actor=district, helper=county_school, school=ward_school, kind="county_town", starts_on=DAY
    )
    assert services.pair_schools(
        actor=district, helper=ward_school, school=village_school, kind="town_village",
        starts_on=DAY,
    )  # fmt: skip
    for helper, school, kind in [
        (village_school, ward_school, "town_village"),  # a village school helps no one as a town
        (county_school, ward_school, "town_village"),  # a district's school is not a town's
        (ward_school, county_school, "county_town"),  # a district's school is not helped as a town
        (county_school, village_school, "county_town"),  # a village school is not a town's
    ]:
        with pytest.raises(InvalidPairing):
            services.pair_schools(
                actor=district, helper=helper, school=school, kind=kind, starts_on=DAY
            )


def test_pairing_needs_a_role_over_both_schools(world):
    with pytest.raises(NotAllowed):
        services.pair_schools(
            actor=world.users["ward01"], helper=world.schools["ward1"],
            school=world.schools["ward2"], kind="town_village", starts_on=DAY,
        )  # fmt: skip


def test_an_activity_falls_within_its_pairing(world):
    pairing = services.pair_schools(
        actor=world.users["district"], helper=world.schools["ward1"],
        school=world.schools["ward2"], kind="town_village", starts_on=DAY,
        ends_on=dt.date(2026, 6, 30),
    )  # fmt: skip
    activity = services.record_pairing_activity(
        actor=world.users["district"], pairing=pairing, held_on=dt.date(2025, 11, 20),
        kind="classroom_reform", description="Tiết dạy mẫu",
    )  # fmt: skip
    assert activity.pairing == pairing
    with pytest.raises(SupportError):
        services.record_pairing_activity(
            actor=world.users["district"], pairing=pairing, held_on=dt.date(2026, 7, 1),
            kind="management", description="late",
        )  # fmt: skip
