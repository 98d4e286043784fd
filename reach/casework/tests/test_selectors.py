"""Who sees which cases, the case board per unit, overdue visits and the return-to-school rate."""

import datetime as dt

import pytest

from reach.accounts.scoping import scope_of
from reach.casework import selectors
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory, WorkGroupFactory
from reach.conftest import VISIBLE_HOUSEHOLDS
from reach.entitlements.services import run_entitlements
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 11, 30)


@pytest.fixture
def cases(world):
    """One case per pupil of `world` (ward 1, ward 2, the commuter, the town)."""
    made = {}
    for key, person in world.persons.items():
        made[key] = DropoutCaseFactory(person=person, opened_on=dt.date(2024, 10, 1))
    return made


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_each_user_sees_the_cases_of_the_children_they_may_see(world, cases, username):
    visible = selectors.cases_for_user(world.users[username])
    households = {key for key, case in cases.items() if case in visible}
    expected = VISIBLE_HOUSEHOLDS[username] & set(cases)
    assert households == expected


def test_a_ward_officer_sees_only_its_wards_cases(world, cases):
    user = world.users["ward01"]
    assert list(selectors.cases_for_user(user)) == [cases["ward1"]]
    assert selectors.get_case_for_user(user, cases["ward2"].pk) is None
    assert selectors.get_case_for_user(user, cases["ward1"].pk) == cases["ward1"]


@pytest.mark.parametrize(
    ("opened", "visited", "status", "overdue"),
    [
        (dt.date(2024, 10, 1), None, "open", True),  # 60 days, never visited
        (dt.date(2024, 11, 10), None, "open", False),  # opened 20 days ago
        (dt.date(2024, 10, 1), dt.date(2024, 10, 30), "in_progress", True),  # 31 days
        (dt.date(2024, 10, 1), dt.date(2024, 10, 31), "in_progress", False),  # exactly 30 days
        (dt.date(2024, 10, 1), dt.date(2024, 10, 2), "closed", False),
    ],
)
def test_a_case_without_a_visit_in_30_days_is_overdue(world, opened, visited, status, overdue):
    extra = (
        {"outcome": "still_out", "closed_on": dt.date(2024, 10, 3)} if status == "closed" else {}
    )
    case = DropoutCaseFactory(
        person=world.persons["ward1"], opened_on=opened, status=status, **extra
    )
    if visited:
        CaseVisitFactory(case=case, visited_on=visited)

    found = selectors.list_overdue_cases_for_user(world.users["ward01"], today=TODAY)

    assert (case in found) is overdue


def test_board_counts_per_ward_and_the_return_rate(world, cases, django_assert_max_num_queries):
    CaseVisitFactory(case=cases["ward1"], visited_on=dt.date(2024, 11, 20))
    cases["ward1"].status, cases["ward1"].outcome = "closed", "returned_to_school"
    cases["ward1"].closed_on = dt.date(2024, 11, 21)
    cases["ward1"].save()
    cases["commuter"].kind = "at_risk"
    cases["commuter"].save()
    user = world.users["district"]
    scope_of(user)

    with django_assert_max_num_queries(2):  # sub-units, then one GROUP BY
        total, rows = selectors.case_board_for_user(
            user, school_year=2024, unit=world.units["d12"], today=TODAY
        )

    ward1, ward2 = (row.board for row in rows)
    assert (ward1.cases, ward1.closed, ward1.returned_to_school, ward1.return_rate) == (
        1,
        1,
        1,
        100.0,
    )
    assert (ward2.cases, ward2.open, ward2.overdue, ward2.returnable) == (2, 2, 2, 1)
    assert ward2.return_rate == 0.0
    assert total.board.cases == 3 and total.board.return_rate == 50.0


def test_work_groups_serving_a_unit_include_those_above_it(world):
    ward, district = (
        WorkGroupFactory(unit=world.units["ward1"]),
        WorkGroupFactory(unit=world.units["d12"]),
    )
    WorkGroupFactory(unit=world.units["ward2"])
    assert set(selectors.work_groups_serving(world.units["ward1"])) == {ward, district}


def test_entitlements_of_a_case_are_those_of_the_child_in_its_school_year(world, cases):
    load_policies_dir(path=default_policies_dir())
    run_entitlements(policy_codes=["vn-poverty-education"], school_year=2024, unit=None)
    case = cases["ward1"]

    lines = selectors.list_entitlements_for_case(world.users["ward01"], case)

    assert lines.exists()
    assert {line.person_id for line in lines} == {case.person_id}
    assert {line.school_year for line in lines} == {2024}
    assert not selectors.list_entitlements_for_case(world.users["county"], case).exists()
    case.school_year = 2023
    assert not selectors.list_entitlements_for_case(world.users["ward01"], case).exists()
