"""The cases API: scoping, masking for publication, detail with visits, board, campaign, and
query counts."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.casework import services
from reach.casework.models import Campaign, DropoutCase, WorkGroup
from reach.casework.tests.factories import (
    CaseVisitFactory,
    DropoutCaseFactory,
    WorkGroupFactory,
)
from reach.indicators.tests.factories import household_in, person_aged
from reach.registry.models import Enrolment

pytestmark = pytest.mark.django_db
SYSTEM = command_line_actor()


def api(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
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


@pytest.fixture
def records(world):
    """Per ward: a visited active case, a closed case, a child without a case, a work group;
    and a campaign over the district."""
    found = {}
    for ward in ("ward1", "ward2"):
        active = DropoutCaseFactory(person=world.persons[ward], opened_on=dt.date(2024, 9, 2))
        CaseVisitFactory(case=active, visited_on=dt.date(2024, 9, 9))
        closed = DropoutCaseFactory(
            person=person_aged(10, household=household_in(world.units[ward])),
            opened_on=dt.date(2024, 9, 2),
            status="closed",
            outcome="still_out",
            closed_on=dt.date(2024, 9, 30),
        )
        found[ward] = {
            "case": active,
            "closed": closed,
            "child": person_aged(9, household=household_in(world.units[ward])),
            "group": WorkGroupFactory(unit=world.units[ward]),
        }
    found["campaign"] = Campaign.objects.create(
        name="Sau hè",
        kind="after_summer",
        unit=world.units["d12"],
        school_year=2024,
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2024, 10, 31),
    )
    return found


def _case_write(path: str, body: dict, audited: str):
    """A write on a case: inside is ward 26734's, outside is ward 26737's, which ward01 cannot
    see."""
    return lambda r: (
        f"/api/v1/cases/{r['ward1']['case'].pk}/{path}",
        body,
        f"/api/v1/cases/{r['ward2']['case'].pk}/{path}",
        body,
        audited,
    )


# name -> (user who may, records -> (path, body, path outside their scope, body, audited type))
WRITES = {
    "open case": (
        "ward01",
        lambda r: (
            "/api/v1/cases",
            {"person_id": r["ward1"]["child"].pk, "school_year": 2024, "kind": "out_of_school"},
            "/api/v1/cases",
            {"person_id": r["ward2"]["child"].pk, "school_year": 2024, "kind": "out_of_school"},
            "casework.dropoutcase",
        ),
    ),
    "open from lists": (
        "ward01",
        lambda r: (
            "/api/v1/cases/open-from-lists",
            {"year": 2024, "unit": "26734"},
            "/api/v1/cases/open-from-lists",
            {"year": 2024, "unit": "26737"},
            "casework.dropoutcase",
        ),
    ),
    "assign": (
        "ward01",
        lambda r: (
            f"/api/v1/cases/{r['ward1']['case'].pk}/assign",
            {"work_group_id": r["ward1"]["group"].pk},
            f"/api/v1/cases/{r['ward2']['case'].pk}/assign",
            {"work_group_id": None},
            "casework.dropoutcase",
        ),
    ),
    "visit": (
        "ward01",
        _case_write(
            "visits",
            {"visited_on": "2024-09-20", "visitors": "Cô Hạnh", "reasons": ["distance"]},
            "casework.casevisit",
        ),
    ),
    "action": (
        "ward01",
        _case_write(
            "actions", {"kind": "literacy_class", "taken_on": "2024-09-21"}, "casework.caseaction"
        ),
    ),
    "close": (
        "ward01",
        _case_write(
            "close", {"outcome": "still_out", "closed_on": "2024-10-01"}, "casework.dropoutcase"
        ),
    ),
    "reopen": (
        "ward01",
        lambda r: (
            f"/api/v1/cases/{r['ward1']['closed'].pk}/reopen",
            {"reason": "Left school again"},
            f"/api/v1/cases/{r['ward2']['closed'].pk}/reopen",
            {"reason": "Left school again"},
            "casework.dropoutcase",
        ),
    ),
    "create campaign": (
        "district",
        lambda r: (
            "/api/v1/campaigns",
            {
                "name": "Sau Tết",
                "kind": "after_tet",
                "unit": "761",
                "school_year": 2024,
                "starts_on": "2025-02-03",
                "ends_on": "2025-03-15",
            },
            "/api/v1/campaigns",
            {
                "name": "春节后",
                "kind": "after_tet",
                "unit": "522723000000",
                "school_year": 2024,
                "starts_on": "2025-02-03",
                "ends_on": "2025-03-15",
            },
            "casework.campaign",
        ),
    ),
    "set campaign target": (
        "district",
        lambda r: (
            f"/api/v1/campaigns/{r['campaign'].pk}/targets",
            {"unit": "26734", "target_returns": 3},
            f"/api/v1/campaigns/{r['campaign'].pk + 1000}/targets",
            {"unit": "26734", "target_returns": 3},
            "casework.campaigntarget",
        ),
    ),
    "create work group": (
        "ward01",
        lambda r: (
            "/api/v1/work-groups",
            {"name": "Tổ công tác Thạnh Xuân", "unit": "26734"},
            "/api/v1/work-groups",
            {"name": "Tổ công tác Thạnh Lộc", "unit": "26737"},
            "casework.workgroup",
        ),
    ),
    "add work group member": (
        "ward01",
        lambda r: (
            f"/api/v1/work-groups/{r['ward1']['group'].pk}/members",
            {"full_name": "Nguyễn Văn Hùng", "affiliation": "youth_union", "is_lead": True},
            f"/api/v1/work-groups/{r['ward2']['group'].pk}/members",
            {"full_name": "Nguyễn Văn Hùng", "affiliation": "youth_union"},
            "casework.workgroupmember",
        ),
    ),
}


def post(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_inside_the_scope_is_done_and_audited(world, records, name):
    username, spec = WRITES[name]
    path, body, _outside, _body, audited = spec(records)
    before = AuditEvent.objects.filter(object_type=audited).count()

    response = post(api(world, username), path, body)

    assert response.status_code in (200, 201), response.content
    events = AuditEvent.objects.filter(object_type=audited)
    assert events.count() > before
    assert events.latest("id").actor == world.users[username]


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_outside_the_scope_is_not_found_and_changes_nothing(world, records, name):
    username, spec = WRITES[name]
    _path, _body, path, body, _audited = spec(records)
    events = AuditEvent.objects.count()

    response = post(api(world, username), path, body)

    assert response.status_code == 404, response.content
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_viewer_who_sees_the_record_is_refused(world, records, name):
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user
    path, body, _outside, _body, _audited = WRITES[name][1](records)
    events = AuditEvent.objects.count()

    response = post(api(world, "viewer"), path, body)

    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    assert AuditEvent.objects.count() == events


def test_an_editor_of_one_ward_who_sees_another_cannot_change_its_case_through_the_api(
    world, records
):
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, role="viewer", unit=world.units["d12"])
    MembershipFactory(user=user, role="ward_officer", unit=world.units["ward1"])
    world.users["mixed"] = user
    client = api(world, "mixed")
    other, mine = records["ward2"]["case"], records["ward1"]["case"]
    body = {"outcome": "still_out", "closed_on": "2024-10-01"}

    assert client.get(f"/api/v1/cases/{other.pk}").status_code == 200
    refused = post(client, f"/api/v1/cases/{other.pk}/close", body)
    accepted = post(client, f"/api/v1/cases/{mine.pk}/close", body)

    assert refused.status_code == 403 and refused.json() == {
        "detail": "Your role cannot change this case."
    }
    assert accepted.status_code == 200 and accepted.json()["status"] == "closed"
    other.refresh_from_db()
    assert other.status == "open"


def test_a_visit_to_a_closed_case_is_a_conflict(world, records):
    closed = records["ward1"]["closed"]
    response = post(
        api(world, "ward01"),
        f"/api/v1/cases/{closed.pk}/visits",
        {"visited_on": "2024-10-02", "visitors": "Cô Hạnh"},
    )
    assert response.status_code == 409
    assert "reopen it first" in response.json()["detail"]


def test_a_rule_of_the_life_cycle_is_unprocessable(world, records):
    child = records["ward1"]["child"]
    response = post(
        api(world, "ward01"),
        "/api/v1/cases",
        {"person_id": child.pk, "school_year": 2024, "kind": "no_such_kind"},
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "Unknown kind of case: no_such_kind"}


def test_closing_as_returned_records_the_school_named_by_its_code(world, records):
    case = records["ward1"]["case"]
    body = post(
        api(world, "ward01"),
        f"/api/v1/cases/{case.pk}/close",
        {
            "outcome": "returned_to_school",
            "closed_on": "2024-10-01",
            "school": "SCH-ward1",
            "level": "primary",
            "grade": 4,
        },
    ).json()
    assert (body["status"], body["outcome"]) == ("closed", "returned_to_school")
    assert Enrolment.objects.filter(
        person=case.person, school=world.schools["ward1"], status="enrolled"
    ).exists()


def test_visits_through_the_api_appear_on_the_case(world, records):
    case = records["ward1"]["case"]
    body = post(
        api(world, "ward01"),
        f"/api/v1/cases/{case.pk}/visits",
        {"visited_on": "2024-09-20", "visitors": "Cô Hạnh", "reasons": ["work", "distance"]},
    ).json()
    assert body["status"] == "in_progress"
    assert body["visits"][0]["reasons"] == ["distance", "work"]
    assert body["last_visit"] == "2024-09-20"


def test_work_groups_and_campaigns_are_listed_in_scope(world, records):
    groups = api(world, "ward01").get("/api/v1/work-groups").json()
    assert [g["unit"] for g in groups] == ["26734"]
    assert api(world, "district").get("/api/v1/campaigns").json()[0]["unit"] == "761"
    assert api(world, "county").get("/api/v1/campaigns").json() == []
    assert api(world, "county").get(f"/api/v1/work-groups/{groups[0]['id']}").status_code == 404


def test_the_openapi_document_describes_the_errors_of_every_casework_write(world):
    schema = api(world, "admin").get("/api/v1/openapi.json").json()
    writes = [
        (path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method == "post" and "casework" in operation.get("tags", [])
    ]
    assert len(writes) == len(WRITES)
    for path, operation in writes:
        assert {"403", "404", "409", "422"} <= set(operation["responses"]), path


@pytest.mark.parametrize("year", [0, False, 10_000])
def test_opening_cases_for_a_school_year_no_calendar_holds_is_refused_and_opens_nothing(
    world, year
):
    response = post(api(world, "ward01"), "/api/v1/cases/open-from-lists", {"year": year})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body", "year"]
    assert not DropoutCase.objects.exists()


def test_a_work_group_name_longer_than_its_column_is_refused_and_nothing_is_made(world):
    client = api(world, "ward01")

    response = post(client, "/api/v1/work-groups", {"name": "n" * 201, "unit": "26734"})

    assert response.status_code == 422
    assert response.json() == {"detail": "name: at most 200 characters, not 201."}
    assert not WorkGroup.objects.exists()
    made = post(client, "/api/v1/work-groups", {"name": "n" * 200, "unit": "26734"})
    assert made.status_code == 201


def test_a_member_organisation_longer_than_its_column_is_refused(world, records):
    group = records["ward1"]["group"]
    body = {"full_name": "Cô Hạnh", "affiliation": "school", "organisation": "o" * 201}

    response = post(api(world, "ward01"), f"/api/v1/work-groups/{group.pk}/members", body)

    assert response.status_code == 422
    assert not group.members.filter(full_name="Cô Hạnh").exists()
