"""The student file through the API: the timeline per school year, within the caller's scope."""

import pytest

from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db


def test_the_student_file_gives_the_timeline_per_school_year(world, history):
    person = world.persons["ward1"].pk
    body = token_client("ward01").get(f"/api/v1/persons/{person}/file").json()

    (year,) = body["years"]
    assert year["school_year"] == 2024 and year["enrolments"][0]["school"] == "SCH-ward1"
    kinds = [event["kind"] for event in year["events"]]
    assert {"entitlement", "approval", "notice", "payment", "objection"} <= set(kinds)


def test_the_student_file_of_a_person_outside_the_scope_is_not_found(world, history):
    person = world.persons["ward1"].pk
    response = token_client("county").get(f"/api/v1/persons/{person}/file")
    assert response.status_code == 404 and set(response.json()) == {"detail"}
