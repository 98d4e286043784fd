"""Universal-education rates on a hand-built ward: the age groups' boundaries (ages on
1 September of the school year's first year), attending or completed vs not, the list behind
each number, the thresholds left to confirm, and scoping."""

import datetime as dt

import pytest

from reach.geo.tests.factories import UnitFactory
from reach.intake import selectors
from reach.intake.definitions import DATA_FILE, load_definitions
from reach.registry.tests.factories import EnrolmentFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


def _rate(rows, code):
    return next(r for r in rows if r.rate.code == code)


def test_every_threshold_the_facts_do_not_give_is_null_and_to_confirm():
    definitions = load_definitions(DATA_FILE)
    for rate in definitions.rates.values():
        assert rate.levels, rate.code
        assert all(lv.threshold is None and lv.confidence == "to confirm" for lv in rate.levels)
        assert not rate.thresholds_known
        assert rate.level_reached(100.0) is None


@pytest.fixture
def ward():
    district = UnitFactory(code="761", level="district")
    return UnitFactory(code="26734", parent=district)


def test_preschool_five_counts_exactly_the_five_year_olds_and_those_attending(ward):
    household = HouseholdFactory(unit=ward)
    # 5 on 1 September 2024: born after 1 September 2018, up to 1 September 2019.
    youngest_five = PersonFactory(household=household, birth_date=dt.date(2019, 9, 1))
    eldest_five = PersonFactory(household=household, birth_date=dt.date(2018, 9, 2))
    PersonFactory(household=household, birth_date=dt.date(2019, 9, 2))  # still 4
    PersonFactory(household=household, birth_date=dt.date(2018, 9, 1))  # already 6
    EnrolmentFactory(person=youngest_five, school_year=YEAR, level="preschool", grade=None)
    EnrolmentFactory(person=eldest_five, school_year=YEAR - 1, level="preschool", grade=None)

    rows = selectors.universal_rates_for_user(None, unit=ward, school_year=YEAR)
    admin_rows = selectors.universal_rates_for_user(_admin(), unit=ward, school_year=YEAR)
    assert _rate(rows, "preschool_five").population == 0  # nobody sees anything without a role
    five = _rate(admin_rows, "preschool_five")
    assert (five.counted, five.population, five.value) == (1, 2, 50.0)
    assert five.level_reached is None  # no threshold known

    behind = {
        m: set(
            selectors.list_rate_persons_for_user(
                _admin(), rate=five.rate, measure=m, unit=ward, school_year=YEAR
            )
        )
        for m in ("population", "counted", "not_counted")
    }
    assert behind["population"] == {youngest_five, eldest_five}
    assert behind["counted"] == {youngest_five}
    assert behind["not_counted"] == {eldest_five}


def test_primary_right_age_counts_attending_primary_or_completed(ward):
    household = HouseholdFactory(unit=ward)
    six = PersonFactory(household=household, birth_date=dt.date(2018, 9, 1))  # 6
    ten = PersonFactory(household=household, birth_date=dt.date(2013, 9, 2))  # 10
    eleven = PersonFactory(household=household, birth_date=dt.date(2013, 9, 1))  # 11: out
    in_preschool = PersonFactory(household=household, birth_date=dt.date(2017, 5, 1))  # 7
    dropped = PersonFactory(household=household, birth_date=dt.date(2016, 5, 1))  # 8
    EnrolmentFactory(person=six, level="primary", grade=1)
    EnrolmentFactory(person=ten, level="primary", grade=5, status="graduated")
    EnrolmentFactory(person=eleven, level="primary", grade=5)
    EnrolmentFactory(person=in_preschool, level="preschool", grade=None)
    EnrolmentFactory(person=dropped, level="primary", grade=3, status="dropped_out")

    primary = _rate(
        selectors.universal_rates_for_user(_admin(), unit=ward, school_year=YEAR),
        "primary_right_age",
    )
    assert (primary.counted, primary.population) == (2, 4)


def test_lower_secondary_completed_reads_the_diploma_at_16_to_18(ward):
    household = HouseholdFactory(unit=ward)
    for born, completed in [
        (dt.date(2008, 9, 1), "lower_secondary"),  # 16: counted
        (dt.date(2005, 9, 2), "upper_secondary"),  # 18: counted
        (dt.date(2006, 1, 1), "primary"),  # 18: not counted
        (dt.date(2008, 9, 2), "lower_secondary"),  # 15: outside the age group
        (dt.date(2005, 9, 1), "none"),  # 19: outside the age group
    ]:
        PersonFactory(household=household, birth_date=born, education_completed=completed)
    rate = _rate(
        selectors.universal_rates_for_user(_admin(), unit=ward, school_year=YEAR),
        "lower_secondary_completed",
    )
    assert (rate.counted, rate.population, rate.value) == (2, 3, 66.7)


def test_rates_by_sub_unit_match_each_wards_own_rates(world):
    district = world.units["d12"]
    for key in ("ward1", "ward2"):
        child = PersonFactory(household=world.households[key], birth_date=dt.date(2019, 1, 1))
        EnrolmentFactory(person=child, level="preschool", grade=None)
    PersonFactory(household=world.households["ward2"], birth_date=dt.date(2019, 2, 1))
    user = world.users["district"]
    by_ward = selectors.universal_rates_by_sub_unit_for_user(user, unit=district, school_year=YEAR)
    for ward, rows in by_ward.items():
        own = selectors.universal_rates_for_user(user, unit=ward, school_year=YEAR)
        assert [(r.counted, r.population) for r in rows] == [(r.counted, r.population) for r in own]
    assert _rate(by_ward[world.units["ward2"]], "preschool_five").population == 2


def test_a_ward_officer_counts_and_lists_only_their_ward(world):
    for key in ("ward1", "ward2"):
        PersonFactory(household=world.households[key], birth_date=dt.date(2019, 1, 1))
    officer = world.users["ward01"]
    five = _rate(
        selectors.universal_rates_for_user(officer, unit=None, school_year=YEAR), "preschool_five"
    )
    assert five.population == 1
    listed = selectors.list_rate_persons_for_user(
        officer, rate=five.rate, measure="population", unit=None, school_year=YEAR
    )
    assert {p.household.unit.code for p in listed} == {"26734"}


def test_one_query_for_every_rate(ward, django_assert_num_queries):
    admin = _admin()
    with django_assert_num_queries(1):
        selectors.universal_rates_for_user(admin, unit=ward, school_year=YEAR)


def _admin():
    from reach.accounts.tests.factories import UserFactory

    return UserFactory(is_superuser=True)


def test_a_plan_target_can_be_measured_by_a_rate(ward):
    from reach.plans.figures import figure, figure_definitions

    household = HouseholdFactory(unit=ward)
    five = PersonFactory(household=household, birth_date=dt.date(2019, 1, 1))
    PersonFactory(household=household, birth_date=dt.date(2019, 2, 1))
    EnrolmentFactory(person=five, level="preschool", grade=None)
    value = figure(figure_definitions()["universal_preschool_five"], ward, YEAR)
    assert (value.numerator, value.denominator, value.value) == (1, 2, 50.0)


def test_literacy_counts_by_age_band_and_a_literacy_class_moves_the_person(ward):
    """The persons not counted are the literacy class's list; completing the class with its
    certificate raises the person's education level and so the ward's literacy rate."""
    import datetime as dt

    from reach.learning.services.training import add_participant, complete_participation
    from reach.learning.tests.factories import CourseFactory

    household = HouseholdFactory(unit=ward)
    # ages on 1 September 2024: 15 and 35 are in the band, 14 and 36 are not
    unread = PersonFactory(household=household, birth_date=dt.date(2009, 9, 1), relation="child")
    PersonFactory(
        household=household, birth_date=dt.date(1989, 9, 1), education_completed="primary"
    )
    PersonFactory(household=household, birth_date=dt.date(2009, 9, 2))  # 14
    PersonFactory(household=household, birth_date=dt.date(1988, 9, 1))  # 36
    admin = _admin()

    def literacy():
        return _rate(
            selectors.universal_rates_for_user(admin, unit=ward, school_year=YEAR),
            "literate_15_35",
        )

    assert (literacy().counted, literacy().population) == (1, 2)
    not_counted = selectors.list_rate_persons_for_user(
        admin, rate=literacy().rate, measure="not_counted", unit=ward, school_year=YEAR
    )
    assert list(not_counted) == [unread]

    course = CourseFactory(
        unit=ward, kind="literacy", certificate=True, completes_level="primary",
        starts_on=dt.date(2024, 3, 1),
    )  # fmt: skip
    participant = add_participant(actor=admin, course=course, person=unread)
    complete_participation(
        actor=admin, participant=participant, completed_on=dt.date(2024, 6, 1),
        certificate_number="XMC-1",
    )  # fmt: skip

    assert (literacy().counted, literacy().population) == (2, 2)
