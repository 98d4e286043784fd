"""Figures across the 2025 reorganisation: a 2024-2025 figure counts District 12's eleven
wards, a 2025-2026 one the five wards that took over, a past year re-cut under the new wards
adds up exactly, and a trend across the change maps the old wards to the new one."""

import datetime as dt

import pytest
from django.core.management import call_command

from reach.accounts.permissions import command_line_actor
from reach.geo.models import Unit
from reach.geo.services import DATA_DIR, load_units
from reach.plans.figures import (
    FigureValue,
    figure,
    figure_by_sub_unit,
    figure_definitions,
    figure_trend,
    persons_behind,
    school_year_day,
)
from reach.registry.models import Household
from reach.registry.selectors import units_valid_on
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

RIGHT_AGE = "right_age_attendance"
MERGER = DATA_DIR / "reorganisation-2025-district12.csv"


def right_age():
    return figure_definitions()[RIGHT_AGE]


def poor_child(ward: Unit, *, attends_2025: bool = True) -> None:
    household = HouseholdFactory(unit=ward)
    for year in (2024, 2025):
        HouseholdYearStatusFactory(household=household, year=year, status="poor")
    child = PersonFactory(household=household, birth_date=dt.date(2015, 3, 1))
    EnrolmentFactory(person=child, school_year=2024, grade=4, school__unit=ward)
    EnrolmentFactory(
        person=child,
        school_year=2025,
        grade=5,
        school__unit=ward,
        status="enrolled" if attends_2025 else "dropped_out",
    )


@pytest.fixture
def merged():
    """One poor child in each of the eleven wards, a second in Thạnh Xuân who drops out in
    2025; then the merger of 2025-07-01 with the households moved."""
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    for ward in Unit.objects.filter(parent__code="761"):
        poor_child(ward)
    poor_child(Unit.objects.get(code="26734"), attends_2025=False)
    call_command("reorganise", str(MERGER), stdout=None)
    assert not Household.objects.filter(unit__parent__code="761").exists()
    return Unit.objects.get(code="79")


def wards_of(city: Unit, school_year: int) -> list[Unit]:
    communes = Unit.objects.filter(level="commune", path__startswith=city.path + ".")
    return list(units_valid_on(communes, school_year_day(school_year)))


def test_the_closed_district_still_has_its_figure_of_each_year(merged):
    district = Unit.objects.get(code="761")

    assert figure(right_age(), district, 2024) == FigureValue.of(12, 12)
    # after 2025-07-01 the district stands for the five wards formed from its own
    assert figure(right_age(), district, 2025) == FigureValue.of(11, 12)


def test_a_year_is_cut_under_the_wards_in_force_and_the_parts_add_up(merged):
    before = figure_by_sub_unit(right_age(), wards_of(merged, 2024), merged, 2024)
    after = figure_by_sub_unit(right_age(), wards_of(merged, 2025), merged, 2025)

    assert len(before) == 11 and len(after) == 5
    assert before[Unit.objects.get(code="26734")] == FigureValue.of(2, 2)
    assert after[Unit.objects.get(code="D12-TA")] == FigureValue.of(2, 3)
    assert sum(v.denominator for v in before.values()) == 12
    assert sum(v.denominator for v in after.values()) == 12
    assert sum(v.numerator for v in after.values()) == 11


def test_a_past_year_is_recut_exactly_under_the_new_wards(merged):
    new_wards = wards_of(merged, 2025)

    recut = figure_by_sub_unit(right_age(), new_wards, merged, 2024)

    assert recut[Unit.objects.get(code="D12-TA")] == FigureValue.of(3, 3)  # Thạnh Xuân + Thới An
    assert recut[Unit.objects.get(code="D12-DHT")] == FigureValue.of(3, 3)  # three old wards
    assert sum(v.denominator for v in recut.values()) == 12


def test_a_trend_across_the_change_maps_old_wards_to_the_new_one(merged):
    new_ward, old_ward = Unit.objects.get(code="D12-TA"), Unit.objects.get(code="26734")

    assert figure_trend(right_age(), new_ward, [2024, 2025]) == {
        2024: FigureValue.of(3, 3),
        2025: FigureValue.of(2, 3),
    }
    # an old ward merged with another has its own years only: nothing is apportioned
    assert figure_trend(right_age(), old_ward, [2024, 2025])[2024] == FigureValue.of(2, 2)
    assert figure_trend(right_age(), old_ward, [2024, 2025])[2025].denominator == 0


def test_the_list_behind_a_past_figure_is_the_old_wards_households(merged):
    old_ward = Unit.objects.get(code="26734")

    counted = persons_behind(right_age(), old_ward, 2024, numerator=False)

    assert counted.count() == 2
    assert {p.household.unit.code for p in counted} == {"D12-TA"}  # where they live now


def test_the_trend_chart_says_which_years_were_counted_under_the_old_wards(merged):
    from reach.plans.charts import trend_chart_for
    from reach.plans.models import Target
    from reach.plans.targets import target_progress
    from reach.plans.tests.factories import PlanFactory
    from reach.registry.models import Person

    target = Target.objects.create(
        plan=PlanFactory(),
        unit=Unit.objects.get(code="D12-TA"),
        indicator=RIGHT_AGE,
        value="90",
        school_year=2025,
        baseline_year=2024,
    )
    progress = target_progress(target, persons=Person.objects.all(), this_year=2025)

    chart = trend_chart_for(progress)

    assert chart.note == "2024–2025 counted under Phường Thạnh Xuân, Phường Thới An"
    assert "Phường Thạnh Xuân" in chart.svg  # on the chart itself, so in the PDF too
