"""Web pages: login required, scoped lists and pages, audit trail on the record's page."""

import pytest
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.conftest import VISIBLE_HOUSEHOLDS
from reach.registry.services import delete_registry_record, save_registry_record

pytestmark = pytest.mark.django_db


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_pages_require_login(world):
    response = Client().get("/households/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_household_pages_respect_scope(world, username):
    client = logged_in(world, username)
    listing = client.get("/households/").content.decode()
    for key, household in world.households.items():
        visible = key in VISIBLE_HOUSEHOLDS[username]
        assert (household.code in listing) == visible
        assert client.get(f"/households/{household.pk}/").status_code == (200 if visible else 404)
        assert client.get(f"/persons/{world.persons[key].pk}/").status_code == (
            200 if visible else 404
        )


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_dashboard_counts_only_the_users_scope(world, username):
    counts = logged_in(world, username).get("/").context["counts"]
    assert counts["households"] == len(VISIBLE_HOUSEHOLDS[username])


def test_household_search_by_head_name_and_htmx_partial(world):
    client = logged_in(world, "district")
    response = client.get("/households/", {"q": "Head ward2"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "HH-ward2" in body and "HH-ward1" not in body
    assert "<html" not in body  # htmx gets only the rows


def test_household_page_shows_audit_of_an_update_with_before_and_after(world):
    household = world.households["ward1"]
    household.head_name = "Nguyễn Văn Mới"
    save_registry_record(actor=world.users["district"], obj=household, reason="correction")
    event = AuditEvent.objects.get(object_type="registry.household", object_id=str(household.pk))
    assert (event.action, event.actor_name) == ("update", "district")
    assert event.before["head_name"] == "Head ward1"
    assert event.after["head_name"] == "Nguyễn Văn Mới"
    page = logged_in(world, "ward01").get(f"/households/{household.pk}/").content.decode()
    assert "Nguyễn Văn Mới" in page and "correction" in page


def test_saving_without_change_records_nothing(world):
    save_registry_record(actor=world.users["admin"], obj=world.households["ward1"])
    assert not AuditEvent.objects.exists()


def test_delete_keeps_the_last_values_in_the_audit(world):
    person = world.persons["commuter"].household.members.get(full_name="Sibling at home")
    delete_registry_record(actor=world.users["admin"], obj=person)
    event = AuditEvent.objects.get(action="delete")
    assert event.before["full_name"] == "Sibling at home"
    assert event.household_id == person.household_id


def test_language_switch_renders_chinese(world):
    client = logged_in(world, "district")
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_vietnamese_is_the_default_whatever_the_browser_asks(world):
    client = logged_in(world, "district")
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in page.content.decode()
