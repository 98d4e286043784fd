"""Reading plans: scoped by the issuing unit, with progress, overdue tasks and timelines."""

import datetime as dt

import pytest

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.plans.models import TaskAssignment
from reach.plans.selectors import (
    list_due_tasks_for_user,
    list_implementing_plans_for_user,
    list_my_tasks,
    list_overdue_tasks_for_user,
    list_plans_for_user,
    plan_timeline,
    tasks_for_user,
)
from reach.plans.tests.factories import OrganisationFactory, PlanTaskFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2023, 6, 15)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("admin", {"351/KH-GDĐT", "W1-2023", "W2-2023"}),
        ("district", {"351/KH-GDĐT", "W1-2023", "W2-2023"}),
        ("ward01", {"351/KH-GDĐT", "W1-2023"}),  # the district's plan, which the ward implements
        ("school01", {"351/KH-GDĐT", "W1-2023"}),
        ("county", set()),
        ("nobody", set()),
    ],
)
def test_list_plans_a_unit_reads_its_plans_those_below_and_those_above_never_a_siblings(
    world, plans, user, expected
):
    assert {p.code for p in list_plans_for_user(world.users[user])} == expected


def test_implementing_plans_show_under_the_district_plan_with_their_progress(world, plans):
    rows = list_implementing_plans_for_user(world.users["district"], plans["district"])
    # Each ward plan: 2 tasks (the section row is no task); ward 1 has done 1 of them.
    assert {(p.code, p.task_count, p.done_count) for p in rows} == {
        ("W1-2023", 2, 1),
        ("W2-2023", 2, 0),
    }
    ward_view = list_implementing_plans_for_user(world.users["ward01"], plans["district"])
    assert [p.code for p in ward_view] == ["W1-2023"]


def test_overdue_tasks_are_open_tasks_past_their_last_day(world, plans):
    # Every task ends 2023-03-31; ward 1's task 1 is done; section rows are no tasks.
    overdue = list_overdue_tasks_for_user(world.users["district"], today=TODAY)
    assert sorted((t.plan.code, t.number) for t in overdue) == [
        ("351/KH-GDĐT", "1"), ("351/KH-GDĐT", "2"), ("W1-2023", "2"),
        ("W2-2023", "1"), ("W2-2023", "2"),
    ]  # fmt: skip
    assert not list_overdue_tasks_for_user(world.users["district"], today=dt.date(2023, 3, 31))
    ward = list_overdue_tasks_for_user(world.users["ward01"], today=TODAY)
    assert [(t.plan.code, t.number) for t in ward] == [("W1-2023", "2")]


def test_due_tasks_within_7_days_include_today_and_the_seventh_day(world, plans):
    due = list_due_tasks_for_user(world.users["ward01"], within_days=7, today=dt.date(2023, 3, 24))
    assert [t.number for t in due] == ["2"]  # due 2023-03-31 = 24 + 7
    assert not list_due_tasks_for_user(
        world.users["ward01"], within_days=6, today=dt.date(2023, 3, 24)
    )


def test_my_tasks_are_the_open_tasks_of_my_organisations_lead_first(world, plans):
    union = OrganisationFactory(code="DTN", kind="youth_union", unit=world.units["ward1"])
    member = MembershipFactory(user=UserFactory(username="union"), role="ward_officer",
                               organisation=union).user  # fmt: skip
    led, helped = plans["district"].tasks.get(number="2"), plans["district"].tasks.get(number="1")
    TaskAssignment.objects.create(task=helped, organisation=union, role="co")
    TaskAssignment.objects.create(task=led, organisation=union, role="lead")
    assert [t.pk for t in list_my_tasks(member)] == [led.pk, helped.pk]
    # The district's plan is not the ward's, but the union sees the tasks it was given.
    assert set(tasks_for_user(member).filter(plan=plans["district"])) >= {led, helped}
    assert list(list_my_tasks(world.users["ward01"])) == []


def test_timeline_places_each_task_in_its_months():
    build = PlanTaskFactory.build
    tasks = [
        build(number="1", starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 12, 31)),
        build(number="2", starts_on=dt.date(2023, 5, 1), ends_on=dt.date(2023, 11, 30)),
        build(number="3", starts_on=None, ends_on=None, window_text="Khi có kinh phí"),
    ]
    timeline = plan_timeline(tasks, today=TODAY)
    assert len(timeline.months) == 12
    assert [(r.task.number, r.x, r.width) for r in timeline.rows] == [("1", 0, 12), ("2", 4, 7)]
    assert [t.number for t in timeline.undated] == ["3"]
    assert timeline.today_x == pytest.approx(5 + 14 / 31)  # mid-June: month 6, day 15
