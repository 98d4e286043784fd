"""Fixtures shared by the apps' tests: a small two-country world with one user per role."""

import io
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)


@dataclass
class World:
    units: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    persons: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


@pytest.fixture
def world(db) -> World:
    """VN > 79 > 761 > wards 26734 and 26737; CN > 520000000000 > 522723000000 > a town.
    One household per ward/town, each with a pupil at that ward's school; one more household
    in ward 26737 whose child attends the school of ward 26734."""
    w = World()
    vn = UnitFactory(code="VN", level="country")
    hcmc = UnitFactory(code="79", level="province", parent=vn)
    d12 = UnitFactory(code="761", level="district", parent=hcmc)
    w.units.update(
        d12=d12,
        ward1=UnitFactory(code="26734", parent=d12, name="Thạnh Xuân"),
        ward2=UnitFactory(code="26737", parent=d12, name="Thạnh Lộc"),
    )
    cn = UnitFactory(code="CN", level="country")
    gz = UnitFactory(code="520000000000", level="province", parent=cn)
    county = UnitFactory(code="522723000000", level="district", parent=gz)
    w.units.update(county=county, town=UnitFactory(code="522723100000", parent=county))
    for key in ("ward1", "ward2", "town"):
        w.schools[key] = SchoolFactory(code=f"SCH-{key}", unit=w.units[key])
    for key in ("ward1", "ward2", "town"):
        household = HouseholdFactory(code=f"HH-{key}", unit=w.units[key], head_name=f"Head {key}")
        HouseholdYearStatusFactory(household=household, year=2024, status="poor")
        pupil = PersonFactory(household=household, full_name=f"Pupil {key}")
        EnrolmentFactory(person=pupil, school=w.schools[key])
        w.households[key] = household
        w.persons[key] = pupil
    commuter_home = HouseholdFactory(code="HH-commuter", unit=w.units["ward2"])
    HouseholdYearStatusFactory(household=commuter_home, year=2024, status="near_poor")
    commuter = PersonFactory(household=commuter_home, full_name="Pupil commuter")
    PersonFactory(household=commuter_home, full_name="Sibling at home", relation="child")
    EnrolmentFactory(person=commuter, school=w.schools["ward1"])
    w.households["commuter"] = commuter_home
    w.persons["commuter"] = commuter

    w.users["admin"] = UserFactory(username="admin", is_superuser=True, is_staff=True)
    for username, role, scope in [
        ("district", "office", {"unit": d12}),
        ("ward01", "ward_officer", {"unit": w.units["ward1"]}),
        ("school01", "school_staff", {"school": w.schools["ward1"]}),
        ("county", "office", {"unit": county}),
    ]:
        w.users[username] = MembershipFactory(
            user=UserFactory(username=username), role=role, **scope
        ).user
    w.users["nobody"] = UserFactory(username="nobody")
    return w


# Which households each demo role may see in `world`.
VISIBLE_HOUSEHOLDS = {
    "admin": {"ward1", "ward2", "town", "commuter"},
    "district": {"ward1", "ward2", "commuter"},
    "ward01": {"ward1"},
    "school01": {"ward1", "commuter"},
    "county": {"town"},
    "nobody": set(),
}


@pytest.fixture
def work_off_the_queue(monkeypatch):
    """What `reach db_worker --batch` does: take every waiting job, then stop. Inside a test's
    transaction the worker must keep the connection, which it would otherwise close (it sees a
    connection not in autocommit as unusable)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def work() -> None:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )

    return work
