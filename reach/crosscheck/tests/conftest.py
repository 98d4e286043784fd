"""A hand-built ward with a planted school register: each child stands for one case of the
comparison, and the expected lists are written next to them."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.crosscheck.tests.factories import register_file
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

MONTH = dt.date(2024, 10, 1)  # school year 2024; ages on 2024-09-01, school age 6 to 15


def born(age: int) -> dt.date:
    """A birth date giving `age` on 1 September 2024."""
    return dt.date(2024 - age, 3, 15)


@dataclass
class Ward:
    ward: object = None
    other_ward: object = None
    school: object = None
    persons: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    register: list = field(default_factory=list)


@pytest.fixture
def ward(db) -> Ward:
    w = Ward()
    district = UnitFactory(code="D1", level="district")
    w.ward = UnitFactory(code="W1", parent=district, name="Ward one")
    w.other_ward = UnitFactory(code="W2", parent=district, name="Ward two")
    w.school = SchoolFactory(code="SCH-W1", unit=w.ward, levels=["primary", "lower_secondary"])
    plain = HouseholdFactory(code="HH-plain", unit=w.ward)
    HouseholdYearStatusFactory(household=plain, year=2024, status="none")
    poor = HouseholdFactory(code="HH-poor", unit=w.ward)
    HouseholdYearStatusFactory(household=poor, year=2024, status="poor")
    away = HouseholdFactory(code="HH-away", unit=w.other_ward)

    def child(key, household, age, *, national_id=None, enrolment=None):
        person = PersonFactory(
            household=household,
            full_name=f"Child {key}",
            birth_date=born(age),
            national_id=national_id,
        )
        if enrolment:
            EnrolmentFactory(person=person, school=w.school, school_year=2024, status=enrolment)
        w.persons[key] = person
        return person

    # On the register and attending: no finding.
    child("ok", plain, 9, national_id="079000000001", enrolment="enrolled")
    # Matched by name and birth date (no ID on either side): no finding.
    child("ok_by_name", plain, 10, enrolment="enrolled")
    # (a) school age, in the registry, on no register.
    child("missing", plain, 8, enrolment="enrolled")
    # Outside school age and on no register: no finding.
    child("young", plain, 4)
    PersonFactory(household=plain, full_name="Adult", birth_date=born(30), relation="head")
    # (b) on the register as enrolled, dropped out in the registry; also a dropout (not poor).
    child(
        "registered_not_attending", plain, 12, national_id="079000000002", enrolment="dropped_out"
    )
    # (b) the other way: attending in the registry, the register says dropped out.
    child("attending_registered_out", plain, 11, national_id="079000000003", enrolment="enrolled")
    # (c) a dropout of a poor household, the register agrees.
    child("poor_dropout", poor, 13, national_id="079000000004", enrolment="dropped_out")
    # Lives in the other ward, attends this ward's school: outside the compared unit.
    child("commuter", away, 9, national_id="079000000005", enrolment="enrolled")

    p = w.persons
    w.register = [
        {
            "national_id": "079000000001",
            "full_name": "Child ok",
            "birth_date": p["ok"].birth_date,
            "school_code": "SCH-W1",
            "grade": 4,
            "status": "enrolled",
        },
        {
            "full_name": "Child ok_by_name",
            "birth_date": p["ok_by_name"].birth_date,
            "school_code": "SCH-W1",
            "grade": 5,
            "status": "đang học",
        },
        {
            "national_id": "079000000002",
            "full_name": "Child registered_not_attending",
            "birth_date": p["registered_not_attending"].birth_date,
            "school_code": "SCH-W1",
            "grade": 7,
            "status": "在读",
        },
        {
            "national_id": "079000000003",
            "full_name": "Child attending_registered_out",
            "birth_date": p["attending_registered_out"].birth_date,
            "school_code": "SCH-W1",
            "grade": 6,
            "status": "bỏ học",
        },
        {
            "national_id": "079000000004",
            "full_name": "Child poor_dropout",
            "birth_date": p["poor_dropout"].birth_date,
            "school_code": "SCH-W1",
            "grade": 8,
            "status": "dropped_out",
        },
        {
            "national_id": "079000000005",
            "full_name": "Child commuter",
            "birth_date": p["commuter"].birth_date,
            "school_code": "SCH-W1",
            "grade": 4,
            "status": "enrolled",
        },
        # A pupil the registry does not know: counted as unmatched, not a finding.
        {
            "national_id": "079000000099",
            "full_name": "Stranger",
            "birth_date": born(9),
            "school_code": "SCH-W1",
            "grade": 4,
            "status": "enrolled",
        },
    ]
    w.users["officer"] = MembershipFactory(
        user=UserFactory(username="officer"), role="ward_officer", unit=w.ward
    ).user
    w.users["other_officer"] = MembershipFactory(
        user=UserFactory(username="other_officer"), role="ward_officer", unit=w.other_ward
    ).user
    w.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=w.ward
    ).user
    w.users["school"] = MembershipFactory(
        user=UserFactory(username="school"), role="school_staff", school=w.school
    ).user
    w.users["admin"] = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return w


@pytest.fixture
def planted(ward: Ward):
    return register_file(ward.register)
