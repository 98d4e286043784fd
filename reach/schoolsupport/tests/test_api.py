import datetime as dt

import pytest
from django.test import Client

from reach.schoolsupport.models import SchoolNeed
from reach.schoolsupport.tests.factories import SchoolProjectFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/school-support"


def _client(world, user: str) -> Client:
    client = Client()
    client.force_login(world.users[user])
    return client


def test_school_staff_record_a_need_and_see_it_on_the_plan(world):
    client = _client(world, "school01")
    school = world.schools["ward1"]
    response = client.post(
        f"{URL}/schools/{school.pk}/needs",
        {"kind": "classrooms", "recorded_on": "2025-09-01", "quantity": 2},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    plan = client.get(f"{URL}/schools/{school.pk}").json()
    assert [n["kind"] for n in plan["needs"]] == ["classrooms"]


def test_a_school_outside_the_scope_is_not_found(world):
    client = _client(world, "ward01")
    assert client.get(f"{URL}/schools/{world.schools['ward2'].pk}").status_code == 404
    response = client.post(
        f"{URL}/schools/{world.schools['ward2'].pk}/needs",
        {"kind": "classrooms", "recorded_on": "2025-09-01"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not SchoolNeed.objects.exists()


def test_school_staff_may_not_complete_a_project(world):
    project = SchoolProjectFactory(school=world.schools["ward1"])
    response = _client(world, "school01").post(
        f"{URL}/projects/{project.pk}/status",
        {"status": "completed", "on": "2025-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_ward_officer_plans_and_completes_a_project(world):
    client = _client(world, "ward01")
    school = world.schools["ward1"]
    response = client.post(
        f"{URL}/schools/{school.pk}/projects",
        {"kind": "repair", "title": "Sửa phòng học", "budget_minor": 50_000_000,
         "currency": "VND", "funding": "state_budget", "planned_on": "2025-09-01"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    project = response.json()["id"]
    response = client.post(
        f"{URL}/projects/{project}/status",
        {"status": "completed", "on": "2025-12-01"},
        content_type="application/json",
    )
    assert response.json()["cost_minor"] == 50_000_000
    assert client.get(f"{URL}/schools/{school.pk}").json()["received"] == [
        {"currency": "VND", "amount_minor": 50_000_000}
    ]


def test_pairing_a_school_with_itself_is_refused(world):
    school = world.schools["ward1"].pk
    response = _client(world, "district").post(
        f"{URL}/pairings",
        {"helper": school, "school": school, "kind": "town_village", "starts_on": "2025-09-01"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_received_lists_the_poor_villages_schools_with_totals(world):
    from reach.schoolsupport.models import SchoolProfile

    SchoolProfile.objects.create(school=world.schools["ward1"], poor_village=True)
    SchoolProjectFactory(
        school=world.schools["ward1"], status="completed", completed_on=dt.date(2025, 12, 1),
        cost_minor=7,
    )  # fmt: skip
    body = _client(world, "district").get(f"{URL}/received?year=2025").json()
    assert [r["school"]["code"] for r in body["rows"]] == ["SCH-ward1"]
    assert body["total"]["amounts"] == [{"currency": "VND", "amount_minor": 7}]
