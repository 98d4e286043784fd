"""The REST API: token auth, scoped lists, 404 outside scope, and its query counts."""

import pytest
from django.test import Client

from reach.conftest import VISIBLE_HOUSEHOLDS

pytestmark = pytest.mark.django_db


def token_client(username: str) -> Client:
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": "demo"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def test_token_with_wrong_password_is_refused(world):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "district", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_api_without_token_is_unauthorised(world):
    assert Client().get("/api/v1/households").status_code == 401
    assert Client(headers={"Authorization": "Bearer nonsense"}).get("/api/v1/me").status_code == 401


def test_me_lists_memberships_with_unit_paths(world):
    body = token_client("ward01").get("/api/v1/me").json()
    assert body == {
        "username": "ward01",
        "memberships": [{"role": "ward_officer", "unit": "26734", "unit_path": "VN.79.761.26734"}],
    }


def test_units_filtered_by_level_and_parent(world):
    client = token_client("district")
    body = client.get("/api/v1/units", {"level": "commune"}).json()
    assert body["count"] == 2
    assert {u["code"] for u in body["items"]} == {"26734", "26737"}
    children = client.get("/api/v1/units", {"parent": "761"}).json()
    assert [u["unit_path"] for u in children["items"]] == ["VN.79.761.26734", "VN.79.761.26737"]


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_household_list_and_detail_respect_scope(world, username):
    if username == "nobody":
        client = Client()
        client.force_login(world.users["nobody"])
    else:
        client = token_client(username)
    body = client.get("/api/v1/households", {"page_size": 100}).json()
    expected = {world.households[k].code for k in VISIBLE_HOUSEHOLDS[username]}
    assert {item["code"] for item in body["items"]} == expected
    assert body["count"] == len(expected)
    for key, household in world.households.items():
        detail = client.get(f"/api/v1/households/{household.pk}")
        assert detail.status_code == (200 if key in VISIBLE_HOUSEHOLDS[username] else 404)
        person = client.get(f"/api/v1/persons/{world.persons[key].pk}")
        assert person.status_code == (200 if key in VISIBLE_HOUSEHOLDS[username] else 404)


def test_household_outside_scope_answers_like_a_missing_id(world):
    client = token_client("ward01")
    outside = client.get(f"/api/v1/households/{world.households['town'].pk}")
    missing = client.get("/api/v1/households/999999")
    assert (outside.status_code, outside.json()) == (missing.status_code, missing.json())


def test_household_filters_unit_includes_sub_units_status_year_and_q(world):
    client = token_client("admin")
    by_unit = client.get("/api/v1/households", {"unit": "761"}).json()
    assert {i["code"] for i in by_unit["items"]} == {"HH-ward1", "HH-ward2", "HH-commuter"}
    near = client.get("/api/v1/households", {"status": "near_poor", "year": 2024}).json()
    assert [i["code"] for i in near["items"]] == ["HH-commuter"]
    assert near["items"][0]["unit_path"] == "VN.79.761.26737"
    assert client.get("/api/v1/households", {"status": "poor", "year": 2023}).json()["count"] == 0
    assert [
        i["code"] for i in client.get("/api/v1/households", {"q": "head town"}).json()["items"]
    ] == ["HH-town"]


def test_household_list_outside_unit_is_404(world):
    assert (
        token_client("ward01").get("/api/v1/households", {"unit": "522723000000"}).status_code
        == 404
    )


def test_household_detail_of_school_staff_hides_siblings(world):
    client = token_client("school01")
    body = client.get(f"/api/v1/households/{world.households['commuter'].pk}").json()
    assert [m["full_name"] for m in body["members"]] == ["Pupil commuter"]
    assert body["members"][0]["enrolments"][0]["school"] == "SCH-ward1"


def test_household_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = token_client("admin")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/households", {"page_size": 100})


def test_openapi_docs_are_served(world):
    client = Client()
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/households" in schema["paths"]
