"""Targets: actuals computed from hand-built households, the list behind each number, sub-units
in one GROUP BY, figures not available, lights, scoping and the service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.entitlements.tests.factories import EntitlementRunFactory
from reach.payments.models import PaymentClaim
from reach.plans import selectors
from reach.plans.choices import TargetLight
from reach.plans.figures import (
    FigureValue,
    figure,
    figure_by_sub_unit,
    figure_definitions,
    figure_trend,
    persons_behind,
)
from reach.plans.models import Target
from reach.plans.services import PlanError, create_target
from reach.plans.targets import judge, target_progress
from reach.plans.tests.factories import PlanFactory
from reach.policy.models import Benefit, Policy, PolicyVersion
from reach.registry.models import Person
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

RIGHT_AGE = "right_age_attendance"


def definition(code: str):
    return figure_definitions()[code]


def make_target(plan, unit, indicator=RIGHT_AGE, value="90", **more) -> Target:
    more.setdefault("school_year", 2024)
    return Target.objects.create(plan=plan, unit=unit, indicator=indicator, value=value, **more)


# In `world` (reach/conftest.py), school year 2024: the poor pupils of ward 1 and ward 2 attend
# primary school, as does the near-poor commuter of ward 2; the commuter's sibling (born 2015,
# a child of a near-poor household) attends nowhere. The town's pupil is in the county.


def test_right_age_actual_equals_the_count_of_the_persons_behind_it(world):
    right_age = definition(RIGHT_AGE)
    value = figure(right_age, world.units["d12"], 2024)
    assert value == FigureValue(3, 4, 75.0)
    counted = persons_behind(right_age, world.units["d12"], 2024, numerator=True)
    out_of = persons_behind(right_age, world.units["d12"], 2024, numerator=False)
    assert {p.full_name for p in counted} == {"Pupil ward1", "Pupil ward2", "Pupil commuter"}
    assert out_of.count() == value.denominator
    assert set(out_of.exclude(pk__in=counted)) == {Person.objects.get(full_name="Sibling at home")}


def test_a_units_figure_counts_its_descendants_only(world):
    right_age = definition(RIGHT_AGE)
    assert figure(right_age, world.units["ward1"], 2024) == FigureValue(1, 1, 100.0)
    assert figure(right_age, world.units["ward2"], 2024) == FigureValue(2, 3, 66.7)
    assert figure(right_age, world.units["county"], 2024) == FigureValue(1, 1, 100.0)


def test_sub_units_come_from_one_group_by(world):
    right_age = definition(RIGHT_AGE)
    wards = [world.units["ward1"], world.units["ward2"]]
    with CaptureQueriesContext(connection) as queries:
        figures = figure_by_sub_unit(right_age, wards, world.units["d12"], 2024)
    # whether the counts are kept for the year (they are not: counted from the records), whether
    # a reorganisation moved households since, then the count
    assert len(queries) == 3
    assert figures == {wards[0]: FigureValue(1, 1, 100.0), wards[1]: FigureValue(2, 3, 66.7)}


def test_a_trend_counts_every_recorded_year_in_one_statement(world):
    right_age = definition(RIGHT_AGE)
    with CaptureQueriesContext(connection) as queries:
        trend = figure_trend(right_age, world.units["d12"], [2023, 2024])
    # whether the counts are kept for the years (not here), the years with enrolments, then one
    # count of them all
    assert len(queries) == 3
    assert trend == {2023: FigureValue(0, 0, None), 2024: FigureValue(3, 4, 75.0)}


def test_a_figure_without_records_says_not_available_never_zero(world):
    training = definition("training_rate")
    assert not training.available and training.reason
    assert figure(training, world.units["d12"], 2024) == FigureValue(None, None, None)
    plan = PlanFactory(unit=world.units["d12"])
    progress = target_progress(
        make_target(plan, world.units["d12"], "training_rate"),
        persons=Person.objects.all(),
    )
    assert progress.light == TargetLight.NOT_AVAILABLE
    assert progress.actual.value is None and progress.actual.numerator is None


def test_dropout_and_return_rates_from_enrolments(world):
    ward1, school = world.units["ward1"], world.schools["ward1"]
    left = PersonFactory(household=HouseholdFactory(unit=ward1), full_name="Left in 2023")
    EnrolmentFactory(person=left, school=school, school_year=2023, status="dropped_out")
    EnrolmentFactory(person=left, school=school, school_year=2024, status="enrolled")
    stayed_out = PersonFactory(household=HouseholdFactory(unit=ward1), full_name="Still out")
    EnrolmentFactory(person=stayed_out, school=school, school_year=2023, status="dropped_out")
    assert figure(definition("dropout_rate"), ward1, 2023) == FigureValue(2, 2, 100.0)
    assert figure(definition("return_rate"), ward1, 2024) == FigureValue(1, 2, 50.0)
    returned = persons_behind(definition("return_rate"), ward1, 2024, numerator=True)
    assert list(returned) == [left]


def _tuition_line(person, *, kind: str, run, paid: int | None = None) -> EntitlementLine:
    """A tuition line in force for `person` in 2024 (and its claim, `paid` of 900)."""
    policy = Policy.objects.get_or_create(
        code="vn-test", defaults={"jurisdiction": "VN", "currency": "VND"}
    )[0]
    version = PolicyVersion.objects.get_or_create(
        policy=policy, number=1, defaults={"document": {}, "checksum": "x", "source_file": "t"}
    )[0]
    benefit = Benefit.objects.create(
        version=version, code=f"tuition_{kind}", kind=kind, purpose="tuition", condition={},
        amount={}, effective_from=dt.date(2021, 10, 15),
    )  # fmt: skip
    enrolment = person.enrolments.get(school_year=2024)
    line = EntitlementLine.objects.create(
        run=run, enrolment=enrolment, person=person,
        household=person.household, unit=person.household.unit, benefit=benefit,
        benefit_code=benefit.code, policy_code="vn-test", school_year=2024, amount_minor=900,
        currency="VND", status=LineStatus.IN_FORCE,
    )  # fmt: skip
    if paid is not None:
        PaymentClaim.objects.create(
            person=person, school_year=2024, purpose="tuition", line=line, currency="VND",
            amount_minor=900, paid_minor=paid,
        )  # fmt: skip
    return line


def test_tuition_coverage_counts_fees_waived_and_support_paid_in_full(world):
    """Ward 2's four poor or near-poor pupils: an exemption in force (the fee is waived: given),
    support paid in full (given), support half paid and no line at all (not given)."""
    ward2 = world.units["ward2"]
    sibling = Person.objects.get(full_name="Sibling at home")
    EnrolmentFactory(person=sibling, school=world.schools["ward2"], status="enrolled")
    run = EntitlementRunFactory(policy_codes="vn-test", status="done")
    _tuition_line(world.persons["ward2"], kind="exemption", run=run)
    _tuition_line(world.persons["commuter"], kind="subsidy", run=run, paid=900)
    _tuition_line(sibling, kind="grant", run=run, paid=450)
    half = HouseholdFactory(unit=ward2)
    HouseholdYearStatusFactory(household=half, year=2024, status="poor")
    EnrolmentFactory(person=PersonFactory(household=half), school=world.schools["ward2"])
    coverage = definition("tuition_exemption_coverage")
    assert figure(coverage, ward2, 2024) == FigureValue(2, 4, 50.0)
    given = persons_behind(coverage, ward2, 2024, numerator=True)
    assert set(given) == {world.persons["ward2"], world.persons["commuter"]}


@pytest.mark.parametrize(
    ("direction", "actual", "baseline", "this_year", "light"),
    [
        ("at_least", 91.0, None, 2024, TargetLight.MET),
        ("at_least", 86.0, None, 2024, TargetLight.ON_TRACK),  # within 5 points
        ("at_least", 84.0, None, 2024, TargetLight.BEHIND),
        ("at_least", 86.0, None, 2025, TargetLight.BEHIND),  # the year is over
        ("at_least", 85.5, ("80", 2022), 2024, TargetLight.ON_TRACK),  # expected 85 by 2024
        ("at_least", 83.0, ("80", 2022), 2024, TargetLight.BEHIND),  # more than 1 point short
        ("at_most", 4.0, None, 2024, TargetLight.MET),
        ("at_most", 12.0, None, 2024, TargetLight.BEHIND),
    ],
)
def test_lights(direction, actual, baseline, this_year, light):
    goal = "90" if direction == "at_least" else "5"
    target = Target(
        indicator=RIGHT_AGE,
        value=Decimal(goal),
        direction=direction,
        school_year=2026 if baseline else 2024,
        baseline_value=Decimal(baseline[0]) if baseline else None,
        baseline_year=baseline[1] if baseline else None,
    )
    got, _ = judge(
        target,
        available=True,
        actual=actual,
        actual_year=2024,
        lights=figure_definitions().lights,
        this_year=this_year,
    )
    assert got == light


def test_a_ward_sees_its_own_targets_and_the_district_its_wards(world):
    plan = PlanFactory(unit=world.units["d12"])
    own = make_target(plan, world.units["d12"])
    ward1 = make_target(plan, world.units["ward1"])
    ward2 = make_target(plan, world.units["ward2"])
    assert set(selectors.list_targets_for_user(world.users["district"], plan)) == {
        own,
        ward1,
        ward2,
    }
    assert list(selectors.list_targets_for_user(world.users["ward01"], plan)) == [ward1]
    assert list(selectors.list_targets_for_user(world.users["county"], plan)) == []
    assert selectors.get_target_for_user(world.users["ward01"], ward2.pk) is None


def test_a_readers_actual_counts_the_persons_they_see(world):
    plan = PlanFactory(unit=world.units["d12"])
    target = make_target(plan, world.units["ward2"])
    district = target_progress(
        target, persons=selectors.persons_counted_for_user(world.users["district"])
    )
    assert district.actual == FigureValue(2, 3, 66.7) and district.actual_year == 2024
    assert district.light == TargetLight.BEHIND  # 2024 is over


def test_create_target_is_audited_and_keeps_to_the_plans_unit(world):
    plan = PlanFactory(unit=world.units["d12"])
    district = world.users["district"]
    target = create_target(
        actor=district,
        plan=plan,
        indicator=RIGHT_AGE,
        value=Decimal("90"),
        unit=world.units["ward1"],
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2025, 5, 31),
    )
    assert AuditEvent.objects.filter(object_id=str(target.pk), action="create").exists()
    with pytest.raises(PlanError):
        create_target(
            actor=district, plan=plan, indicator=RIGHT_AGE, value=Decimal("90"),
            unit=world.units["county"], school_year=2024,
        )  # fmt: skip
    with pytest.raises(PlanError):
        create_target(
            actor=district, plan=plan, indicator="made_up", value=Decimal("90"),
            unit=world.units["d12"], school_year=2024,
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        create_target(
            actor=world.users["ward01"], plan=plan, indicator=RIGHT_AGE, value=Decimal("90"),
            unit=world.units["ward1"], school_year=2024,
        )  # fmt: skip


def test_a_figure_may_set_its_own_light_thresholds():
    """Dropout rates are a few percent: 0.7% against at most 0% is behind, not within 5 points."""
    dropout = definition("dropout_rate")
    assert dropout.lights is not None and dropout.lights.margin_points < 1
    target = Target(
        indicator="dropout_rate", value=Decimal("0"), direction="at_most", school_year=2026
    )
    light, _ = judge(
        target, available=True, actual=0.7, actual_year=2026, lights=dropout.lights, this_year=2026
    )
    assert light == TargetLight.BEHIND


def test_the_definitions_file_names_known_conditions_and_every_language(tmp_path):
    from reach.plans.figures import DefinitionError, load_definitions

    bad = tmp_path / "figures.yaml"
    bad.write_text(
        "figures:\n  x:\n    label: {en: a, vi: b, zh-hans: c}\n    numerator: made_up\n"
        "    denominator: child_population\n    source: s\n    confidence: low\n"
        "lights: {tolerance_points: 1, margin_points: 5}\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="figures.x.numerator"):
        load_definitions(bad)
