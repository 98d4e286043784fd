"""Every branch of both indicator definitions on hand-built persons (school year 2024, ages on
1 September 2024), and a property test against a plain-Python reading of the definitions."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.indicators.deprivation import Indicator, Measure, conditions
from reach.indicators.parameters import indicator_parameters, parse_parameters
from reach.indicators.tests.factories import SCHOOL_YEAR, born_aged, enrol, person_aged
from reach.registry.generate import age_on
from reach.registry.models import Person
from reach.registry.tests.factories import (
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def flags(person, school_year: int = SCHOOL_YEAR, params=None) -> dict[str, bool]:
    cond = conditions(school_year, params)
    row = Person.objects.filter(pk=person.pk)
    return {
        "child": row.filter(cond.child_population).exists(),
        "child_deprived": row.filter(cond.child_deprived).exists(),
        "adult": row.filter(cond.adult_population).exists(),
        "adult_deprived": row.filter(cond.adult_deprived).exists(),
    }


CHILD_CASES = [
    # (age, days younger, enrolment level or None, enrolment status, deprived?)
    (3, 0, None, "", True),  # turned 3 on the reference day: counted, not attending
    (3, 0, "preschool", "enrolled", False),
    (4, 0, "primary", "enrolled", True),  # enrolled at the wrong level
    (5, 0, "preschool", "graduated", False),  # finished the year: attended
    (6, 0, "preschool", "enrolled", True),  # should be in primary
    (6, 0, "primary", "enrolled", False),
    (10, 0, "primary", "enrolled", False),
    (10, 0, "primary", "dropped_out", True),
    (11, 0, "primary", "enrolled", True),  # behind: primary at 11
    (11, 0, "lower_secondary", "enrolled", False),
    (12, 0, "lower_secondary", "transferred", False),
    (14, 0, "upper_secondary", "enrolled", True),  # ahead: not the level for 14
    (15, 0, "lower_secondary", "enrolled", False),  # 15: lower or upper secondary
    (15, 0, "upper_secondary", "enrolled", False),
    (15, 0, "vocational_secondary", "enrolled", True),
    (15, 0, None, "", True),
    (16, 0, None, "", False),  # turned 16 on the reference day: not a child any more
    (16, 1, None, "", True),  # turns 16 the day after: still 15, a child
]


@pytest.mark.parametrize(("age", "days", "level", "status", "deprived"), CHILD_CASES)
def test_child_school_attendance_by_age_level_and_status(age, days, level, status, deprived):
    child = person_aged(age, days_younger=days)
    if level:
        enrol(child, level, status=status)

    result = flags(child)

    assert result["child"] == (age_on(child.birth_date, dt.date(2024, 9, 1)) in range(3, 16))
    assert result["child_deprived"] is deprived


def test_child_aged_2_on_the_reference_day_is_not_counted():
    toddler = person_aged(3, days_younger=1)  # turns 3 on 2 September 2024
    assert flags(toddler) == dict.fromkeys(
        ["child", "child_deprived", "adult", "adult_deprived"], False
    )


def test_child_enrolled_only_the_year_before_is_deprived_this_year():
    child = person_aged(8)
    enrol(child, "primary", school_year=SCHOOL_YEAR - 1)

    assert flags(child)["child_deprived"] is True
    assert flags(child, SCHOOL_YEAR - 1)["child_deprived"] is False  # 7 then, in primary


ADULT_CASES = [
    # (age, completed, vocational certificate, enrolment level or None, status, deprived?)
    (16, "primary", False, None, "", True),
    (16, "lower_secondary", False, None, "", False),
    (16, "primary", False, "upper_secondary", "enrolled", False),  # in training
    (16, "primary", False, "lower_secondary", "enrolled", False),  # behind, but in training
    (17, "primary", False, "upper_secondary", "dropped_out", True),  # no longer in training
    (18, "primary", True, None, "", True),  # a certificate is not a diploma at 16-18
    (18, "vocational", False, None, "", False),
    (19, "lower_secondary", False, None, "", True),  # 19-30 need upper secondary
    (19, "upper_secondary", False, None, "", False),
    (19, "lower_secondary", True, None, "", False),  # or a vocational certificate
    (22, "vocational", False, None, "", False),
    (25, "higher", False, None, "", False),
    (25, "lower_secondary", False, "higher_education", "enrolled", False),
    (25, "lower_secondary", False, "continuing_education", "enrolled", False),
    (30, "primary", False, None, "", True),
    (30, "none", False, None, "", True),
]


@pytest.mark.parametrize(
    ("age", "completed", "certificate", "level", "status", "deprived"), ADULT_CASES
)
def test_adult_education_level_by_age_diploma_and_training(
    age, completed, certificate, level, status, deprived
):
    adult = person_aged(age, education_completed=completed, vocational_certificate=certificate)
    if level:
        enrol(adult, level, status=status)

    result = flags(adult)

    assert result["adult"] is True
    assert result["child"] is False
    assert result["adult_deprived"] is deprived


@pytest.mark.parametrize(
    ("age", "days", "adult"),
    [(16, 0, True), (16, 1, False), (30, 0, True), (31, 0, False), (31, 1, True)],
)
def test_adult_age_boundaries_16_and_30(age, days, adult):
    person = person_aged(age, days_younger=days, education_completed="none")
    assert flags(person)["adult"] is adult
    assert flags(person)["adult_deprived"] is adult


def test_reference_day_31_december_counts_ages_by_year_of_birth():
    data = {**_raw_parameters(), "age_reference": {"month": 12, "day": 31}}
    params = parse_parameters(data)
    born_in_october_2021 = PersonFactory(birth_date=dt.date(2021, 10, 1))

    assert flags(born_in_october_2021)["child"] is False  # 2 on 1 September 2024
    assert flags(born_in_october_2021, params=params)["child"] is True  # 3 on 31 December


def test_age_bands_and_diplomas_are_read_from_the_parameters():
    data = _raw_parameters()
    data["adult_education_level"]["required_by_age"] = [
        {"ages": [16, 30], "completed": ["higher"], "vocational_certificate": False}
    ]
    params = parse_parameters(data)
    graduate = person_aged(20, education_completed="upper_secondary")

    assert flags(graduate)["adult_deprived"] is False
    assert flags(graduate, params=params)["adult_deprived"] is True


def test_right_age_counts_children_of_poor_and_near_poor_households_only():
    poor, near_poor, escaped = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    for household, status in [(poor, "poor"), (near_poor, "near_poor"), (escaped, "escaped_poor")]:
        HouseholdYearStatusFactory(household=household, year=SCHOOL_YEAR, status=status)
    HouseholdYearStatusFactory(household=escaped, year=SCHOOL_YEAR - 1, status="poor")
    at_school = person_aged(7, household=poor)
    enrol(at_school, "primary")
    out = person_aged(9, household=near_poor)
    person_aged(8, household=escaped)  # out of school, but not poor or near-poor this year
    cond = conditions(SCHOOL_YEAR)

    def ids(measure):
        return set(
            Person.objects.filter(cond.person_q(Indicator.RIGHT_AGE, measure)).values_list(
                "pk", flat=True
            )
        )

    assert ids(Measure.POPULATION) == {at_school.pk, out.pk}
    assert ids(Measure.ATTENDING) == {at_school.pk}
    assert ids(Measure.DEPRIVED) == {out.pk}


def _raw_parameters() -> dict:
    import yaml

    from reach.indicators.parameters import DATA_DIR

    return yaml.safe_load((DATA_DIR / "parameters.yaml").read_text(encoding="utf-8"))


def expected(person: dict, enrolments: list[dict], params) -> tuple[bool, bool]:
    """The two definitions read literally, in Python, for one person of school year 2024."""
    age = age_on(person["birth_date"], params.reference_date(SCHOOL_YEAR))
    this_year = [e for e in enrolments if e["school_year"] == SCHOOL_YEAR]
    child = params.child
    child_deprived = False
    if age in child.ages:
        (levels,) = [p.levels for p in child.levels_by_age if age in p.ages]
        child_deprived = not any(
            e["level"] in levels and e["status"] in child.attending_statuses for e in this_year
        )
    adult = params.adult
    adult_deprived = False
    if age in adult.ages:
        in_training = any(
            e["level"] in adult.in_training_levels and e["status"] in adult.in_training_statuses
            for e in this_year
        )
        (required,) = [r for r in adult.required_by_age if age in r.ages]
        has = person["education_completed"] in required.completed or (
            required.vocational_certificate and person["vocational_certificate"]
        )
        adult_deprived = not in_training and not has
    return child_deprived, adult_deprived


enrolment_strategy = st.fixed_dictionaries(
    {
        "school_year": st.sampled_from([SCHOOL_YEAR - 1, SCHOOL_YEAR]),
        "level": st.sampled_from(
            [
                "preschool",
                "primary",
                "lower_secondary",
                "upper_secondary",
                "vocational_secondary",
                "higher_education",
                "continuing_education",
            ]
        ),
        "status": st.sampled_from(["enrolled", "dropped_out", "transferred", "graduated"]),
    }
)
person_strategy = st.fixed_dictionaries(
    {
        "age": st.integers(min_value=0, max_value=34),
        "days_younger": st.integers(min_value=-2, max_value=2),
        "education_completed": st.sampled_from(
            ["none", "primary", "lower_secondary", "upper_secondary", "vocational", "higher"]
        ),
        "vocational_certificate": st.booleans(),
        "enrolments": st.lists(
            enrolment_strategy, max_size=2, unique_by=lambda e: (e["school_year"], e["level"])
        ),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(person_strategy, min_size=1, max_size=8))
def test_sql_conditions_agree_with_the_definitions_read_in_python(people):
    params = indicator_parameters()
    with transaction.atomic():
        household = HouseholdFactory()
        made = []
        for spec in people:
            person = person_aged(
                spec["age"],
                household=household,
                days_younger=spec["days_younger"],
                education_completed=spec["education_completed"],
                vocational_certificate=spec["vocational_certificate"],
            )
            for e in spec["enrolments"]:
                enrol(person, e["level"], status=e["status"], school_year=e["school_year"])
            made.append((person, spec))
        cond = conditions(SCHOOL_YEAR, params)
        child_ids = set(Person.objects.filter(cond.child_deprived).values_list("pk", flat=True))
        adult_ids = set(Person.objects.filter(cond.adult_deprived).values_list("pk", flat=True))
        for person, spec in made:
            facts = {
                "birth_date": person.birth_date,
                "education_completed": spec["education_completed"],
                "vocational_certificate": spec["vocational_certificate"],
            }
            assert (person.pk in child_ids, person.pk in adult_ids) == expected(
                facts, spec["enrolments"], params
            ), spec
        transaction.set_rollback(True)


def test_born_aged_gives_the_age_on_the_reference_day():
    assert age_on(born_aged(3), dt.date(2024, 9, 1)) == 3
    assert age_on(born_aged(3, days_younger=1), dt.date(2024, 9, 1)) == 2
