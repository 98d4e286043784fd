"""Persons, enrolments and poverty statuses over the API: what a page or an import can change,
another system can, through the same services and permissions, and every change is audited."""

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.registry.models import Enrolment, HouseholdYearStatus, Person

pytestmark = pytest.mark.django_db

REGISTERED_ELSEWHERE = "Registered elsewhere; ask the district office"
NEW_CHILD = {
    "full_name": "Trần Thị Mai",
    "sex": "f",
    "birth_date": "2017-03-02",
    "relation": "child",
}
AT_SCHOOL01 = {"school": "SCH-ward1", "school_year": 2024, "level": "primary", "grade": 2}


@pytest.fixture(autouse=True)
def viewer(world):
    """A viewer over the district: sees its wards, changes nothing."""
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user


def api(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def send(world, username: str, method: str, path: str, body: dict):
    client = api(world, username)
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")


def events(action: str = "") -> list[AuditEvent]:
    found = AuditEvent.objects.order_by("pk")
    return list(found.filter(action=action) if action else found)


# Adding a person


def test_ward_officer_adds_a_person_to_a_household_of_the_ward_and_it_is_audited(world):
    household = world.households["ward1"]
    response = send(
        world, "ward01", "post", "/persons", {"household_id": household.pk, **NEW_CHILD}
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(full_name="Trần Thị Mai")
    assert (response.json()["id"], person.household_id) == (person.pk, household.pk)
    [event] = events()
    assert (event.action, event.object_type, event.household_id, event.actor_name) == (
        "create",
        "registry.person",
        household.pk,
        "ward01",
    )


def test_office_adds_a_child_of_its_ward_enrolled_at_a_school_of_another_ward(world):
    household = world.households["ward2"]
    body = {"household_id": household.pk, **NEW_CHILD, "enrolment": AT_SCHOOL01}
    response = send(world, "district", "post", "/persons", body)
    assert response.status_code == 201, response.content
    [enrolment] = response.json()["enrolments"]
    assert (enrolment["school"], enrolment["level"], enrolment["grade"]) == (
        "SCH-ward1",
        "primary",
        2,
    )
    assert [e.object_type for e in events()] == ["registry.person", "registry.enrolment"]


def test_adding_a_person_to_a_household_outside_the_area_is_not_found_and_adds_nobody(world):
    body = {"household_id": world.households["ward2"].pk, **NEW_CHILD}
    assert send(world, "ward01", "post", "/persons", body).status_code == 404
    assert not Person.objects.filter(full_name="Trần Thị Mai").exists()
    assert not events()


def test_a_viewer_may_not_add_a_person(world):
    body = {"household_id": world.households["ward1"].pk, **NEW_CHILD}
    response = send(world, "viewer", "post", "/persons", body)
    assert response.status_code == 403
    assert not Person.objects.filter(full_name="Trần Thị Mai").exists()


def test_school_staff_add_a_pupil_they_enrol_at_their_school_and_nobody_else(world):
    household = world.households["ward1"]
    alone = send(world, "school01", "post", "/persons", {"household_id": household.pk, **NEW_CHILD})
    assert alone.status_code == 403
    body = {"household_id": household.pk, **NEW_CHILD, "enrolment": AT_SCHOOL01}
    assert send(world, "school01", "post", "/persons", body).status_code == 201
    elsewhere = {
        **body,
        "full_name": "Trần Văn An",
        "enrolment": AT_SCHOOL01 | {"school": "SCH-ward2"},
    }
    assert send(world, "school01", "post", "/persons", elsewhere).status_code == 403
    assert list(Person.objects.filter(full_name__startswith="Trần").values_list("full_name")) == [
        ("Trần Thị Mai",)
    ]


def test_adding_a_member_already_on_record_is_a_conflict(world):
    pupil = world.persons["ward1"]
    body = {
        "household_id": pupil.household_id,
        **NEW_CHILD,
        "full_name": pupil.full_name,
        "birth_date": pupil.birth_date.isoformat(),
    }
    response = send(world, "ward01", "post", "/persons", body)
    assert response.status_code == 409
    assert Person.objects.filter(full_name=pupil.full_name).count() == 1


def test_adding_a_person_with_an_unknown_school_names_the_field(world):
    body = {
        "household_id": world.households["ward1"].pk,
        **NEW_CHILD,
        "enrolment": AT_SCHOOL01 | {"school": "NO-SUCH"},
    }
    response = send(world, "ward01", "post", "/persons", body)
    assert (response.status_code, response.json()) == (
        422,
        {"detail": "school: Unknown school code NO-SUCH"},
    )


def test_a_failed_enrolment_adds_no_person_either(world):
    body = {
        "household_id": world.households["ward1"].pk,
        **NEW_CHILD,
        "enrolment": AT_SCHOOL01 | {"level": "upper_secondary"},
    }
    response = send(world, "ward01", "post", "/persons", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("level: ")
    assert not Person.objects.filter(full_name="Trần Thị Mai").exists()


# Correcting a person


def test_school_staff_correct_their_own_pupil_and_the_change_is_audited(world):
    pupil = world.persons["commuter"]
    response = send(
        world, "school01", "patch", f"/persons/{pupil.pk}", {"full_name": "Pupil Commuter Lê"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "Pupil Commuter Lê"
    [event] = events()
    assert (event.action, event.household_id) == ("update", pupil.household_id)
    assert (event.before["full_name"], event.after["full_name"]) == (
        "Pupil commuter",
        "Pupil Commuter Lê",
    )


def test_school_staff_may_not_correct_another_schools_pupil(world):
    pupil = world.persons["ward2"]
    response = send(world, "school01", "patch", f"/persons/{pupil.pk}", {"full_name": "Changed"})
    assert response.status_code == 404
    pupil.refresh_from_db()
    assert pupil.full_name == "Pupil ward2"


def test_a_viewer_may_not_correct_a_person(world):
    pupil = world.persons["ward1"]
    response = send(world, "viewer", "patch", f"/persons/{pupil.pk}", {"full_name": "Changed"})
    assert response.status_code == 403
    assert not events()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"national_id": "12345"}, "national_id"),
        ({"sex": "x"}, "sex"),
        ({"full_name": None}, "full_name"),
        ({"relation": "cousin"}, "relation"),
    ],
)
def test_an_invalid_correction_is_refused_naming_the_field(world, changes, field):
    pupil = world.persons["ward1"]
    response = send(world, "ward01", "patch", f"/persons/{pupil.pk}", changes)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert not events()


def test_a_national_id_of_a_visible_person_is_a_conflict_that_names_them(world):
    owner = world.persons["ward2"]
    owner.national_id = "079216000001"
    owner.save()
    pupil = world.persons["ward1"]
    response = send(
        world, "district", "patch", f"/persons/{pupil.pk}", {"national_id": "0792 1600 0001"}
    )
    assert response.status_code == 409
    assert f"person #{owner.pk}" in response.json()["detail"]


def test_a_national_id_of_someone_outside_the_area_says_registered_elsewhere_and_is_audited(
    world,
):
    owner = world.persons["ward2"]
    owner.national_id = "079216000001"
    owner.save()
    pupil = world.persons["ward1"]
    response = send(
        world, "ward01", "patch", f"/persons/{pupil.pk}", {"national_id": "079216000001"}
    )
    assert (response.status_code, response.json()) == (409, {"detail": REGISTERED_ELSEWHERE})
    pupil.refresh_from_db()
    assert pupil.national_id is None
    [event] = events()
    assert (event.action, event.object_id, event.household_id, event.actor_name) == (
        AuditAction.REFUSED,
        str(owner.pk),
        owner.household_id,
        "ward01",
    )


# Enrolments


def test_ward_officer_enrols_a_child_and_a_second_enrolment_at_the_level_is_a_conflict(world):
    pupil = world.persons["ward1"]
    body = AT_SCHOOL01 | {"school_year": 2025, "grade": 5}
    first = send(world, "ward01", "post", f"/persons/{pupil.pk}/enrolments", body)
    assert first.status_code == 201, first.content
    assert (first.json()["school_year"], first.json()["status"]) == (2025, "enrolled")
    again = send(world, "ward01", "post", f"/persons/{pupil.pk}/enrolments", body)
    assert again.status_code == 409
    assert Enrolment.objects.filter(person=pupil, school_year=2025).count() == 1
    [event] = events()
    assert (event.action, event.object_type, event.household_id) == (
        "create",
        "registry.enrolment",
        pupil.household_id,
    )


def test_school_staff_may_not_enrol_their_pupil_at_another_school(world):
    pupil = world.persons["commuter"]
    body = AT_SCHOOL01 | {"school": "SCH-ward2", "school_year": 2025}
    response = send(world, "school01", "post", f"/persons/{pupil.pk}/enrolments", body)
    assert response.status_code == 403
    assert not Enrolment.objects.filter(person=pupil, school_year=2025).exists()


def test_enrolling_in_a_year_far_ahead_names_the_field(world):
    pupil = world.persons["ward1"]
    body = AT_SCHOOL01 | {"school_year": 2999}
    response = send(world, "ward01", "post", f"/persons/{pupil.pk}/enrolments", body)
    assert response.status_code == 422  # refused by the API's bound on school years
    assert response.json()["detail"][0]["loc"] == ["body", "body", "school_year"]


def enrolment_of(world, key: str) -> Enrolment:
    return Enrolment.objects.get(person=world.persons[key], school_year=2024)


def test_school_staff_end_their_pupils_enrolment_once_and_it_is_audited(world):
    enrolment = enrolment_of(world, "commuter")
    path = f"/enrolments/{enrolment.pk}/end"
    body = {"status": "dropped_out", "reason": "left on 2024-11-04 to work"}
    response = send(world, "school01", "post", path, body)
    assert (response.status_code, response.json()["status"]) == (200, "dropped_out")
    [event] = events()
    assert (event.before["status"], event.after["status"], event.reason) == (
        "enrolled",
        "dropped_out",
        "left on 2024-11-04 to work",
    )
    assert send(world, "school01", "post", path, body).status_code == 409


def test_ending_an_enrolment_outside_the_area_is_not_found_and_changes_nothing(world):
    enrolment = enrolment_of(world, "ward2")
    path = f"/enrolments/{enrolment.pk}/end"
    assert send(world, "ward01", "post", path, {"status": "graduated"}).status_code == 404
    assert send(world, "viewer", "post", path, {"status": "graduated"}).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_an_enrolment_does_not_end_as_enrolled(world):
    enrolment = enrolment_of(world, "ward1")
    response = send(
        world, "ward01", "post", f"/enrolments/{enrolment.pk}/end", {"status": "enrolled"}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("status: ")


# Poverty status


def test_ward_officer_sets_the_status_of_a_year_with_its_decision_and_it_is_audited(world):
    household = world.households["ward1"]
    path = f"/households/{household.pk}/status/2025"
    body = {"status": "near_poor", "decision": "QĐ 12/QĐ-UBND"}
    response = send(world, "ward01", "put", path, body)
    assert response.json() == {"year": 2025, "status": "near_poor", "decision": "QĐ 12/QĐ-UBND"}
    changed = send(world, "ward01", "put", path, body | {"status": "escaped_near_poor"})
    assert changed.status_code == 200
    assert HouseholdYearStatus.objects.get(household=household, year=2025).status == (
        "escaped_near_poor"
    )
    assert [(e.action, e.household_id) for e in events()] == [
        ("create", household.pk),
        ("update", household.pk),
    ]


@pytest.mark.parametrize(("username", "expected"), [("school01", 403), ("viewer", 403)])
def test_school_staff_and_viewers_may_not_set_a_poverty_status(world, username, expected):
    household = world.households["ward1"]
    path = f"/households/{household.pk}/status/2024"
    response = send(world, username, "put", path, {"status": "none"})
    assert response.status_code == expected
    assert HouseholdYearStatus.objects.get(household=household, year=2024).status == "poor"
    assert not events()


def test_setting_the_status_of_a_household_outside_the_area_is_not_found(world):
    household = world.households["ward2"]
    path = f"/households/{household.pk}/status/2024"
    assert send(world, "ward01", "put", path, {"status": "none"}).status_code == 404
    assert HouseholdYearStatus.objects.get(household=household, year=2024).status == "poor"


def test_an_unknown_status_is_refused_naming_the_field(world):
    path = f"/households/{world.households['ward1'].pk}/status/2024"
    response = send(world, "ward01", "put", path, {"status": "rich"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("status: Unknown value “rich”")


def test_the_openapi_document_describes_every_refusal_of_the_writes(world):
    paths = api(world, "admin").get("/api/v1/openapi.json").json()["paths"]
    operations = [
        paths["/api/v1/persons"]["post"],
        paths["/api/v1/persons/{person_id}"]["patch"],
        paths["/api/v1/persons/{person_id}/enrolments"]["post"],
        paths["/api/v1/enrolments/{enrolment_id}/end"]["post"],
        paths["/api/v1/households/{household_id}/status/{year}"]["put"],
    ]
    for operation in operations:
        assert {"403", "404", "409", "422"} <= set(operation["responses"])
