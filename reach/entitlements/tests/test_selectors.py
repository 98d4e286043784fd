"""Lines are personal data: a user sees the lines of the persons they may see."""

import pytest

from reach.conftest import VISIBLE_HOUSEHOLDS
from reach.entitlements.selectors import list_lines_for_user
from reach.entitlements.services import run_entitlements
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
GUIDING = ["cn-national-student-aid", "cn-guiding-2015"]  # the county stacks on the nation


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_list_lines_for_user_shows_the_lines_of_visible_persons(world, username):
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(
        policy_codes=[*GUIDING, "vn-poverty-education"], school_year=2024, unit=None
    )
    assert {line.person.household.code for line in run.lines.all()} == {
        "HH-ward1",
        "HH-ward2",
        "HH-town",
    }  # the near-poor commuter in a public primary school pays no tuition anyway

    lines = list_lines_for_user(world.users[username], run)

    visible = {f"HH-{key}" for key in VISIBLE_HOUSEHOLDS[username]}
    assert {line.person.household.code for line in lines} == visible & {
        "HH-ward1",
        "HH-ward2",
        "HH-town",
    }
