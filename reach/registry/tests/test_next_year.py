"""Advancing generated households by one school year: determinism, idempotence, consistent
grades and levels, and dropouts planted from the recorded and hidden causes."""

import datetime as dt

import pytest

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.geo.models import Unit
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.registry.generate import age_on, generate_households, generate_next_school_year
from reach.registry.generate.next_year import (
    LAST_GRADE,
    _Pupil,
    dropout_probability,
    family_circumstance,
)
from reach.registry.models import Enrolment, HouseholdYearStatus, Person

pytestmark = pytest.mark.django_db
DISTRICT_12, GUIDING = "761", "522723000000"


@pytest.fixture
def demo(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")


def advanced(code: str, households: int = 300, seed: int = 3) -> Unit:
    unit = Unit.objects.get(code=code)
    generate_households(unit=unit, households=households, seed=seed, year=2023)
    generate_next_school_year(unit=unit, seed=seed, year=2023)
    return unit


def rows_2024() -> list[tuple]:
    return sorted(
        Enrolment.objects.filter(school_year=2024).values_list(
            "person__household__code", "person__full_name", "level", "grade", "status",
            "attendance_rate", "school__code", "boarding",
        ),
        key=str,
    )  # fmt: skip


@pytest.mark.parametrize("code", [DISTRICT_12, GUIDING])
def test_next_year_is_deterministic_and_a_rerun_creates_nothing(demo, code):
    unit = advanced(code)
    first = rows_2024()
    statuses = sorted(
        HouseholdYearStatus.objects.filter(year=2024).values_list("household__code", "status")
    )

    again = generate_next_school_year(unit=unit, seed=3, year=2023)
    assert again.households == again.enrolments == again.planted_dropouts == 0

    Enrolment.objects.filter(school_year=2024).delete()
    HouseholdYearStatus.objects.filter(year=2024).delete()
    generate_next_school_year(unit=unit, seed=3, year=2023)
    assert rows_2024() == first
    assert (
        sorted(
            HouseholdYearStatus.objects.filter(year=2024).values_list("household__code", "status")
        )
        == statuses
    )


def test_every_household_gets_a_status_for_the_next_year(demo):
    advanced(DISTRICT_12)
    assert HouseholdYearStatus.objects.filter(year=2024).count() == 300
    assert (
        not HouseholdYearStatus.objects.filter(year=2024, status="none")
        .exclude(decision="")
        .exists()
    )
    poor = HouseholdYearStatus.objects.filter(year=2024).exclude(status="none").first()
    assert poor.decision.endswith("/12/2023")


def test_pupils_move_up_or_repeat_and_change_level_at_its_end(demo):
    advanced(DISTRICT_12, households=600)
    before = {
        e["person_id"]: e
        for e in Enrolment.objects.filter(school_year=2023, status="enrolled").values(
            "person_id", "level", "grade"
        )
    }
    moved = repeated = 0
    for e in Enrolment.objects.filter(school_year=2024).values(
        "person_id", "level", "grade", "status"
    ):
        last = before.get(e["person_id"])
        if last is None or last["grade"] is None or e["grade"] is None:
            continue
        if last["level"] == "primary" and last["grade"] == 5:
            assert (e["level"], e["grade"]) == ("lower_secondary", 6)
        elif last["level"] == "lower_secondary" and last["grade"] == 9:
            assert (e["level"], e["grade"]) in {
                ("upper_secondary", 10),
                ("vocational_secondary", 1),
            }
        else:
            assert e["level"] == last["level"]
            assert e["grade"] in {last["grade"], last["grade"] + 1}
        moved += e["grade"] != last["grade"]
        repeated += e["grade"] == last["grade"] and e["level"] == last["level"]
    assert moved > 100 and 0 < repeated < moved / 10


def test_children_reaching_school_age_enter_preschool_and_primary(demo):
    advanced(DISTRICT_12, households=600)
    day = dt.date(2024, 9, 1)
    six = [
        p for p in Person.objects.values("id", "birth_date") if age_on(p["birth_date"], day) == 6
    ]
    in_primary = Enrolment.objects.filter(
        school_year=2024, level="primary", grade=1, person_id__in=[p["id"] for p in six]
    ).count()
    assert in_primary > 0.85 * len(six)


def test_planted_dropouts_are_the_enrolled_pupils_not_attending_next_year(demo):
    unit = Unit.objects.get(code=DISTRICT_12)
    generate_households(unit=unit, households=2000, seed=5, year=2023)
    result = generate_next_school_year(unit=unit, seed=5, year=2023)

    eligible = set()
    for e in Enrolment.objects.filter(school_year=2023, status="enrolled").values(
        "person_id", "level", "grade"
    ):
        last = LAST_GRADE.get(e["level"])
        if last and e["grade"] and (e["grade"] < last or e["level"] == "lower_secondary"):
            eligible.add(e["person_id"])
    attending = set(
        Enrolment.objects.filter(school_year=2024, status="enrolled").values_list(
            "person_id", flat=True
        )
    )
    assert len(eligible - attending) == result.planted_dropouts
    assert 0.005 < result.planted_dropouts / len(eligible) < 0.06


def test_completed_education_rises_for_pupils_finishing_a_level(demo):
    advanced(DISTRICT_12, households=600)
    finished_primary = Enrolment.objects.filter(
        school_year=2023, level="primary", grade=5, status="enrolled"
    ).values_list("person_id", flat=True)
    assert set(
        Person.objects.filter(pk__in=finished_primary).values_list("education_completed", flat=True)
    ) <= {"primary", "lower_secondary"}


def test_next_year_records_one_audit_event(demo):
    advanced(GUIDING, households=40)
    event = AuditEvent.objects.filter(reason="reach generate (next school year)").get()
    assert event.after["generated_next_school_year"]["households"] == 40


def _pupil(**person) -> _Pupil:
    facts = {"orphan": False, "disabled": False, **person}
    enrolment = {"level": "primary", "grade": 3, "attendance_rate": 95, "boarding": False}
    return _Pupil(facts, 9, enrolment, repeated=False, older_sibling_dropped_out=False)


@pytest.mark.parametrize(
    "change",
    [
        {"status": "poor"},
        {"far": True},
        {"family": 1.0},
        {"pupil": _pupil(orphan=True)},
        {"pupil": _pupil(disabled=True)},
    ],
)
def test_each_cause_raises_the_hidden_chance_of_dropping_out(change):
    base = {"pupil": _pupil(), "status": "none", "far": False, "family": 0.0, "china": False}
    assert dropout_probability(**(base | change)) > dropout_probability(**base)


def test_family_circumstance_is_the_same_every_year():
    assert family_circumstance("26734-12-000001") == family_circumstance("26734-12-000001")
    assert family_circumstance("26734-12-000001") != family_circumstance("26734-12-000002")


def test_a_ward_formed_by_a_merger_keeps_its_old_wards_schools_near_home(demo):
    from reach.geo.models import School
    from reach.geo.services import load_reorganisation
    from reach.registry.generate.builder import HouseholdBuilder

    load_reorganisation(
        actor=command_line_actor(), path=DATA_DIR / "reorganisation-2025-district12.csv"
    )
    thoi_an = Unit.objects.get(code="D12-TA")  # Thạnh Xuân (26734) and Thới An (26743)
    (commune,) = HouseholdBuilder(unit=thoi_an, seed=1, year=2025).communes
    old = School.objects.filter(unit__code__in=["26734", "26743"])
    assert commune.near_unit_ids == {thoi_an.pk, *old.values_list("unit_id", flat=True)}
    own = {school.code for schools in commune.schools.values() for school in schools}
    assert own == set(old.values_list("code", flat=True)) and own
