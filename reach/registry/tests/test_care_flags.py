"""The key groups of dropout control on a person (left-behind, migrant, de-facto unsupported,
besides orphan and disabled) and who cares for the child: set by whoever may correct the
person, audited, out of reach of other wards, the caregiver's name masked like an ID."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed
from reach.registry.services import correct_person

pytestmark = pytest.mark.django_db

CARE = {
    "left_behind": True,
    "caregiver_name": "Lê Thị Bà",
    "caregiver_relation": "grandparent",
}


def client_of(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_ward_officer_flags_a_left_behind_child_with_its_caregiver_and_it_is_audited(world):
    child = world.persons["ward1"]

    correct_person(actor=world.users["ward01"], person=child, changes=CARE, reason="home visit")

    child.refresh_from_db()
    assert (child.left_behind, child.caregiver_name, child.caregiver_relation) == (
        True,
        "Lê Thị Bà",
        "grandparent",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.household_id, event.reason) == (
        "update",
        child.household_id,
        "home visit",
    )
    assert (event.before["left_behind"], event.after["left_behind"]) == (False, True)
    assert event.after["caregiver_relation"] == "grandparent"


def test_a_ward_officer_may_not_flag_a_child_of_another_ward(world):
    child = world.persons["ward2"]
    with pytest.raises(NotAllowed):
        correct_person(actor=world.users["ward01"], person=child, changes={"migrant": True})
    child.refresh_from_db()
    assert not child.migrant
    assert not AuditEvent.objects.exists()


def test_over_the_api_a_child_of_another_ward_is_not_found(world):
    child = world.persons["ward2"]
    response = client_of(world, "ward01").patch(
        f"/api/v1/persons/{child.pk}", {"unsupported": True}, content_type="application/json"
    )
    assert response.status_code == 404
    child.refresh_from_db()
    assert not child.unsupported


def test_an_unknown_caregiver_relation_is_refused_naming_the_field(world):
    response = client_of(world, "ward01").patch(
        f"/api/v1/persons/{world.persons['ward1'].pk}",
        {"caregiver_relation": "neighbour"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("caregiver_relation: ")


def test_the_flags_come_back_over_the_api_and_a_viewer_gets_no_caregiver_name(world):
    child = world.persons["ward1"]
    correct_person(actor=world.users["ward01"], person=child, changes=CARE)
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user

    officer = client_of(world, "ward01").get(f"/api/v1/persons/{child.pk}").json()
    viewer = client_of(world, "viewer").get(f"/api/v1/persons/{child.pk}").json()

    assert (officer["left_behind"], officer["caregiver_name"]) == (True, "Lê Thị Bà")
    assert (viewer["left_behind"], viewer["caregiver_name"], viewer["masked"]) == (True, "", True)
    assert viewer["caregiver_relation"] == "grandparent"


def test_the_person_page_shows_the_flags_and_the_caregiver(world):
    child = world.persons["ward1"]
    correct_person(actor=world.users["ward01"], person=child, changes={**CARE, "migrant": True})

    body = (
        client_of(world, "ward01").get(reverse("registry:person", args=[child.pk])).content.decode()
    )

    assert "left-behind child" in body
    assert "migrant child" in body
    assert "de-facto unsupported" not in body
    assert 'id="person-caregiver"' in body
    assert "Lê Thị Bà (Grandparent)" in body
