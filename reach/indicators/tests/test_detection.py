"""Out-of-school and dropped-out lists, and each factor of the dropout risk score."""

import datetime as dt

import pytest

from reach.accounts.scoping import scope_of
from reach.crosscheck.tests.factories import CrosscheckRunFactory, FindingFactory
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.indicators.detection import factors_of, scored_enrolments
from reach.indicators.parameters import RISK_FACTORS, RiskWeights
from reach.indicators.selectors import (
    detection_counts_for_user,
    list_at_risk_for_user,
    list_dropped_out_for_user,
    list_out_of_school_for_user,
)
from reach.indicators.tests.factories import SCHOOL_YEAR, enrol, household_in, person_aged
from reach.registry.models import Enrolment

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return set(queryset.values_list("full_name", flat=True))


def test_out_of_school_lists_children_of_compulsory_age_without_an_enrolment(world):
    home = household_in(world.units["ward1"])
    person_aged(5, household=home, full_name="Five, at home")  # below compulsory school age
    person_aged(6, household=home, full_name="Six, at home")
    person_aged(15, household=home, full_name="Fifteen, at home")
    person_aged(16, household=home, full_name="Sixteen, at home")
    last_year = person_aged(9, household=home, full_name="Left after last year")
    enrol(last_year, "primary", school_year=SCHOOL_YEAR - 1, grade=3)
    dropped = person_aged(12, household=home, full_name="Dropped out")
    enrol(dropped, "lower_secondary", status="dropped_out")

    found = list_out_of_school_for_user(world.users["ward01"], school_year=SCHOOL_YEAR)

    assert names(found) == {"Six, at home", "Fifteen, at home", "Left after last year"}
    (left,) = [p for p in found if p.full_name == "Left after last year"]
    assert (left.last_school_year, left.last_level, left.last_grade) == (2023, "primary", 3)


def test_dropped_out_lists_dropouts_not_attending_another_enrolment(world):
    home = household_in(world.units["ward1"])
    dropped = person_aged(12, household=home, full_name="Dropped out")
    enrol(dropped, "lower_secondary", status="dropped_out", attendance_rate=40)
    moved_on = person_aged(16, household=home, full_name="Moved to vocational")
    enrol(moved_on, "upper_secondary", status="dropped_out")
    enrol(moved_on, "vocational_secondary")
    student = person_aged(20, household=home, full_name="Left university")
    enrol(student, "higher_education", status="dropped_out")  # not a dropout level

    found = list_dropped_out_for_user(world.users["ward01"], school_year=SCHOOL_YEAR)

    assert names(found) == {"Dropped out"}
    assert found[0].dropped_attendance == 40


def test_lists_are_scoped_to_the_users_units(world):
    person_aged(8, household=household_in(world.units["ward2"]), full_name="In ward 2")

    assert (
        names(list_out_of_school_for_user(world.users["ward01"], school_year=SCHOOL_YEAR)) == set()
    )
    assert names(list_out_of_school_for_user(world.users["district"], school_year=SCHOOL_YEAR)) == {
        "In ward 2",
        "Sibling at home",  # world's commuter household, aged 9, not enrolled
    }


FACTOR_CASES = {
    "poor_household": lambda pupil, e: _status(pupil, "poor"),
    "low_attendance": lambda pupil, e: _set(e, attendance_rate=84),
    "repeated_grade": lambda pupil, e: enrol(
        pupil, e.level, grade=e.grade, school_year=SCHOOL_YEAR - 1, status="enrolled"
    ),
    "orphan": lambda pupil, e: _set(pupil, orphan=True),
    "disabled": lambda pupil, e: _set(pupil, disabled=True),
    "far_from_school": lambda pupil, e: _set(e, school=SchoolFactory(unit=UnitFactory())),
    "older_sibling_dropped_out": lambda pupil, e: enrol(
        person_aged(15, household=pupil.household),
        "lower_secondary",
        status="dropped_out",
        school_year=SCHOOL_YEAR - 1,
    ),
    "left_behind": lambda pupil, e: _set(pupil, left_behind=True),
    # 70% is below the very-low line (72) and so below the low one (85): both factors.
    "very_low_attendance": lambda pupil, e: _set(e, attendance_rate=70),
    # 88% this year (not low) after 100% in grade 4 last year: a fall of 12 points.
    "recent_absences": lambda pupil, e: (
        _set(e, attendance_rate=88),
        enrol(pupil, "primary", grade=4, school_year=SCHOOL_YEAR - 1, attendance_rate=100),
    ),
    "secondary_level": lambda pupil, e: _set(e, level="lower_secondary", grade=6),
    "leaving_lower_secondary": lambda pupil, e: _set(e, level="lower_secondary", grade=9),
    "upper_secondary_level": lambda pupil, e: _set(e, level="upper_secondary", grade=10),
    "register_mismatch": lambda pupil, e: FindingFactory(
        run=CrosscheckRunFactory(unit=pupil.household.unit, school_year=SCHOOL_YEAR), person=pupil
    ),
}
# The factors a case brings besides its own: very low attendance is also low; every secondary
# level is secondary.
ALSO_PRESENT = {
    "very_low_attendance": {"low_attendance"},
    "leaving_lower_secondary": {"secondary_level"},
    "upper_secondary_level": {"secondary_level"},
}


def _set(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def _status(pupil, status):
    pupil.household.statuses.update(status=status)


def _pupil(world):
    home = household_in(world.units["ward1"], status="none")
    pupil = person_aged(10, household=home, full_name="Pupil")
    enrolment = enrol(pupil, "primary", grade=5, attendance_rate=95, school=world.schools["ward1"])
    return pupil, enrolment


def _scored(enrolment, weights=None):
    return scored_enrolments(
        Enrolment.objects.filter(pk=enrolment.pk), school_year=SCHOOL_YEAR, weights=weights
    ).get()


def test_a_pupil_with_no_factor_scores_zero(world):
    _pupil_, enrolment = _pupil(world)
    scored = _scored(enrolment)
    assert scored.risk_score == 0
    assert factors_of(scored) == []


@pytest.mark.parametrize("factor", RISK_FACTORS)
def test_each_factor_adds_its_weight_and_shows(world, factor):
    pupil, enrolment = _pupil(world)
    FACTOR_CASES[factor](pupil, enrolment)
    weights = RiskWeights(
        threshold=1,
        weights={name: 2**i for i, name in enumerate(RISK_FACTORS)},
        poor_statuses=("poor", "near_poor"),
        low_attendance_below=85,
        very_low_attendance_below=72,
        absences_drop_points=10,
    )

    scored = _scored(enrolment, weights)

    present = {factor} | ALSO_PRESENT.get(factor, set())
    assert scored.risk_score == sum(weights.weights[name] for name in present)
    assert {f["code"] for f in factors_of(scored, weights)} == present


def test_only_the_latest_cross_check_of_a_unit_and_its_differences_make_a_register_mismatch(
    world,
):
    ward = world.units["ward1"]
    weights = RiskWeights(
        threshold=1,
        weights=dict.fromkeys(RISK_FACTORS, 0) | {"register_mismatch": 6},
        poor_statuses=("poor",),
        low_attendance_below=85,
    )
    september = CrosscheckRunFactory(unit=ward, month=dt.date(SCHOOL_YEAR, 9, 1))
    october = CrosscheckRunFactory(unit=ward, month=dt.date(SCHOOL_YEAR, 10, 1))
    last_year = CrosscheckRunFactory(
        unit=ward, month=dt.date(SCHOOL_YEAR - 1, 10, 1), school_year=SCHOOL_YEAR - 1
    )
    staged = CrosscheckRunFactory(unit=ward, month=dt.date(SCHOOL_YEAR, 11, 1), status="staged")
    cases = {  # pupil -> the lists they are on, and whether they get the factor
        "Not in the register in October": ([(october, "not_in_register")], True),
        "Register and attendance disagree in October": ([(october, "not_attending")], True),
        "Only in September, corrected in October": ([(september, "not_in_register")], False),
        "Only last school year": ([(last_year, "not_in_register")], False),
        "Only on a register not compared yet": ([(staged, "not_attending")], False),
        "A dropout in October (not a difference)": ([(october, "dropout")], False),
        "On no list": ([], False),
    }
    for name, (lists, expected) in cases.items():
        pupil = person_aged(10, household=household_in(ward), full_name=name)
        enrolment = enrol(
            pupil, "primary", grade=5, attendance_rate=95, school=world.schools["ward1"]
        )
        for run, kind in lists:
            FindingFactory(run=run, kind=kind, person=pupil)

        scored = _scored(enrolment, weights)

        explained = [(f["code"], f["weight"]) for f in factors_of(scored, weights)]
        assert explained == ([("register_mismatch", 6)] if expected else []), name
        assert scored.risk_score == (6 if expected else 0), name


def test_attendance_at_the_limit_is_not_low(world):
    _pupil_, enrolment = _pupil(world)
    _set(enrolment, attendance_rate=85)
    assert _scored(enrolment).risk_score == 0


def test_at_risk_list_keeps_scores_at_or_above_the_threshold_highest_first(world):
    weights = RiskWeights(
        threshold=30,
        weights=dict.fromkeys(RISK_FACTORS, 0)
        | {"orphan": 30, "disabled": 20, "low_attendance": 15},
        poor_statuses=("poor",),
        low_attendance_below=80,
    )
    home = household_in(world.units["ward1"])
    for name, orphan, disabled, attendance in [
        ("Orphan, disabled", True, True, 90),
        ("Orphan", True, False, 90),
        ("Disabled, absent", False, True, 50),
        ("Disabled", False, True, 90),
    ]:
        pupil = person_aged(9, household=home, full_name=name, orphan=orphan, disabled=disabled)
        enrol(pupil, "primary", grade=4, attendance_rate=attendance, school=world.schools["ward1"])

    found = list_at_risk_for_user(world.users["ward01"], school_year=SCHOOL_YEAR, weights=weights)

    assert [(e.person.full_name, e.risk_score) for e in found] == [
        ("Orphan, disabled", 50),
        ("Disabled, absent", 35),
        ("Orphan", 30),
    ]


def test_dropped_out_and_graduated_pupils_get_no_score(world):
    home = household_in(world.units["ward1"], status="poor")
    for status in ("dropped_out", "graduated"):
        pupil = person_aged(9, household=home, orphan=True, disabled=True)
        enrol(pupil, "primary", grade=4, attendance_rate=10, status=status)

    assert not list_at_risk_for_user(world.users["admin"], school_year=SCHOOL_YEAR).filter(
        person__household=home
    )


def test_detection_counts_match_the_lists(world, django_assert_max_num_queries):
    home = household_in(world.units["ward1"], status="poor")
    person_aged(7, household=home)
    dropped = person_aged(13, household=home, orphan=True)
    enrol(dropped, "lower_secondary", status="dropped_out")
    younger = person_aged(11, household=home, orphan=True)
    enrol(younger, "lower_secondary", grade=6, attendance_rate=60)
    user = world.users["district"]

    scope_of(user)  # read once per request, before the counts
    with django_assert_max_num_queries(3):  # one COUNT per list
        counts = detection_counts_for_user(user, school_year=SCHOOL_YEAR)

    assert counts == {
        "out_of_school": list_out_of_school_for_user(user, school_year=SCHOOL_YEAR).count(),
        "dropped_out": 1,
        "at_risk": list_at_risk_for_user(user, school_year=SCHOOL_YEAR).count(),
    }
    assert counts["out_of_school"] == 2  # the child of 7 and world's sibling at home
    assert counts["at_risk"] == 1  # poor, low attendance, orphan, older sibling dropped out
