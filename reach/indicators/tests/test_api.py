"""The indicators API: scoped roll-ups, lists masked for publication, and query counts."""

import pytest
from django.test import Client

from reach.accounts.scoping import restrict
from reach.indicators import selectors
from reach.indicators.deprivation import Indicator, Measure
from reach.indicators.tests.factories import enrol, household_in, person_aged
from reach.registry.models import Person

pytestmark = pytest.mark.django_db


def api(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.fixture
def children(world):
    home = household_in(world.units["ward1"], status="poor", code="HH-api")
    person_aged(8, household=home, full_name="Trần Văn Cường", national_id="079216005678")
    pupil = person_aged(11, household=home, full_name="Trần Thị Dung", orphan=True)
    enrol(pupil, "lower_secondary", grade=6, attendance_rate=50, school=world.schools["ward1"])
    return world


def test_rollup_lists_the_wards_with_their_figures(children):
    body = api(children, "district").get("/api/v1/indicators", {"year": 2024, "unit": "761"}).json()

    assert [row["unit"] for row in body["rows"]] == ["26734", "26737"]
    assert body["total"]["current"]["child_deprived"] == 2  # the child of 8 and the sibling
    assert body["reference_date"] == "2024-09-01"
    assert body["target_percent"] == 90


def test_rollup_of_a_unit_outside_the_scope_is_not_found(children):
    response = api(children, "ward01").get("/api/v1/indicators", {"unit": "26737"})
    assert response.status_code == 404


def test_public_person_list_masks_names_and_ids_and_hides_birth_dates(children):
    client = api(children, "ward01")
    query = {"year": 2024, "indicator": "child", "measure": "deprived"}

    full = client.get("/api/v1/indicators/persons", query).json()
    public = client.get("/api/v1/indicators/persons", {**query, "public": True}).json()

    assert [p["full_name"] for p in full["items"]] == ["Trần Văn Cường"]
    (item,) = public["items"]
    assert item["full_name"] == "Trần V. C."
    assert item["national_id"] == "********5678"
    assert item["birth_date"] is None and item["id"] is None and item["household_code"] is None
    assert item["age"] == 8


def test_household_list_public_masks_the_head(children):
    body = (
        api(children, "ward01")
        .get("/api/v1/indicators/households", {"year": 2024, "indicator": "child", "public": True})
        .json()
    )
    assert body["count"] == 1
    assert body["items"][0]["code"] is None


def test_at_risk_list_gives_the_score_and_its_factors(children):
    body = api(children, "ward01").get("/api/v1/indicators/at-risk", {"year": 2024}).json()

    (item,) = body["items"]
    assert item["full_name"] == "Trần Thị Dung"
    assert {f["code"] for f in item["factors"]} == {
        "poor_household",
        "low_attendance",
        "very_low_attendance",  # 50%
        "orphan",
        "secondary_level",
    }
    assert item["risk_score"] == sum(f["weight"] for f in item["factors"])


def test_person_list_query_count_stays_flat(children, django_assert_max_num_queries):
    client = api(children, "district")
    home = household_in(children.units["ward2"])
    for age in range(3, 15):
        person_aged(age, household=home)
    with django_assert_max_num_queries(6):
        body = client.get(
            "/api/v1/indicators/persons",
            {"year": 2024, "indicator": "child", "measure": "population"},
        ).json()
    assert body["count"] >= 16


@pytest.mark.parametrize("year", [0, 1632895248566])
def test_a_school_year_no_calendar_holds_is_refused_not_a_server_error(children, year):
    response = api(children, "district").get("/api/v1/indicators", {"year": year})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "year"]


@pytest.mark.parametrize("username", ["district", "ward01", "school01"])
def test_person_list_keyset_pages_give_every_visible_row_once(children, username):
    for ward in ("ward1", "ward2"):
        for n in range(3):
            home = household_in(children.units[ward], code=f"HH-{ward}-{n}")
            person_aged(9, household=home)
            person_aged(9, household=home)  # born the same day: the person breaks the tie
    client = api(children, username)
    query = {"year": 2024, "indicator": "child", "measure": "deprived", "page_size": 2}

    listed, after, pages = [], "", 0
    while True:
        body = client.get("/api/v1/indicators/persons", {**query, "after": after}).json()
        pages += 1
        assert len(body["items"]) <= 2 and body["after"] == after
        listed += [item["id"] for item in body["items"]]
        if body["next_after"] is None:
            break
        after = body["next_after"]

    user = children.users[username]
    whole = selectors.list_indicator_persons_for_user(
        user, school_year=2024, indicator=Indicator.CHILD, measure=Measure.DEPRIVED
    )
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(whole.values_list("pk", flat=True))
    assert set(listed) <= set(restrict(Person.objects.all(), user).values_list("pk", flat=True))
    assert body["count"] == len(listed) and body["count_more"] is False
    assert pages == max(1, -(-len(listed) // 2))


def test_person_list_refuses_a_forged_after_token(children):
    response = api(children, "district").get("/api/v1/indicators/persons", {"after": "WzFd"})
    assert response.status_code == 422
