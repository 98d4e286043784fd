"""The OpenAPI schema tells the truth: every operation lists the errors `reach.api` may send,
the documented bodies are the ones really sent, and no two schemas share a name (the second
would silently take the first one's place in the document)."""

from collections import defaultdict

import pytest
from django.test import Client
from ninja import Schema

from reach.api import api
from reach.common.schemas import Error, Invalid

READ = {"401", "404", "422", "500"}
WRITE = READ | {"400", "403", "409"}


def operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, {str(code) for code in operation["responses"]}


def test_every_read_declares_the_errors_it_may_answer():
    missing = {
        (method, path): READ - codes
        for path, method, codes in operations()
        if method == "get" and READ - codes
    }
    assert missing == {}


def test_every_write_declares_the_errors_it_may_answer():
    missing = {
        (method, path): WRITE - codes
        for path, method, codes in operations()
        if method != "get" and WRITE - codes
    }
    assert missing == {}


def test_no_two_api_schemas_share_a_name():
    api.get_openapi_schema(path_prefix="/api/v1")  # imports every router's schemas
    modules = defaultdict(set)

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("reach."):
                modules[sub.__name__].add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


@pytest.fixture
def ward_officer(world) -> Client:
    client = Client()
    client.force_login(world.users["ward01"])
    return client


def test_a_request_that_does_not_parse_is_answered_with_the_documented_422(ward_officer):
    response = ward_officer.get("/api/v1/households", {"page": "first"})

    assert response.status_code == 422
    body = Invalid.model_validate(response.json())
    assert [error.loc for error in body.detail] == [["query", "page"]]


def test_a_rule_of_the_domain_is_answered_with_the_documented_422(world, ward_officer):
    response = ward_officer.get("/api/v1/payment-lists", {"year": 2024})

    assert response.status_code == 422
    assert Invalid.model_validate(response.json()).detail == "Give a unit or a school"


def test_a_body_that_is_not_json_is_answered_with_the_documented_400(ward_officer):
    response = ward_officer.post("/api/v1/persons", b"\xff\xfe", content_type="application/json")

    assert response.status_code == 400
    Error.model_validate(response.json())
