"""The scoping function decides, alone, what each role sees."""

import pytest

from reach.accounts.scoping import restrict, scope_of
from reach.conftest import VISIBLE_HOUSEHOLDS
from reach.geo.models import Unit
from reach.registry.models import Enrolment, Household, Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_restrict_households_matches_each_roles_scope(world, username):
    visible = restrict(Household.objects.all(), world.users[username])
    expected = {world.households[key].code for key in VISIBLE_HOUSEHOLDS[username]}
    assert set(visible.values_list("code", flat=True)) == expected


def test_ward_officer_sees_their_ward_and_nothing_above_it(world):
    units = restrict(Unit.objects.all(), world.users["ward01"])
    assert list(units.values_list("code", flat=True)) == ["26734"]


def test_district_office_sees_district_and_all_its_wards_only(world):
    codes = set(
        restrict(Unit.objects.all(), world.users["district"]).values_list("code", flat=True)
    )
    assert codes == {"761", "26734", "26737"}


def test_school_staff_see_only_their_pupils_not_the_siblings(world):
    persons = restrict(Person.objects.all(), world.users["school01"])
    assert set(persons.values_list("full_name", flat=True)) == {"Pupil ward1", "Pupil commuter"}


def test_school_staff_see_only_enrolments_at_their_school(world):
    enrolments = restrict(Enrolment.objects.all(), world.users["school01"])
    assert {e.school_id for e in enrolments} == {world.schools["ward1"].pk}


def test_path_prefix_does_not_leak_to_a_sibling_with_a_longer_code(world):
    """Unit 7610 is not under 761 even though its path starts with the same characters."""
    from reach.geo.tests.factories import UnitFactory
    from reach.registry.tests.factories import HouseholdFactory

    lookalike = UnitFactory(code="7610", parent=world.units["d12"].parent, level="district")
    HouseholdFactory(code="HH-lookalike", unit=lookalike)
    codes = set(
        restrict(Household.objects.all(), world.users["district"]).values_list("code", flat=True)
    )
    assert "HH-lookalike" not in codes


def test_user_without_membership_sees_nothing(world):
    assert scope_of(world.users["nobody"]).empty
    assert not restrict(Person.objects.all(), world.users["nobody"]).exists()


def test_restrict_refuses_a_model_that_declares_no_scope_and_names_it(world):
    from reach.accounts.models import User

    with pytest.raises(LookupError, match=r"accounts\.User declares no scope"):
        restrict(User.objects.all(), world.users["admin"])
