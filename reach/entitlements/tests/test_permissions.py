"""Who may run, submit, decide and object: the predicates the services check themselves, for
each user of `world` over a ward run."""

import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.entitlements.models import EntitlementLine, Objection
from reach.entitlements.permissions import (
    can_decide_run,
    can_record_objection,
    can_resolve_objection,
    can_run_over,
    can_submit_run,
)
from reach.entitlements.tests.factories import EntitlementRunFactory

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


def viewer_of(world, unit_key: str):
    return MembershipFactory(
        user=UserFactory(username=f"viewer-{unit_key}"), role="viewer", unit=world.units[unit_key]
    ).user


@pytest.mark.parametrize(
    ("username", "ward1", "d12", "everything"),
    [
        ("admin", True, True, True),
        ("district", True, True, False),
        ("ward01", True, False, False),
        ("school01", False, False, False),
        ("county", False, False, False),
        ("nobody", False, False, False),
    ],
)
def test_who_may_run_over_a_ward_its_district_and_everything(
    world, username, ward1, d12, everything
):
    user = world.users[username]
    assert can_run_over(user, world.units["ward1"]) is ward1
    assert can_run_over(user, world.units["d12"]) is d12
    assert can_run_over(user, None) is everything


def test_a_viewer_may_neither_run_nor_submit_nor_decide(world):
    viewer = viewer_of(world, "d12")
    run = EntitlementRunFactory(unit=world.units["ward1"])
    assert not can_run_over(viewer, world.units["ward1"])
    assert not can_submit_run(viewer, run)
    assert not can_decide_run(viewer, run)


@pytest.mark.parametrize(
    ("username", "submit", "decide"),
    [
        ("admin", True, True),
        ("district", True, True),
        ("ward01", True, False),
        ("school01", True, False),
        ("county", False, False),
        ("nobody", False, False),
    ],
)
def test_who_may_submit_and_decide_a_ward_run(world, username, submit, decide):
    run = EntitlementRunFactory(unit=world.units["ward1"])
    assert can_submit_run(world.users[username], run) is submit
    assert can_decide_run(world.users[username], run) is decide


def test_school_staff_submit_only_runs_over_their_schools_own_unit(world):
    district_run = EntitlementRunFactory(unit=world.units["d12"])
    assert not can_submit_run(world.users["school01"], district_run)


@pytest.mark.parametrize(
    ("username", "record", "resolve"),
    [
        ("district", True, True),
        ("ward01", True, False),
        ("school01", True, False),
        ("county", False, False),
        ("nobody", False, False),
    ],
)
def test_who_may_record_and_resolve_objections_to_a_ward1_pupils_line(
    world, ward_run, username, record, resolve
):
    line = EntitlementLine.objects.filter(run=ward_run, person=world.persons["ward1"]).first()
    objection = Objection(line=line)
    assert can_record_objection(world.users[username], line) is record
    assert can_resolve_objection(world.users[username], objection) is resolve


def test_a_viewer_over_the_ward_may_not_record_an_objection(world, ward_run):
    line = EntitlementLine.objects.filter(run=ward_run).first()
    assert not can_record_objection(viewer_of(world, "ward1"), line)
