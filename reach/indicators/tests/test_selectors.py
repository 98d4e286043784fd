"""Roll-ups per unit: totals equal the sum of the sub-units and the length of the lists behind
them, the change against the year before, scoping, and query counts."""

import pytest

from reach.accounts.scoping import scope_of
from reach.indicators.deprivation import Indicator, Measure
from reach.indicators.figures import FIGURE_NAMES
from reach.indicators.selectors import (
    list_indicator_households_for_user,
    list_indicator_persons_for_user,
    rollup_for_user,
    top_units_for_user,
)
from reach.indicators.tests.factories import SCHOOL_YEAR, enrol, household_in, person_aged

pytestmark = pytest.mark.django_db

PERSON_LISTS = {
    "child_population": (Indicator.CHILD, Measure.POPULATION),
    "child_deprived": (Indicator.CHILD, Measure.DEPRIVED),
    "adult_population": (Indicator.ADULT, Measure.POPULATION),
    "adult_deprived": (Indicator.ADULT, Measure.DEPRIVED),
    "right_age_population": (Indicator.RIGHT_AGE, Measure.POPULATION),
    "right_age_attending": (Indicator.RIGHT_AGE, Measure.ATTENDING),
}
HOUSEHOLD_LISTS = {
    "households": None,
    "child_deprived_households": Indicator.CHILD,
    "adult_deprived_households": Indicator.ADULT,
}


@pytest.fixture
def wards(world):
    """Beside `world`'s pupils: in ward 1 a poor household with a child out of school and a
    19-year-old without upper secondary; in ward 2 a near-poor household whose child is at the
    right level this year but was out of school last year, and a deprived adult."""
    ward1, ward2 = world.units["ward1"], world.units["ward2"]
    poor = household_in(ward1, status="poor", code="HH-poor")
    person_aged(8, household=poor, full_name="Out of school")
    person_aged(19, household=poor, full_name="No diploma", education_completed="lower_secondary")
    near_poor = household_in(ward2, status="near_poor", code="HH-near-poor")
    returned = person_aged(12, household=near_poor, full_name="Back at school")
    enrol(returned, "lower_secondary", school=world.schools["ward2"])
    person_aged(25, household=near_poor, full_name="Adult", education_completed="primary")
    return world


def test_rollup_totals_equal_the_sum_of_the_sub_units(wards):
    rollup = rollup_for_user(
        wards.users["district"], school_year=SCHOOL_YEAR, unit=wards.units["d12"]
    )

    assert [row.unit.code for row in rollup.rows] == ["26734", "26737"]
    for name in FIGURE_NAMES:
        assert getattr(rollup.total.current, name) == sum(
            getattr(row.current, name) for row in rollup.rows
        ), name


@pytest.mark.parametrize("unit_key", ["d12", "ward1", "ward2"])
def test_every_number_equals_the_length_of_its_list(wards, unit_key):
    user, unit = wards.users["district"], wards.units[unit_key]
    figures = rollup_for_user(user, school_year=SCHOOL_YEAR, unit=unit).total.current

    for name, (indicator, measure) in PERSON_LISTS.items():
        persons = list_indicator_persons_for_user(
            user, school_year=SCHOOL_YEAR, indicator=indicator, measure=measure, unit=unit
        )
        assert getattr(figures, name) == persons.count(), name
    for name, indicator in HOUSEHOLD_LISTS.items():
        households = list_indicator_households_for_user(
            user, school_year=SCHOOL_YEAR, indicator=indicator, unit=unit
        )
        assert getattr(figures, name) == households.count(), name


def test_rollup_counts_each_ward_by_the_definitions(wards):
    rollup = rollup_for_user(
        wards.users["district"], school_year=SCHOOL_YEAR, unit=wards.units["d12"]
    )
    ward1, ward2 = (row.current for row in rollup.rows)

    # ward 1: world's pupil (9, in primary) and the poor household's child out of school
    assert (ward1.child_population, ward1.child_deprived) == (2, 1)
    assert (ward1.adult_population, ward1.adult_deprived, ward1.adult_deprived_households) == (
        1,
        1,
        1,
    )
    assert (ward1.right_age_population, ward1.right_age_attending) == (2, 1)  # both poor
    assert ward1.right_age_rate == 50.0
    # ward 2: world's pupil, the commuter and the sibling at home (deprived), the returned child
    assert (ward2.child_population, ward2.child_deprived) == (4, 1)
    assert ward2.child_deprived_households == 1
    assert ward2.households == 3
    assert ward2.child_household_rate == 33.3


def test_rollup_reports_the_change_against_the_previous_year(wards):
    rollup = rollup_for_user(
        wards.users["district"], school_year=SCHOOL_YEAR, unit=wards.units["ward2"]
    )
    total = rollup.total

    # Last year the returned child (then 11) had no enrolment, nor did anyone else.
    assert total.previous.child_deprived == total.previous.child_population == 4
    assert total.changes["child_deprived"] == 1 - 4
    assert total.changes["child_household_rate"] == pytest.approx(33.3 - 100.0)
    assert rollup.previous_available is False  # nobody was enrolled in 2023


def test_ward_officer_sees_only_its_ward(wards):
    user = wards.users["ward01"]

    assert [unit.code for unit in top_units_for_user(user)] == ["26734"]
    rollup = rollup_for_user(user, school_year=SCHOOL_YEAR)
    assert [row.unit.code for row in rollup.rows] == ["26734"]
    assert rollup.total.current.child_population == 2
    names = list_indicator_persons_for_user(
        user, school_year=SCHOOL_YEAR, indicator=Indicator.CHILD, measure=Measure.DEPRIVED
    ).values_list("full_name", flat=True)
    assert list(names) == ["Out of school"]


def test_user_without_membership_sees_no_figures(wards):
    rollup = rollup_for_user(wards.users["nobody"], school_year=SCHOOL_YEAR)
    assert rollup.rows == ()
    assert rollup.total.current.households == 0


def test_rollup_takes_one_grouped_statement_a_year(wards, django_assert_max_num_queries):
    user = wards.users["district"]
    scope_of(user)  # read once per request, before the figures
    # sub-units, whether the user sees every person (households moved out), last year's data;
    # each year: its kept counts refreshed?, households moved since?, the GROUP BY
    with django_assert_max_num_queries(9):
        rollup_for_user(user, school_year=SCHOOL_YEAR, unit=wards.units["d12"])


def test_person_list_shows_the_years_enrolment_and_household_status(wards):
    persons = list_indicator_persons_for_user(
        wards.users["admin"],
        school_year=SCHOOL_YEAR,
        indicator=Indicator.CHILD,
        measure=Measure.POPULATION,
        unit=wards.units["ward2"],
    )
    by_name = {p.full_name: p for p in persons}

    assert by_name["Back at school"].year_level == "lower_secondary"
    assert by_name["Back at school"].household_status == "near_poor"
    assert by_name["Sibling at home"].year_level is None
