import datetime as dt

import pytest
from django.test import Client

from reach.learning.models import Participant
from reach.learning.tests.factories import CourseFactory, CriteriaSetFactory
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_register_assess_evaluate_and_decide_over_the_api(world):
    criteria_set = CriteriaSetFactory()
    api = _client(world.users["ward01"])
    created = api.post(
        "/api/v1/learning/registrations",
        {"year": 2024, "criteria_set": criteria_set.pk, "household": world.households["ward1"].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    early = api.post(
        f"/api/v1/learning/registrations/{pk}/decision",
        {"decision_number": "1", "decided_on": "2024-12-01"},
        content_type="application/json",
    )
    assert early.status_code == 422
    api.post(
        f"/api/v1/learning/registrations/{pk}/self-assessment",
        {"points": {"3": 4}},
        content_type="application/json",
    )
    evaluated = api.post(
        f"/api/v1/learning/registrations/{pk}/evaluation",
        {"board": "Ban"},
        content_type="application/json",
    )
    assert evaluated.json()["board_score"] == 44
    decided = api.post(
        f"/api/v1/learning/registrations/{pk}/decision",
        {"decision_number": "1", "decided_on": "2024-12-01"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "recognised"
    rates = api.get("/api/v1/learning/rates", {"year": 2024}).json()
    family = next(r for r in rates[0]["rates"] if r["title"] == "family")
    assert (family["recognised"], family["total"], family["target"]) == (1, 1, 70)
    assert (
        _client(world.users["county"]).get(f"/api/v1/learning/registrations/{pk}").status_code
        == 404
    )
    duplicate = api.post(
        "/api/v1/learning/registrations",
        {"year": 2024, "criteria_set": criteria_set.pk, "household": world.households["ward1"].pk},
        content_type="application/json",
    )
    assert duplicate.status_code == 409


def test_training_rates_and_persons_over_the_api(world):
    worker = PersonFactory(
        household=world.households["ward1"],
        full_name="Worker ward1",
        birth_date=dt.date(1990, 1, 1),
    )
    course = CourseFactory(unit=world.units["ward1"])
    Participant.objects.create(
        course=course, person=worker, status="completed", completed_on=dt.date(2024, 5, 1)
    )
    api = _client(world.users["district"])
    (total, *_rows) = api.get("/api/v1/learning/training-rates", {"year": 2024}).json()
    assert (total["workers"], total["trained"], total["certified"]) == (1, 1, 0)
    persons = api.get(
        "/api/v1/learning/training-persons", {"year": 2024, "measure": "trained"}
    ).json()
    assert [p["full_name"] for p in persons] == ["Worker ward1"]
    assert "birth_date" not in persons[0]
    participants = api.get(f"/api/v1/learning/courses/{course.pk}/participants").json()
    assert participants[0]["status"] == "completed"
    assert (
        _client(world.users["county"]).get(f"/api/v1/learning/courses/{course.pk}").status_code
        == 404
    )


def test_a_clan_of_the_wards_households_and_attendance_over_the_api(world):
    from reach.accounts.models import AuditEvent

    api = _client(world.users["ward01"])
    created = api.post(
        "/api/v1/learning/clans",
        {"unit": "26734", "name": "Dòng họ Nguyễn", "households": [world.households["ward1"].pk]},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["household_count"] == 1
    assert AuditEvent.objects.filter(object_type="learning.clan").count() == 1
    outside = api.post(
        "/api/v1/learning/clans",
        {"unit": "26734", "name": "Dòng họ Trần", "households": [world.households["ward2"].pk]},
        content_type="application/json",
    )
    assert outside.status_code == 404
    course = CourseFactory(unit=world.units["ward1"])
    participant = Participant.objects.create(course=course, person=world.persons["ward1"])
    url = f"/api/v1/learning/courses/{course.pk}/participants/{participant.pk}/attendance"
    marked = api.post(url, {"on": "2024-03-04"}, content_type="application/json")
    assert marked.status_code == 200
    late = api.post(url, {"on": "2024-09-04"}, content_type="application/json")
    assert late.status_code == 422
    listed = api.get(f"/api/v1/learning/courses/{course.pk}/participants").json()
    assert listed[0]["days_present"] == 1


def test_a_year_out_of_range_is_refused_not_a_server_error(world):
    api = _client(world.users["ward01"])
    for path in ("rates", "training-rates", "training-persons", "registrations", "courses"):
        assert api.get(f"/api/v1/learning/{path}", {"year": 1632895248566}).status_code == 422
    assert api.get("/learning/", {"year": 1632895248566}).status_code == 200
