"""A unit or school named by a request is found only inside the user's scope."""

import pytest

from reach.common.errors import OutOfScope
from reach.geo.selectors import school_for_user_or_404, unit_for_user_or_404

pytestmark = pytest.mark.django_db


def test_no_unit_named_means_no_unit(world):
    assert unit_for_user_or_404(world.users["ward01"], "") is None


def test_a_unit_inside_the_users_scope_is_found(world):
    assert unit_for_user_or_404(world.users["district"], "26737") == world.units["ward2"]


def test_a_unit_outside_the_users_scope_is_not_found_as_if_it_did_not_exist(world):
    with pytest.raises(OutOfScope):
        unit_for_user_or_404(world.users["ward01"], "26737")
    with pytest.raises(OutOfScope):
        unit_for_user_or_404(world.users["ward01"], "no-such-code")


def test_a_school_is_found_by_code_or_id_inside_scope_only(world):
    school = world.schools["ward1"]
    assert school_for_user_or_404(world.users["school01"], school.code) == school
    assert school_for_user_or_404(world.users["school01"], school.pk) == school
    with pytest.raises(OutOfScope):
        school_for_user_or_404(world.users["county"], school.code)
