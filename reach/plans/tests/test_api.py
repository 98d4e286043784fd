"""The plans API: the plans a caller sees with their progress, and a plan's tasks."""

import pytest
from django.conf import settings
from django.test import Client

from reach.plans.models import TaskAssignment
from reach.plans.tests.factories import OrganisationFactory, PlanTaskFactory

pytestmark = pytest.mark.django_db


def api(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_plan_list_is_scoped_and_counts_tasks(world, plans):
    body = api(world, "ward01").get("/api/v1/plans/").json()
    assert [(p["code"], p["task_count"], p["done_count"]) for p in body] == [
        ("351/KH-GDĐT", 2, 0),  # the district's, which the ward's implements
        ("W1-2023", 2, 1),
    ]
    assert body[1]["implements"] == plans["district"].pk
    district = api(world, "district").get("/api/v1/plans/", {"unit": "26737"}).json()
    assert [p["code"] for p in district] == ["W2-2023"]


def test_plan_list_of_a_unit_outside_the_scope_is_404(world, plans):
    assert api(world, "ward01").get("/api/v1/plans/", {"unit": "26737"}).status_code == 404


def test_plan_tasks_give_sections_and_tasks_with_their_organisations(world, plans):
    plan = plans["ward1"]
    union = OrganisationFactory(name="Đoàn phường", unit=world.units["ward1"])
    task = plan.tasks.get(number="2")
    TaskAssignment.objects.create(task=task, organisation=union, role="lead")
    body = api(world, "ward01").get(f"/api/v1/plans/{plan.pk}/tasks").json()
    assert [(t["section"], t["number"]) for t in body] == [("I", ""), ("I", "1"), ("I", "2")]
    assert body[2]["lead"] == ["Đoàn phường"] and body[2]["co_units"] == []
    assert (body[2]["window_text"], body[2]["starts_on"], body[2]["ends_on"]) == (
        "Tháng 03/2023", "2023-03-01", "2023-03-31",
    )  # fmt: skip


def test_plan_tasks_of_another_wards_plan_are_404(world, plans):
    response = api(world, "ward01").get(f"/api/v1/plans/{plans['ward2'].pk}/tasks")
    assert response.status_code == 404


def test_plan_list_and_tasks_query_counts_stay_flat(world, plans, django_assert_max_num_queries):
    client = api(world, "district")
    client.get("/api/v1/plans/")  # the session and grants, once
    for _ in range(20):
        PlanTaskFactory(plan=plans["district"])
    # session, user, memberships, organisation check, plans, bases
    with django_assert_max_num_queries(7):
        assert len(client.get("/api/v1/plans/").json()) == 3
    # session, user, memberships, organisation check, plan, bases, tasks, assignments
    with django_assert_max_num_queries(9):
        assert len(client.get(f"/api/v1/plans/{plans['district'].pk}/tasks").json()) == 23
