"""Intake planning on hand-built wards: who reaches each entry grade next year, the gap equal to
the children counted minus the places, priority groups, a deterministic allocation (own ward,
then the district) and the list of those left without a place; scoping of the names."""

import datetime as dt

import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.intake import planning, selectors
from reach.intake.tests.factories import CapacityFactory
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2024  # children counted in 2024-2025 enter in 2025-2026
SIX_NEXT_YEAR = dt.date(2019, 3, 1)  # 6 on 1 September 2025


@pytest.fixture
def district():
    d = UnitFactory(code="761", level="district")
    UnitFactory(code="W1", parent=d)
    UnitFactory(code="W2", parent=d)
    return d


def _ward(code):
    from reach.geo.models import Unit

    return Unit.objects.get(code=code)


def _child(ward, birth_date=SIX_NEXT_YEAR, *, status=None, name=""):
    household = HouseholdFactory(unit=ward)
    if status:
        HouseholdYearStatusFactory(household=household, year=YEAR, status=status)
    person = PersonFactory(household=household, birth_date=birth_date)
    if name:
        person.full_name = name
        person.save()
    return person


def test_grade_1_counts_the_six_year_olds_of_next_year_not_already_in_primary(district):
    w1 = _ward("W1")
    counted = _child(w1)
    _child(w1, dt.date(2019, 9, 1))  # 6 on 1 September 2025, the last day: counted
    _child(w1, dt.date(2019, 9, 2))  # 5 next year: not yet
    early = _child(w1)
    EnrolmentFactory(person=early, school_year=YEAR, level="primary", grade=1)
    in_preschool = _child(w1)
    EnrolmentFactory(person=in_preschool, school_year=YEAR, level="preschool", grade=None)
    children = planning.children_of_grade(
        planning.Person.objects.all(), district, YEAR, 1
    ).values_list("pk", flat=True)
    assert counted.pk in children and in_preschool.pk in children
    assert early.pk not in children
    assert len(children) == 3


def test_grade_6_and_10_come_from_this_years_last_grades(district):
    w1 = _ward("W1")
    fifth = _child(w1, dt.date(2014, 1, 1))
    EnrolmentFactory(person=fifth, level="primary", grade=5)
    fourth = _child(w1, dt.date(2015, 1, 1))
    EnrolmentFactory(person=fourth, level="primary", grade=4)
    ninth = _child(w1, dt.date(2010, 1, 1))
    EnrolmentFactory(person=ninth, level="lower_secondary", grade=9, status="graduated")
    gone = _child(w1, dt.date(2010, 1, 1))
    EnrolmentFactory(person=gone, level="lower_secondary", grade=9, status="dropped_out")
    grade_6 = planning.children_of_grade(planning.Person.objects.all(), district, YEAR, 6)
    grade_10 = planning.children_of_grade(planning.Person.objects.all(), district, YEAR, 10)
    assert list(grade_6) == [fifth]
    assert list(grade_10) == [ninth]


def test_gap_is_children_counted_minus_places_and_allocation_goes_own_ward_first(district):
    w1, w2 = _ward("W1"), _ward("W2")
    s1 = SchoolFactory(code="A-W1", unit=w1)
    s2 = SchoolFactory(code="B-W2", unit=w2)
    CapacityFactory(school=s1, school_year=YEAR + 1, grade=1, places=2)
    CapacityFactory(school=s2, school_year=YEAR + 1, grade=1, places=2)
    CapacityFactory(school=s2, school_year=YEAR, grade=1, places=99)  # another year
    w1_children = [_child(w1, dt.date(2019, 1, d)) for d in (1, 2, 3, 4)]
    poor_last_born = _child(w1, dt.date(2019, 8, 1), status="near_poor")
    w2_child = _child(w2, dt.date(2019, 5, 5))

    plan = planning.allocate(district, YEAR, 1)
    ward1, ward2 = plan.wards["W1"], plan.wards["W2"]
    assert (ward1.children, ward1.places, ward1.gap) == (5, 2, 3)
    assert (ward2.children, ward2.places, ward2.gap) == (1, 2, -1)
    assert ward1.priority == 1
    # W1: the near-poor child first, then the eldest; W2's own child before W1's overflow.
    assert plan.placed[poor_last_born.pk][2] == s1.pk
    assert plan.placed[w1_children[0].pk][2] == s1.pk
    assert plan.placed[w2_child.pk][2] == s2.pk
    assert plan.placed[w1_children[1].pk][2] == s2.pk  # the district's last place
    assert set(plan.unplaced_ids) == {w1_children[2].pk, w1_children[3].pk}
    assert (ward1.placed_in_ward, ward1.placed_elsewhere, ward1.unplaced) == (2, 1, 2)
    assert planning.allocate(district, YEAR, 1).placed == plan.placed  # deterministic


def test_a_ward_closed_before_the_year_is_not_a_row_of_the_allocation(district):
    """After a reorganisation the district's old ward is closed: its households moved to the
    ward that took it over, and the allocation lists the wards in force in the counted year."""
    closed = _ward("W2")
    closed.valid_to = dt.date(YEAR, 6, 30)
    closed.save()
    _child(_ward("W1"))

    wards = planning.allocate(district, YEAR, 1).wards
    earlier = planning.allocate(district, YEAR - 1, 1).wards

    assert set(wards) == {"W1"}
    assert set(earlier) == {"W1", "W2"}


def test_policy_family_is_a_priority(district):
    w1 = _ward("W1")
    SchoolFactory(code="A", unit=w1)
    child = _child(w1)
    PersonFactory(household=child.household, martyr_child=True, birth_date=dt.date(1980, 1, 1))
    other = _child(w1, dt.date(2019, 1, 1))
    rows = dict(
        planning.children_of_grade(planning.Person.objects.all(), district, YEAR, 1).values_list(
            "pk", "priority"
        )
    )
    assert rows == {child.pk: True, other.pk: False}


def test_a_ward_officer_sees_the_counts_of_their_ward_and_only_their_childrens_names(district):
    w1, w2 = _ward("W1"), _ward("W2")
    CapacityFactory(school=SchoolFactory(unit=w2), school_year=YEAR + 1, grade=1, places=1)
    mine = _child(w1, name="Mine")
    theirs = _child(w2, dt.date(2019, 1, 1), name="Theirs")
    officer = MembershipFactory(user=UserFactory(), role="ward_officer", unit=w1).user
    plan = selectors.intake_plan_for_user(officer, unit=w1, school_year=YEAR, grade=1)
    assert [w.ward.code for w in plan.wards] == ["W1"]
    assert [c.person for c in plan.children] == [mine]
    assert [c.person for c in plan.unplaced] == [mine]  # W2's own child took its one place
    assert plan.allocation.placed[theirs.pk][2] is not None
    assert plan.hidden == 0
    whole = selectors.intake_plan_for_user(officer, unit=district, school_year=YEAR, grade=1)
    assert [w.ward.code for w in whole.wards] == ["W1"]


def test_the_demo_sets_places_that_leave_a_gap_in_some_wards(world):
    from reach.intake.demo import set_up_demo_intake

    for key in ("ward1", "ward2"):
        for day in range(1, 11):
            PersonFactory(household=world.households[key], birth_date=dt.date(2019, 1, day))
    result = set_up_demo_intake(actor=world.users["admin"], school_year=YEAR)
    assert result["capacities"] == 2  # one primary school per ward of the district
    plan = planning.allocate(world.units["d12"], YEAR, 1)
    gaps = {code: w.gap for code, w in plan.wards.items()}
    assert gaps == {"26734": 2, "26737": -1}  # 10 children, 8 and 11 places


def test_allocation_reads_wards_places_and_children_in_three_statements(
    district, django_assert_num_queries
):
    w1 = _ward("W1")
    CapacityFactory(school=SchoolFactory(unit=w1), school_year=YEAR + 1, grade=1, places=1)
    for day in (1, 2, 3):
        _child(w1, dt.date(2019, 1, day))
    with django_assert_num_queries(3):
        plan = planning.allocate(district, YEAR, 1)
    assert len(plan.unplaced_ids) == 2
