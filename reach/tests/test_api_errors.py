"""The API answers every service's refusal in one place, with the same statuses everywhere."""

import pytest
from django.db import IntegrityError
from django.test import Client, RequestFactory

from reach.api import api, database_error, domain_error
from reach.common.errors import Conflict, DomainError, NotAllowed, OutOfScope
from reach.registry.models import Person


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (OutOfScope("Unit not found"), 404),
        (NotAllowed("you may not approve this run"), 403),
        (Conflict("the run is approved"), 409),
        (DomainError("say who objects and why"), 422),
    ],
)
def test_a_refusal_is_answered_with_its_status_and_its_message(error, status):
    response = domain_error(RequestFactory().get("/api/v1/x"), error)
    assert response.status_code == status
    assert str(error) in response.content.decode()


def test_a_database_error_is_answered_with_a_reference_never_its_text(caplog):
    error = IntegrityError('duplicate key value violates unique constraint "secret_idx"')
    response = database_error(RequestFactory().get("/api/v1/x"), error)
    body = response.content.decode()
    assert response.status_code == 500
    assert "secret_idx" not in body and "reference" in body
    assert "secret_idx" in caplog.text  # logged for the administrator


def test_the_handlers_are_registered_for_every_subclass():
    class Frozen(Conflict):
        pass

    assert api._lookup_exception_handler(Frozen("x")) is not None
    assert api._lookup_exception_handler(IntegrityError("x")) is not None


@pytest.fixture
def ward_officer(world) -> Client:
    client = Client()
    client.force_login(world.users["ward01"])
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reconciliation?year=2024&unit=26734%00",
        "/api/v1/coverage?year=2024&unit=%00",
        "/api/v1/budget?year=2024&unit=%00",
        "/api/v1/indicators/households?unit=%00",
        "/api/v1/households?q=Head%00",
    ],
)
def test_a_query_holding_nul_is_refused_with_the_field_named(ward_officer, path):
    response = ward_officer.get(path)

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_nul"


def test_a_body_holding_nul_is_refused_and_writes_nothing(world, ward_officer):
    household = world.households["ward1"]
    body = {
        "household_id": household.pk,
        "full_name": "Nguyễn\u0000An",
        "relation": "child",
        "sex": "f",
        "birth_date": "2015-05-01",
    }

    response = ward_officer.post("/api/v1/persons", body, content_type="application/json")

    assert response.status_code == 400
    assert not Person.objects.filter(full_name__startswith="Nguyễn").exists()
