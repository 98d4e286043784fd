"""A user's language is saved on the user and follows them; until they choose, it is the
language of their unit's country."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def page_language(client: Client) -> str:
    return client.get("/").headers["Content-Language"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("username", "language"),
    [("county", "zh-hans"), ("district", "vi"), ("school01", "vi"), ("admin", "vi")],
)
def test_a_user_who_has_not_chosen_reads_their_countrys_language(world, username, language):
    assert page_language(logged_in(world.users[username])) == language


def test_the_switch_saves_the_language_on_the_user_and_it_follows_them_to_another_machine(world):
    county = world.users["county"]
    first = logged_in(county)
    response = first.post("/language/", {"language": "en", "next": "/households/"})
    assert response.status_code == 302 and response.url == "/households/"
    county.refresh_from_db()
    assert county.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # nothing left on the machine
    assert page_language(logged_in(county)) == "en"


def test_the_next_user_of_a_shared_machine_is_not_given_the_previous_users_language(world):
    machine = logged_in(world.users["district"])
    machine.post("/language/", {"language": "zh-hans", "next": "/"})
    machine.logout()
    machine.force_login(world.users["ward01"])
    assert page_language(machine) == "vi"


def test_before_login_the_switch_is_kept_on_the_machine(world):
    client = Client()
    assert page_language(client) == "vi"
    client.post("/language/", {"language": "zh-hans", "next": "/login/"})
    assert client.get("/login/").headers["Content-Language"] == "zh-hans"


def test_the_switch_refuses_an_unknown_language_and_an_outside_address(world):
    ward01 = world.users["ward01"]
    client = logged_in(ward01)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.url == "/"
    ward01.refresh_from_db()
    assert ward01.language == ""
