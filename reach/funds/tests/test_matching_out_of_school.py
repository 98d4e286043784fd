"""Matching suggests children out of school and persons the deprivation indicators count, each
with its reason, ranked with the enrolled pupils by need, never one the state already covers
for the purpose, within the user's units and the donor's restriction (a restriction to a
school or a level keeps only that school's or level's pupils: a child in no school is out)."""

import datetime as dt

import pytest
from django.utils import translation

from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.entitlements.tests.factories import EntitlementRunFactory
from reach.funds.models import Restriction
from reach.funds.services.matching import suggest_students
from reach.funds.tests.factories import FundFactory
from reach.policy.models import Benefit, Policy, PolicyVersion
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    return FundFactory(code="KH-761", unit=world.units["d12"], purpose="scholarships")


@pytest.fixture
def out_of_school(world):
    """12 on 1 September 2024, in grade 6 in 2023, in no school in 2024; poor household."""
    child = PersonFactory(
        household=world.households["ward1"], full_name="Left school", birth_date=dt.date(2012, 3, 1)
    )
    EnrolmentFactory(
        person=child, school=world.schools["ward1"], school_year=2023, level="lower_secondary"
    )
    return child


def suggested(user, fund, restriction=None, purpose="scholarships") -> dict:
    found = suggest_students(
        actor=user, fund=fund, purpose=purpose, school_year=2024, restriction=restriction
    )
    return {s.full_name: s for s in found}


def test_a_child_out_of_school_is_suggested_with_its_reasons(world, fund, out_of_school):
    with translation.override("en"):
        found = suggested(world.users["district"], fund)
    child = found["Left school"]
    assert child.enrolment_id is None
    assert child.reasons == (
        "out of school in 2024-2025 (+20)",
        "deprived: Child school attendance (3 to under 16) (+10)",
        "poor or near-poor household (+10)",
    )
    assert child.need == 20 + 10 + 10


def test_the_reasons_are_in_the_users_language(world, fund, out_of_school):
    with translation.override("vi"):
        vi = suggested(world.users["district"], fund)["Left school"].reasons
    with translation.override("zh-hans"):
        zh = suggested(world.users["district"], fund)["Left school"].reasons
    assert vi[0] == "không ra lớp năm học 2024-2025 (+20)"
    assert zh[0] == "2024-2025学年失学 (+20)"


def test_the_out_of_school_rank_with_the_enrolled_by_need(world, fund, out_of_school):
    found = suggest_students(
        actor=world.users["district"], fund=fund, purpose="scholarships", school_year=2024
    )
    needs = [s.need for s in found]
    assert needs == sorted(needs, reverse=True)
    # 40 (out of school, deprived, poor or near-poor) before the enrolled pupils of the
    # world, whose households are poor or near-poor (10, the commuter 14: far from school).
    assert {s.full_name for s in found[:2]} == {"Left school", "Sibling at home"}
    assert [s.need for s in found] == [40, 40, 14, 10, 10]


def test_a_child_the_state_covers_for_the_purpose_is_not_suggested_for_it(world, fund):
    """Dropped out in 2024 after the state granted the year's scholarship: deprived, yet the
    state already pays a scholarship, so not suggested for one (but still for bicycles)."""
    child = PersonFactory(household=world.households["ward2"], full_name="Dropped this year")
    enrolment = EnrolmentFactory(
        person=child, school=world.schools["ward2"], school_year=2024, status="dropped_out"
    )
    policy = Policy.objects.create(code="vn-test", jurisdiction="VN", currency="VND")
    version = PolicyVersion.objects.create(
        policy=policy, number=1, document={}, checksum="x", source_file="t"
    )
    benefit = Benefit.objects.create(
        version=version, code="grant", kind="grant", purpose="national_grant",
        condition={}, amount={}, effective_from=dt.date(2021, 10, 15),
    )  # fmt: skip
    with translation.override("en"):
        assert "deprived: Child school attendance (3 to under 16) (+10)" in (
            suggested(world.users["district"], fund)["Dropped this year"].reasons
        )
    EntitlementLine.objects.create(
        run=EntitlementRunFactory(policy_codes="vn-test", status="done"),
        enrolment=enrolment, person=child, household=child.household, unit=child.household.unit,
        benefit=benefit, benefit_code=benefit.code, policy_code="vn-test", school_year=2024,
        amount_minor=1_000_000, currency="VND", status=LineStatus.IN_FORCE,
    )  # fmt: skip
    assert "Dropped this year" not in suggested(world.users["district"], fund)
    assert "Dropped this year" in suggested(world.users["district"], fund, purpose="bicycles")


def test_another_wards_child_out_of_school_is_not_suggested(world, fund, out_of_school):
    assert "Left school" in suggested(world.users["ward01"], fund)
    ward2 = Restriction.objects.create(fund=fund, unit=world.units["ward2"])
    assert "Left school" not in suggested(world.users["district"], fund, ward2)
    # A ward's officer sees no child out of school of the other ward, nor the county's fund.
    assert "Sibling at home" not in suggested(world.users["ward01"], fund)
    PersonFactory(household=world.households["town"], full_name="County child")
    assert "County child" not in suggested(world.users["admin"], fund)


def test_a_school_or_level_restriction_excludes_children_in_no_school(world, fund, out_of_school):
    school = Restriction.objects.create(fund=fund, school=world.schools["ward1"])
    found = suggested(world.users["district"], fund, school)
    assert "Left school" not in found
    assert "Pupil ward1" in found
    level = Restriction.objects.create(fund=fund, level="lower_secondary")
    assert "Left school" not in suggested(world.users["district"], fund, level)
    household = Restriction.objects.create(fund=fund, household=world.households["ward1"])
    assert set(suggested(world.users["district"], fund, household)) == {
        "Left school",
        "Pupil ward1",
    }


def test_persons_the_deprivation_indicators_count_are_suggested_with_the_indicator(world, fund):
    """An 18-year-old without the lower secondary diploma, not in training (adult education
    level), and a 13-year-old still in primary (child school attendance, on top of the risk)."""
    PersonFactory(
        household=world.households["ward1"],
        full_name="No diploma",
        birth_date=dt.date(2006, 1, 1),
        education_completed="primary",
    )
    late = PersonFactory(
        household=world.households["ward2"], full_name="Behind", birth_date=dt.date(2011, 1, 1)
    )
    EnrolmentFactory(person=late, school=world.schools["ward2"], level="primary", grade=5)
    with translation.override("en"):
        found = suggested(world.users["district"], fund)
    assert found["No diploma"].reasons == (
        "deprived: Adult education level (16 to 30) (+10)",
        "poor or near-poor household (+10)",
    )
    assert found["No diploma"].enrolment_id is None
    behind = found["Behind"]
    assert behind.enrolment_id is not None
    assert "deprived: Child school attendance (3 to under 16) (+10)" in behind.reasons
    assert behind.need == found["Pupil ward2"].need + 10
