"""Who may change casework: an editing role over the child's unit or at the child's school, never
a viewer; work groups and campaigns by the offices over their unit. Seeing a case is not enough
to change it."""

import datetime as dt

import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.casework import permissions, services
from reach.casework.models import CaseAction, CaseVisit, DropoutCase
from reach.casework.selectors import get_case_for_user
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory, WorkGroupFactory
from reach.common.errors import NotAllowed
from reach.indicators.tests.factories import household_in, person_aged

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 9, 20)


@pytest.fixture
def editor_of_ward1_viewer_of_district(world):
    """Sees the whole district through a viewer membership; edits in ward 26734 only."""
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, role="viewer", unit=world.units["d12"])
    MembershipFactory(user=user, role="ward_officer", unit=world.units["ward1"])
    return user


@pytest.fixture
def viewer(world):
    return MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user


@pytest.fixture
def cases(world):
    return {
        key: DropoutCaseFactory(person=world.persons[key], opened_on=dt.date(2024, 9, 15))
        for key in ("ward1", "ward2", "commuter", "town")
    }


# Which cases (by the child's key in `world`) each user may change.
EDITABLE_CASES = {
    "admin": {"ward1", "ward2", "commuter", "town"},
    "district": {"ward1", "ward2", "commuter"},
    "ward01": {"ward1"},
    "school01": {"ward1", "commuter"},  # the commuter lives in ward 26737 but attends its school
    "county": {"town"},
    "nobody": set(),
}


@pytest.mark.parametrize("username", sorted(EDITABLE_CASES))
def test_each_role_may_change_the_cases_of_its_own_children_only(world, cases, username):
    user = world.users[username]
    editable = {key for key, case in cases.items() if permissions.can_edit_case(user, case)}
    assert editable == EDITABLE_CASES[username]
    openable = {k for k in cases if permissions.can_open_case_for(user, world.persons[k])}
    assert openable == EDITABLE_CASES[username]


@pytest.mark.parametrize("username", sorted(EDITABLE_CASES))
def test_the_set_of_children_agrees_with_the_predicate(world, cases, username):
    children = permissions.children_whose_cases_user_may_change(world.users[username])
    found = {key for key, person in world.persons.items() if children.filter(pk=person.pk)}
    assert found == EDITABLE_CASES[username]


def test_a_viewer_may_change_no_case_it_sees(world, cases, viewer):
    assert get_case_for_user(viewer, cases["ward1"].pk) is not None
    assert not any(permissions.can_edit_case(viewer, case) for case in cases.values())
    assert not permissions.can_open_cases_from_lists(viewer, world.units["ward1"])
    assert not permissions.children_whose_cases_user_may_change(viewer).exists()


CHANGES = {
    "assign": lambda user, case: services.assign_case(actor=user, case=case, work_group=None),
    "visit": lambda user, case: services.record_visit(
        actor=user, case=case, visited_on=DAY, visitors="Cô Hạnh"
    ),
    "action": lambda user, case: services.record_action(
        actor=user, case=case, kind="literacy_class", taken_on=DAY
    ),
    "close": lambda user, case: services.close_case(
        actor=user, case=case, outcome="still_out", closed_on=DAY
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_seeing_a_case_of_another_ward_does_not_let_an_editor_of_one_ward_change_it(
    world, cases, editor_of_ward1_viewer_of_district, change
):
    user, case = editor_of_ward1_viewer_of_district, cases["ward2"]
    CaseVisitFactory(case=case, visited_on=DAY)
    assert get_case_for_user(user, case.pk) is not None

    with pytest.raises(NotAllowed, match="cannot change this case"):
        CHANGES[change](user, case)

    case.refresh_from_db()
    assert (case.status, case.work_group_id) == ("open", None)
    assert CaseVisit.objects.filter(case=case).count() == 1
    assert not CaseAction.objects.filter(case=case).exists()


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_editor_of_one_ward_changes_that_wards_cases(
    world, cases, editor_of_ward1_viewer_of_district, change
):
    CaseVisitFactory(case=cases["ward1"], visited_on=DAY)
    CHANGES[change](editor_of_ward1_viewer_of_district, cases["ward1"])


def test_reopening_and_linking_a_case_of_another_ward_are_refused(
    world, cases, editor_of_ward1_viewer_of_district
):
    case = cases["ward2"]
    admin = world.users["admin"]
    action = services.record_action(actor=admin, case=case, kind="aid_referral", taken_on=DAY)
    CaseVisitFactory(case=case, visited_on=DAY)
    services.close_case(actor=admin, case=case, outcome="still_out", closed_on=DAY)
    with pytest.raises(NotAllowed):
        services.reopen_case(actor=editor_of_ward1_viewer_of_district, case=case, reason="again")
    with pytest.raises(NotAllowed):
        services.link_action(
            actor=editor_of_ward1_viewer_of_district,
            action=action,
            object_type="funds.scholarshipapplication",
            object_id="3",
        )
    case.refresh_from_db()
    assert case.status == "closed"


def test_opening_a_case_for_a_child_of_another_ward_is_refused(
    world, editor_of_ward1_viewer_of_district
):
    with pytest.raises(NotAllowed, match="cannot open a case"):
        services.open_case(
            actor=editor_of_ward1_viewer_of_district,
            person=world.persons["ward2"],
            school_year=2024,
            kind="dropped_out",
            opened_on=DAY,
        )
    assert not DropoutCase.objects.exists()


def test_opening_from_the_lists_opens_only_the_cases_the_user_may_change(
    world, editor_of_ward1_viewer_of_district
):
    mine = person_aged(8, household=household_in(world.units["ward1"]))
    person_aged(8, household=household_in(world.units["ward2"]))

    counts = services.open_cases_from_lists(
        actor=editor_of_ward1_viewer_of_district, school_year=2024, opened_on=DAY
    )

    assert counts["out_of_school"] == 1
    assert list(DropoutCase.objects.values_list("person", flat=True)) == [mine.pk]


def test_a_viewer_cannot_open_cases_from_the_lists(world, viewer):
    person_aged(8, household=household_in(world.units["ward1"]))
    with pytest.raises(NotAllowed):
        services.open_cases_from_lists(actor=viewer, school_year=2024, opened_on=DAY)
    assert not DropoutCase.objects.exists()


def test_work_groups_are_set_up_by_the_offices_over_their_unit(world):
    ward1, ward2 = world.units["ward1"], world.units["ward2"]
    group = services.create_work_group(actor=world.users["ward01"], unit=ward1, name="Tổ 1")
    with pytest.raises(NotAllowed):
        services.create_work_group(actor=world.users["ward01"], unit=ward2, name="Tổ 2")
    with pytest.raises(NotAllowed):
        services.create_work_group(actor=world.users["school01"], unit=ward1, name="Tổ 3")
    with pytest.raises(NotAllowed):
        services.add_work_group_member(
            actor=world.users["school01"], work_group=group, full_name="A", affiliation="school"
        )
    other = WorkGroupFactory(unit=ward2)
    with pytest.raises(NotAllowed):
        services.add_work_group_member(
            actor=world.users["ward01"], work_group=other, full_name="B", affiliation="ward"
        )
    services.add_work_group_member(
        actor=world.users["district"], work_group=other, full_name="C", affiliation="ward"
    )
    assert other.members.count() == 1 and not group.members.exists()


def test_campaigns_are_run_by_the_offices_over_their_unit(world):
    values = {
        "name": "Sau hè",
        "kind": "after_summer",
        "school_year": 2024,
        "starts_on": dt.date(2024, 9, 1),
        "ends_on": dt.date(2024, 10, 31),
    }
    with pytest.raises(NotAllowed):
        services.create_campaign(actor=world.users["ward01"], unit=world.units["d12"], **values)
    with pytest.raises(NotAllowed):
        services.create_campaign(actor=world.users["school01"], unit=world.units["ward1"], **values)
    campaign = services.create_campaign(
        actor=world.users["district"], unit=world.units["d12"], **values
    )
    with pytest.raises(NotAllowed):
        services.set_campaign_target(
            actor=world.users["ward01"],
            campaign=campaign,
            unit=world.units["ward1"],
            target_returns=3,
        )
    assert not campaign.targets.exists()
