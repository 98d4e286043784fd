import datetime as dt

import pytest

from reach.geo.models import UnitYearAttribute
from reach.schoolsupport.models import SchoolProfile
from reach.schoolsupport.selectors import (
    list_schools_for_user,
    poor_village_schools_for_user,
    received_for_user,
    school_plan_for_user,
)
from reach.schoolsupport.tests.factories import (
    SchoolNeedFactory,
    SchoolPairingFactory,
    SchoolProjectFactory,
    TeacherPlacementFactory,
    TeacherTrainingFactory,
)

pytestmark = pytest.mark.django_db
DONE = {"status": "completed", "completed_on": dt.date(2025, 12, 1)}


@pytest.fixture
def poor(world):
    """Ward 26734 is an extremely difficult commune in 2025; ward 26737's school is flagged a
    poor village's school; the town's school is neither."""
    UnitYearAttribute.objects.create(
        unit=world.units["ward1"], year=2025, extremely_difficult_commune=True
    )
    SchoolProfile.objects.create(school=world.schools["ward2"], poor_village=True)
    return world


def test_poor_village_schools_are_those_of_extremely_difficult_communes_or_flagged(poor):
    schools = poor_village_schools_for_user(poor.users["admin"], unit=None, year=2025)
    assert set(schools) == {poor.schools["ward1"], poor.schools["ward2"]}
    assert set(poor_village_schools_for_user(poor.users["admin"], unit=None, year=2024)) == {
        poor.schools["ward2"]
    }


def test_a_ward_sees_its_own_schools_only(poor):
    assert list(list_schools_for_user(poor.users["ward01"])) == [poor.schools["ward1"]]
    received = received_for_user(poor.users["ward01"], unit=None, year=2025)
    assert [r.school for r in received.rows] == [poor.schools["ward1"]]
    assert received_for_user(poor.users["county"], unit=None, year=2025).rows == []


def test_the_total_of_a_school_is_the_sum_of_its_completed_projects(poor):
    school = poor.schools["ward1"]
    SchoolProjectFactory(school=school, cost_minor=120_000_000, **DONE)
    SchoolProjectFactory(school=school, cost_minor=80_000_000, **DONE)
    SchoolProjectFactory(school=school, budget_minor=999)  # planned: not received
    SchoolProjectFactory(school=school, status="cancelled", cancelled_on=dt.date(2025, 10, 1))
    SchoolProjectFactory(school=poor.schools["ward2"], cost_minor=5_000_000, **DONE)
    received = received_for_user(poor.users["district"], unit=None, year=2025)
    by_school = {r.school.pk: r for r in received.rows}
    assert by_school[school.pk].amounts == {"VND": 200_000_000}
    assert by_school[school.pk].projects == 2
    assert received.total.amounts == {"VND": 205_000_000}
    assert received.total.projects == 3
    assert school_plan_for_user(poor.users["ward01"], school).received == {"VND": 200_000_000}


def test_received_counts_teachers_trainings_and_pairs(poor):
    school = poor.schools["ward1"]
    TeacherPlacementFactory(school=school)
    TeacherTrainingFactory(school=school, teachers=7)
    TeacherTrainingFactory(school=school, teachers=3)
    SchoolPairingFactory(helper=poor.schools["ward2"], school=school)
    (row,) = received_for_user(poor.users["ward01"], unit=None, year=2025).rows
    assert (row.teachers_sent, row.trainings, row.teachers_trained, row.pairings) == (1, 2, 10, 1)
    assert row.extremely_difficult and not row.poor_village


def test_received_reads_a_fixed_number_of_statements(poor, django_assert_max_num_queries):
    for key in ("ward1", "ward2"):
        SchoolProjectFactory.create_batch(3, school=poor.schools[key], cost_minor=1, **DONE)
        TeacherPlacementFactory.create_batch(2, school=poor.schools[key])
    user = poor.users["admin"]
    with django_assert_max_num_queries(8):
        received_for_user(user, unit=None, year=2025)


def test_a_school_plan_lists_each_need_with_what_answered_it(poor):
    school = poor.schools["ward1"]
    need = SchoolNeedFactory(school=school, kind="semi_boarding")
    built = SchoolProjectFactory(school=school, need=need, kind="semi_boarding_house")
    loose = SchoolProjectFactory(school=school)
    plan = school_plan_for_user(poor.users["school01"], school)
    assert [(n, n.answered_by) for n in plan.needs] == [(need, [built])]
    assert plan.other_projects == [loose]
