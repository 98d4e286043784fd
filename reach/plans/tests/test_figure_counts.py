"""The figures' counts kept per unit and school year: read instead of the records, they give
every figure what counting the records gives, before and after a reorganisation; a refresh
replaces them whole (twice is once); a figure or year never refreshed, or a reader who does not
see every person under the unit, is counted from the records."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reach.geo.models import Unit
from reach.plans import selectors
from reach.plans.figures import (
    NO_RECORDS,
    FigureValue,
    figure,
    figure_by_sub_unit,
    figure_definitions,
    figure_trend,
)
from reach.plans.models import FigureCount, FigureRefresh
from reach.plans.services import PlanError, refresh_figures
from reach.plans.targets import target_progress
from reach.plans.tasks import refresh_figures_task, request_figure_refresh
from reach.plans.tests.factories import PlanFactory
from reach.plans.tests.test_reorganisation import merged  # noqa: F401  (a fixture)
from reach.registry.generate import generate_households
from reach.registry.models import Person
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

YEARS = (2023, 2024)
AVAILABLE = [code for code, d in figure_definitions().figures.items() if d.available]
RIGHT_AGE = "right_age_attendance"
# the records hold no school year before 2023: nobody dropped out the year before
NOBODY_TO_COUNT = {("return_rate", 2023)}


@pytest.fixture
def generated(world):
    """Households generated across District 12's two wards for 2023 and for 2024, beside the
    `world`'s own."""
    for seed, year in ((11, 2023), (12, 2024)):
        generate_households(unit=world.units["d12"], households=40, seed=seed, year=year)
    return world


def live(code: str, unit: Unit, year: int) -> FigureValue:
    """The figure counted from the records (the persons passed: no kept counts are read)."""
    return figure(figure_definitions()[code], unit, year, persons=Person.objects.all())


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", AVAILABLE)
def test_a_kept_figure_equals_the_figure_counted_from_the_records(generated, code, year):
    d12, wards = generated.units["d12"], [generated.units["ward1"], generated.units["ward2"]]
    counted = {unit.code: live(code, unit, year) for unit in (d12, *wards)}
    counted_trend = figure_trend(
        figure_definitions()[code], d12, YEARS, persons=Person.objects.all()
    )
    if (code, year) not in NOBODY_TO_COUNT:
        assert counted[d12.code].denominator, "the generated unit has someone to count"

    refresh_figures()
    definition = figure_definitions()[code]
    assert figure(definition, d12, year) == counted[d12.code]
    by_ward = figure_by_sub_unit(definition, wards, d12, year)
    assert {unit.code: value for unit, value in by_ward.items()} == {
        ward.code: counted[ward.code] for ward in wards
    }
    assert figure_trend(definition, d12, YEARS) == counted_trend


@pytest.mark.parametrize("code", AVAILABLE)
def test_kept_figures_equal_the_records_across_the_reorganisation(merged, code):  # noqa: F811
    definition = figure_definitions()[code]
    city, old_district = Unit.objects.get(code="79"), Unit.objects.get(code="761")
    units = [city, *Unit.objects.filter(path__startswith=city.path + ".").order_by("path")]
    assert old_district in units and len(units) > 12  # the old wards and the new ones
    everyone = Person.objects.all()
    counted = {
        (unit.code, year): figure(definition, unit, year, persons=everyone)
        for unit in units
        for year in (2024, 2025)
    }
    trends = {
        unit.code: figure_trend(definition, unit, (2024, 2025), persons=everyone) for unit in units
    }

    refresh_figures()
    for unit in units:
        for year in (2024, 2025):
            assert figure(definition, unit, year) == counted[unit.code, year], (unit, year)
        assert figure_trend(definition, unit, (2024, 2025)) == trends[unit.code], unit


def test_a_stale_count_is_replaced_by_the_command(world):
    ward1 = world.units["ward1"]
    refresh_figures()
    before = figure(figure_definitions()[RIGHT_AGE], ward1, 2024)
    first = FigureRefresh.objects.get(figure=RIGHT_AGE, school_year=2024).computed_at

    pupil = PersonFactory(household=world.households["ward1"], birth_date=dt.date(2016, 5, 1))
    EnrolmentFactory(person=pupil, school=world.schools["ward1"], grade=3)
    assert live(RIGHT_AGE, ward1, 2024) != before
    assert figure(figure_definitions()[RIGHT_AGE], ward1, 2024) == before  # kept, stale

    call_command("refresh_figures", "--year", "2024", stdout=io.StringIO())
    assert figure(figure_definitions()[RIGHT_AGE], ward1, 2024) == live(RIGHT_AGE, ward1, 2024)
    assert FigureRefresh.objects.get(figure=RIGHT_AGE, school_year=2024).computed_at > first


def test_a_refresh_twice_keeps_the_same_counts(generated):
    def rows():
        return sorted(
            FigureCount.objects.values_list(
                "figure", "school_year", "unit__code", "numerator", "denominator"
            )
        )

    refresh_figures()
    once = rows()
    refresh_figures()
    assert rows() == once
    assert {(f, y) for f, y, *_ in once} >= {(RIGHT_AGE, 2023), (RIGHT_AGE, 2024)}
    assert FigureRefresh.objects.count() == (len(AVAILABLE) + 1) * len(YEARS)


def test_a_year_never_refreshed_is_counted_from_the_records(generated):
    refresh_figures(school_years=[2024])
    definition = figure_definitions()[RIGHT_AGE]
    d12 = generated.units["d12"]
    assert figure_trend(definition, d12, YEARS) == figure_trend(
        definition, d12, YEARS, persons=Person.objects.all()
    )
    assert figure(definition, d12, 2023) == live(RIGHT_AGE, d12, 2023)


def test_a_year_without_enrolments_under_the_unit_has_no_trend_value(world):
    refresh_figures(school_years=[2024, 2023])
    assert figure_trend(figure_definitions()[RIGHT_AGE], world.units["d12"], [2023]) == {
        2023: NO_RECORDS
    }


def test_an_unknown_figure_is_refused():
    with pytest.raises(PlanError):
        refresh_figures(codes=["no_such_figure"])


def test_kept_figures_are_read_in_one_statement_each(world):
    refresh_figures(school_years=[2023, 2024])
    definition, d12 = figure_definitions()[RIGHT_AGE], world.units["d12"]
    wards = [world.units["ward1"], world.units["ward2"]]
    with CaptureQueriesContext(connection) as queries:
        figure(definition, d12, 2024)
        figure_by_sub_unit(definition, wards, d12, 2024)
        figure_trend(definition, d12, [2023, 2024])
    assert len(queries) == 6  # each: which years are kept, then the sum


def test_only_a_reader_who_sees_everyone_under_the_unit_reads_the_kept_counts(world):
    d12, ward1 = world.units["d12"], world.units["ward1"]
    assert selectors.figure_persons_for_user(world.users["admin"], d12) is None
    assert selectors.figure_persons_for_user(world.users["district"], d12) is None
    assert selectors.figure_persons_for_user(world.users["district"], ward1) is None
    assert selectors.figure_persons_for_user(world.users["ward01"], ward1) is None
    # a ward officer does not see the district's other ward, a school member only its pupils
    assert selectors.figure_persons_for_user(world.users["ward01"], d12) is not None
    assert selectors.figure_persons_for_user(world.users["school01"], ward1) is not None


def test_a_restricted_reader_gets_the_records_counted_for_them(world):
    refresh_figures()
    FigureCount.objects.filter(figure=RIGHT_AGE).update(numerator=0)  # kept counts now wrong
    plan = PlanFactory(unit=world.units["d12"])
    from reach.plans.models import Target

    target = Target.objects.create(
        plan=plan, unit=world.units["d12"], indicator=RIGHT_AGE, value="90", school_year=2024
    )
    reader = world.users["school01"]
    persons = selectors.figure_persons_for_user(reader, target.unit)
    assert persons is not None
    restricted = target_progress(target, persons=persons, this_year=2024)
    assert restricted.actual.numerator == 2  # the school's two pupils, from the records
    everyone = target_progress(target, persons=None, this_year=2024)
    assert everyone.actual.numerator == 0  # what the (wrong) kept counts say


def refreshes_waiting() -> int:
    return DBTaskResult.objects.filter(
        task_path=refresh_figures_task.module_path, status=TaskResultStatus.READY
    ).count()


def test_an_approved_run_queues_one_refresh_which_the_worker_runs(
    world, django_capture_on_commit_callbacks, work_off_the_queue
):
    from reach.entitlements.tests.test_objections import approved_run

    with django_capture_on_commit_callbacks(execute=True):
        approved_run(world)
    with django_capture_on_commit_callbacks(execute=True):
        request_figure_refresh()  # another write before the worker starts
    assert refreshes_waiting() == 1
    assert not FigureRefresh.objects.exists()

    work_off_the_queue()
    assert refreshes_waiting() == 0
    assert FigureRefresh.objects.filter(figure=RIGHT_AGE, school_year=2024).exists()
    definition = figure_definitions()["tuition_exemption_coverage"]
    assert figure(definition, world.units["d12"], 2024) == live(
        "tuition_exemption_coverage", world.units["d12"], 2024
    )


def test_a_write_rolled_back_queues_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            request_figure_refresh()
            raise RuntimeError("the write failed")
    assert refreshes_waiting() == 0


def test_the_target_page_says_when_the_kept_counts_were_computed(world):
    from django.conf import settings
    from django.test import Client

    from reach.plans.models import Target

    refresh_figures()
    plan = PlanFactory(unit=world.units["ward1"])
    target = Target.objects.create(
        plan=plan, unit=world.units["ward1"], indicator=RIGHT_AGE, value="90", school_year=2024
    )
    stamp = localtime(FigureRefresh.objects.get(figure=RIGHT_AGE, school_year=2024).computed_at)
    pages = {}
    for username in ("ward01", "school01"):
        client = Client()
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(f"/plans/targets/{target.pk}/")
        assert response.status_code == 200, username
        pages[username] = response.content.decode()
    assert f"Figures as of {stamp:%Y-%m-%d %H:%M}" in pages["ward01"]
    assert "Figures as of" not in pages["school01"]  # counted from the records they see
