"""Personal data over the JSON API follows the rule of exports and PDFs (`may_see_unmasked`): a
viewer or school staff gets a national ID masked to its last four characters, no birth date and
no address; an office or ward officer (an editor over the unit) gets the full record."""

import pytest
from django.test import Client

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.indicators.tests.factories import household_in, person_aged
from reach.registry.models import Household, Person

pytestmark = pytest.mark.django_db

NATIONAL_ID = "079204001234"
MASKED_ID = "********1234"


@pytest.fixture
def recorded(world):
    """The ward 26734 pupil with a national ID, and a viewer over District 12."""
    Person.objects.filter(pk=world.persons["ward1"].pk).update(national_id=NATIONAL_ID)
    Household.objects.filter(pk=world.households["ward1"].pk).update(address="12 Lê Lợi")
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user
    return world


def api(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def person_of(world, username: str) -> dict:
    response = api(world, username).get(f"/api/v1/persons/{world.persons['ward1'].pk}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("username", ["viewer", "school01"])
def test_a_viewer_or_school_staff_gets_a_persons_id_masked_and_no_birth_date(recorded, username):
    person = person_of(recorded, username)
    assert (person["national_id"], person["birth_date"], person["masked"]) == (
        MASKED_ID,
        None,
        True,
    )
    assert person["full_name"] == "Pupil ward1"  # names stay, as in a masked export


@pytest.mark.parametrize("username", ["ward01", "district", "admin"])
def test_an_editor_over_the_unit_gets_the_full_person(recorded, username):
    person = person_of(recorded, username)
    assert (person["national_id"], person["birth_date"], person["masked"]) == (
        NATIONAL_ID,
        "2015-05-01",
        False,
    )


def test_a_viewer_gets_the_household_detail_without_address_and_its_members_masked(recorded):
    household_id = recorded.households["ward1"].pk
    viewer = api(recorded, "viewer").get(f"/api/v1/households/{household_id}").json()
    officer = api(recorded, "ward01").get(f"/api/v1/households/{household_id}").json()

    assert (viewer["address"], viewer["masked"]) == ("", True)
    assert [(m["national_id"], m["birth_date"]) for m in viewer["members"]] == [(MASKED_ID, None)]
    assert (officer["address"], officer["masked"]) == ("12 Lê Lợi", False)
    assert [m["national_id"] for m in officer["members"]] == [NATIONAL_ID]


def test_a_viewer_gets_the_household_list_without_addresses(recorded):
    query = {"unit": "26734"}
    (viewer,) = api(recorded, "viewer").get("/api/v1/households", query).json()["items"]
    (officer,) = api(recorded, "ward01").get("/api/v1/households", query).json()["items"]
    assert (viewer["address"], viewer["masked"]) == ("", True)
    assert (officer["address"], officer["masked"]) == ("12 Lê Lợi", False)


def test_a_person_written_by_school_staff_comes_back_masked(recorded):
    response = api(recorded, "school01").patch(
        f"/api/v1/persons/{recorded.persons['ward1'].pk}",
        {"full_name": "Pupil ward1 corrected", "reason": "spelling"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["national_id"], response.json()["birth_date"]) == (MASKED_ID, None)


def test_a_viewer_gets_the_indicator_person_list_with_ids_masked_and_no_birth_dates(recorded):
    home = household_in(recorded.units["ward1"], status="poor", code="HH-out")
    child = person_aged(8, household=home, full_name="Trần Văn Cường", national_id="079216005678")
    query = {"year": 2024, "indicator": "child", "measure": "deprived", "unit": "26734"}

    viewer = api(recorded, "viewer").get("/api/v1/indicators/persons", query).json()
    officer = api(recorded, "ward01").get("/api/v1/indicators/persons", query).json()

    assert viewer["masked"] and not officer["masked"]
    assert [(p["id"], p["national_id"], p["birth_date"]) for p in viewer["items"]] == [
        (child.pk, "********5678", None)
    ]
    assert [(p["national_id"], p["birth_date"]) for p in officer["items"]] == [
        ("079216005678", child.birth_date.isoformat())
    ]
