"""Streaming after grade 9: each finisher's next step read from next year's enrolments, a
recorded outcome for those with none, unknowns opened as cases once, and scoping."""

import datetime as dt

import pytest

from reach.accounts.models import AuditEvent
from reach.casework.models import DropoutCase
from reach.common.errors import Conflict, NotAllowed
from reach.intake import selectors, services
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


def _finisher(world, key, name, next_level=None, status="enrolled"):
    person = PersonFactory(
        household=world.households[key], full_name=name, birth_date=dt.date(2009, 3, 1)
    )
    EnrolmentFactory(
        person=person, school=world.schools[key], level="lower_secondary", grade=9, status=status
    )
    if next_level:
        EnrolmentFactory(
            person=person, school=world.schools[key], school_year=YEAR + 1, level=next_level,
            grade=10 if next_level == "upper_secondary" else None,
        )  # fmt: skip
    return person


@pytest.fixture
def finishers(world):
    return {
        "grade_10": _finisher(world, "ward1", "To grade 10", "upper_secondary", "graduated"),
        "vocational": _finisher(world, "ward1", "To vocational", "vocational_secondary"),
        "continuing": _finisher(world, "ward1", "To GDTX", "continuing_education"),
        "repeater": _finisher(world, "ward1", "Repeats grade 9", "lower_secondary"),
        "worker": _finisher(world, "ward1", "Went to work"),
        "unknown": _finisher(world, "ward1", "Not heard of"),
        "other_ward": _finisher(world, "ward2", "Unknown in ward 2"),
    }


def test_next_step_of_each_finisher(world, finishers):
    services.record_next_step(
        actor=world.users["ward01"], person=finishers["worker"], school_year=YEAR, outcome="work"
    )
    rows = selectors.list_finishers_for_user(world.users["district"], unit=None, school_year=YEAR)
    steps = {p.full_name: p.next_step for p in rows}
    assert steps == {
        "To grade 10": "grade_10",
        "To vocational": "vocational",
        "To GDTX": "continuing",
        "Went to work": "work",
        "Not heard of": "unknown",
        "Unknown in ward 2": "unknown",
    }
    counts = selectors.streaming_counts_for_user(
        world.users["district"], unit=None, school_year=YEAR
    )
    assert counts == {"grade_10": 1, "vocational": 1, "continuing": 1, "work": 1, "unknown": 2}
    own = selectors.list_finishers_for_user(world.users["ward01"], unit=None, school_year=YEAR)
    assert "Unknown in ward 2" not in {p.full_name for p in own}


def test_a_next_step_the_registry_shows_is_not_overwritten(world, finishers):
    with pytest.raises(Conflict):
        services.record_next_step(
            actor=world.users["ward01"],
            person=finishers["grade_10"],
            school_year=YEAR,
            outcome="work",
        )


def test_recording_is_refused_outside_the_role(world, finishers):
    with pytest.raises(NotAllowed):
        services.record_next_step(
            actor=world.users["ward01"],
            person=finishers["other_ward"],
            school_year=YEAR,
            outcome="work",
        )


def test_unknowns_open_cases_once(world, finishers):
    officer = world.users["district"]
    services.record_next_step(
        actor=officer, person=finishers["worker"], school_year=YEAR, outcome="work"
    )
    opened = services.open_cases_for_unknown_next_steps(actor=officer, school_year=YEAR)
    cases = DropoutCase.objects.filter(school_year=YEAR + 1)
    assert opened == 2
    assert {c.person.full_name for c in cases} == {"Not heard of", "Unknown in ward 2"}
    assert {c.kind for c in cases} == {"out_of_school"}
    assert AuditEvent.objects.filter(object_type="casework.dropoutcase").count() == 2
    assert services.open_cases_for_unknown_next_steps(actor=officer, school_year=YEAR) == 0
    assert cases.count() == 2


def test_a_ward_officer_opens_cases_of_their_ward_only(world, finishers):
    opened = services.open_cases_for_unknown_next_steps(
        actor=world.users["ward01"], school_year=YEAR
    )
    assert opened == 2  # "Went to work" is unknown until recorded; ward 2's is not theirs
    with pytest.raises(NotAllowed):
        services.open_cases_for_unknown_next_steps(actor=world.users["nobody"], school_year=YEAR)
