"""The cases API: scoping, masking for publication, detail with visits, board, campaign, and
query counts."""

import datetime as dt

import pytest
from django.test import Client

from reach.casework import services
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory
from reach.indicators.tests.factories import household_in, person_aged

pytestmark = pytest.mark.django_db
SYSTEM = services.command_line_actor()


def api(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.fixture
def cases(world):
    child = person_aged(
        9, household=household_in(world.units["ward1"], code="HH-api"), full_name="Võ Thị Mai"
    )
    mine = DropoutCaseFactory(person=child, opened_on=dt.date(2024, 9, 2))
    visit = CaseVisitFactory(case=mine, visited_on=dt.date(2024, 9, 9))
    visit.reasons.create(reason="distance")
    other = DropoutCaseFactory(person=person_aged(8, household=household_in(world.units["ward2"])))
    return {"mine": mine, "other": other}


def test_case_list_is_scoped_to_the_ward(world, cases):
    body = api(world, "ward01").get("/api/v1/cases", {"year": 2024}).json()
    assert [item["id"] for item in body["items"]] == [cases["mine"].pk]
    assert body["items"][0]["last_visit"] == "2024-09-09"


def test_public_case_list_masks_the_child(world, cases):
    body = api(world, "ward01").get("/api/v1/cases", {"public": True}).json()
    (item,) = body["items"]
    assert item["full_name"] == "Võ T. M."
    assert item["id"] is None and item["person_id"] is None and item["household_code"] is None


def test_case_detail_has_visits_with_reasons(world, cases):
    body = api(world, "ward01").get(f"/api/v1/cases/{cases['mine'].pk}").json()
    assert body["visits"][0]["reasons"] == ["distance"]
    assert body["entitlements"] == []


def test_case_outside_the_scope_is_not_found(world, cases):
    assert api(world, "ward01").get(f"/api/v1/cases/{cases['other'].pk}").status_code == 404


def test_board_counts_the_wards(world, cases):
    body = api(world, "district").get("/api/v1/cases/board", {"year": 2024, "unit": "761"}).json()
    assert [(row["unit"], row["cases"]) for row in body["rows"]] == [("26734", 1), ("26737", 1)]
    assert body["total"]["cases"] == 2


def test_campaign_report(world, cases):
    campaign = services.create_campaign(
        actor=SYSTEM,
        name="Sau hè",
        kind="after_summer",
        unit=world.units["d12"],
        school_year=2024,
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2024, 9, 30),
    )
    services.set_campaign_target(
        actor=SYSTEM, campaign=campaign, unit=world.units["ward1"], target_returns=2
    )
    body = api(world, "district").get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert body["total"]["handled"] == 2  # both cases were opened in September
    assert body["targets"][0] == {
        "unit": "26734",
        "unit_name": "Thạnh Xuân",
        "target_returns": 2,
        "handled": 1,
        "returned": 0,
        "progress": 0.0,
    }
    assert api(world, "county").get(f"/api/v1/campaigns/{campaign.pk}").status_code == 404


def test_case_list_query_count_stays_flat(world, cases, django_assert_max_num_queries):
    client = api(world, "district")
    for _ in range(8):
        DropoutCaseFactory(person=person_aged(10, household=household_in(world.units["ward2"])))
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/cases").json()
    assert body["count"] == 10
