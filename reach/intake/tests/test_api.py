import datetime as dt

import pytest
from django.test import Client

from reach.intake.models import Capacity
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_capacity_then_intake_over_the_api(world):
    api = _client(world.users["district"])
    body = {"school": "SCH-ward1", "school_year": 2025, "grade": 1, "places": 1}
    response = api.post("/api/v1/intake/capacities", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Capacity.objects.get().places == 1
    for day in (1, 2):
        PersonFactory(household=world.households["ward1"], birth_date=dt.date(2019, 1, day))
    intake = api.get("/api/v1/intake/places?unit=26734&grade=1&school_year=2024").json()
    (ward,) = intake["wards"]
    assert (ward["children"], ward["places"], ward["gap"], ward["unplaced"]) == (2, 1, 1, 1)
    assert len(intake["unplaced"]) == 1


def test_capacity_refused_outside_the_role(world):
    api = _client(world.users["school01"])
    body = {"school": "SCH-ward1", "school_year": 2025, "grade": 1, "places": 1}
    response = api.post("/api/v1/intake/capacities", body, content_type="application/json")
    assert response.status_code == 403
    ward = _client(world.users["ward01"])
    body["school"] = "SCH-ward2"
    response = ward.post("/api/v1/intake/capacities", body, content_type="application/json")
    assert response.status_code == 404


def test_universal_and_streaming_reads(world):
    api = _client(world.users["ward01"])
    rates = api.get("/api/v1/intake/universal?school_year=2024&unit=26734")
    assert rates.status_code == 200
    assert {r["code"] for r in rates.json()[0]["rates"]} >= {"preschool_five"}
    assert all(
        lv["threshold_percent"] is None for r in rates.json()[0]["rates"] for lv in r["levels"]
    )
    assert api.get("/api/v1/intake/streaming?school_year=2024").status_code == 200
    assert api.get("/api/v1/intake/universal?unit=26737").status_code == 404
