"""The one role helper: a role is held over a unit and everything under it, or at a school."""

import pytest

from reach.accounts.choices import Role
from reach.accounts.permissions import (
    holds_role,
    may_see_unmasked,
    require,
    roles_at_school,
    roles_over,
)
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed

pytestmark = pytest.mark.django_db

EDIT = {Role.OFFICE, Role.WARD_OFFICER}


def test_an_office_holds_its_role_over_its_district_and_every_ward_under_it(world):
    district = world.users["district"]
    for unit in ("d12", "ward1", "ward2"):
        assert roles_over(district, world.units[unit].path) == {"office"}


def test_a_ward_officer_holds_no_role_over_the_district_above_nor_the_ward_beside(world):
    ward01 = world.users["ward01"]
    assert roles_over(ward01, world.units["ward1"].path) == {"ward_officer"}
    assert roles_over(ward01, world.units["d12"].path) == set()
    assert roles_over(ward01, world.units["ward2"].path) == set()


def test_a_unit_path_that_merely_begins_like_another_is_not_under_it(world):
    ward01 = world.users["ward01"]
    assert roles_over(ward01, world.units["ward1"].path + "9") == set()


def test_only_administrators_hold_a_role_over_everything(world):
    assert roles_over(world.users["admin"], None) == {"system_admin"}
    assert roles_over(world.users["district"], None) == set()
    assert holds_role(world.users["admin"], EDIT, over=world.units["town"].path)


def test_school_staff_hold_their_role_at_their_school_only(world):
    staff = world.users["school01"]
    assert roles_at_school(staff, world.schools["ward1"].pk) == {"school_staff"}
    assert roles_at_school(staff, world.schools["ward2"].pk) == set()
    assert roles_over(staff, world.units["ward1"].path) == set()
    assert holds_role(staff, {Role.SCHOOL_STAFF}, school_in=world.units["ward1"].path)
    assert not holds_role(staff, {Role.SCHOOL_STAFF}, school_in=world.units["ward2"].path)


def test_a_role_counts_only_where_it_is_held(world):
    """A viewer of the district who edits in ward 1 holds no editing role over ward 2."""
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, role=Role.VIEWER, unit=world.units["d12"])
    MembershipFactory(user=user, role=Role.WARD_OFFICER, unit=world.units["ward1"])
    assert holds_role(user, EDIT, over=world.units["ward1"].path)
    assert not holds_role(user, EDIT, over=world.units["ward2"].path)
    assert roles_over(user, world.units["ward2"].path) == {"viewer"}


def test_users_without_membership_and_anonymous_users_hold_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for user in (world.users["nobody"], AnonymousUser(), None):
        assert not holds_role(user, EDIT, over=world.units["ward1"].path)


def test_the_memberships_are_read_once_per_user_object(world, django_assert_num_queries):
    district = world.users["district"]
    roles_over(district, world.units["ward1"].path)
    with django_assert_num_queries(0):
        roles_over(district, world.units["ward2"].path)


def test_require_raises_not_allowed_with_the_message():
    require(True, "never raised")
    with pytest.raises(NotAllowed, match="you may not"):
        require(False, "you may not")


def test_a_user_may_revoke_their_own_token_and_an_administrator_anyones(world):
    from reach.accounts.permissions import can_revoke_any_api_token, can_revoke_api_token
    from reach.accounts.services import issue_api_token

    token = issue_api_token(user=world.users["ward01"]).token
    assert can_revoke_api_token(world.users["ward01"], token)
    assert can_revoke_api_token(world.users["admin"], token)
    assert not can_revoke_api_token(world.users["district"], token)
    assert not can_revoke_api_token(None, token)
    assert can_revoke_any_api_token(world.users["admin"])
    assert not can_revoke_any_api_token(world.users["district"])


@pytest.mark.parametrize(
    ("username", "unit", "unmasked"),
    [
        ("admin", None, True),
        ("district", None, True),
        ("district", "ward2", True),
        ("ward01", None, True),
        ("ward01", "ward1", True),
        ("ward01", "d12", True),  # the district's list shows this officer only their ward
        ("county", "town", True),
        ("school01", None, False),
        ("school01", "ward1", False),
        ("nobody", None, False),
    ],
)
def test_only_offices_ward_officers_and_administrators_see_the_full_record(
    world, username, unit, unmasked
):
    place = world.units[unit] if unit else None
    assert may_see_unmasked(world.users[username], place) is unmasked


def test_a_viewer_sees_the_full_record_nowhere(world):
    viewer = MembershipFactory(role=Role.VIEWER, unit=world.units["d12"]).user
    assert not may_see_unmasked(viewer)
    assert not may_see_unmasked(viewer, world.units["ward1"])


def test_a_viewer_membership_in_the_area_masks_an_offices_export_there(world):
    district = world.users["district"]
    MembershipFactory(user=district, role=Role.VIEWER, unit=world.units["ward2"])
    district = type(district).objects.get(pk=district.pk)  # the memberships read afresh
    assert not may_see_unmasked(district, world.units["d12"])
    assert not may_see_unmasked(district, world.units["ward2"])
    assert may_see_unmasked(district, world.units["ward1"])
    assert not may_see_unmasked(district)


def test_a_school_membership_elsewhere_does_not_mask_an_offices_export_of_its_ward(world):
    ward01 = world.users["ward01"]
    MembershipFactory(user=ward01, role=Role.SCHOOL_STAFF, school=world.schools["town"])
    ward01 = type(ward01).objects.get(pk=ward01.pk)
    assert may_see_unmasked(ward01, world.units["ward1"])
    assert not may_see_unmasked(ward01)
