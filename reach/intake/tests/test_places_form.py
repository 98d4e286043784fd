"""A school's places set on its page: created or changed through the service with the audit
event, shown with who set them; refused outside the user's scope (404) and for a role that
may not set them (403); a bad value shows the error and stores nothing."""

import pytest
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.intake.models import Capacity

pytestmark = pytest.mark.django_db


def _client(world, user: str) -> Client:
    client = Client()
    client.force_login(world.users[user])
    return client


def _url(world, school: str) -> str:
    return f"/intake/places/schools/{world.schools[school].pk}/"


def _events(capacity: Capacity) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(object_type="intake.capacity", object_id=str(capacity.pk))
        .order_by("at", "id")
        .values_list("action", "actor_name")
    )


def test_an_officer_sets_a_schools_places_and_the_page_shows_who_set_them(world):
    client = _client(world, "ward01")
    response = client.post(_url(world, "ward1"), {"school_year": 2025, "grade": 1, "places": 40})
    assert response.status_code == 302
    capacity = Capacity.objects.get()
    assert (capacity.school, capacity.school_year, capacity.grade, capacity.places) == (
        world.schools["ward1"],
        2025,
        1,
        40,
    )
    assert _events(capacity) == [("create", "ward01")]
    page = client.get(_url(world, "ward1")).content.decode()
    assert "<td>40</td><td>ward01</td>" in page


def test_setting_them_again_changes_the_figure_and_names_the_last_to_set_it(world):
    _client(world, "ward01").post(
        _url(world, "ward1"), {"school_year": 2025, "grade": 6, "places": 40}
    )
    district = _client(world, "district")
    district.post(_url(world, "ward1"), {"school_year": 2025, "grade": 6, "places": 55})
    capacity = Capacity.objects.get()
    assert capacity.places == 55
    assert _events(capacity) == [("create", "ward01"), ("update", "district")]
    intake = district.get("/intake/places/?year=2024&grade=6&unit=26734").content.decode()
    assert "<td>55</td><td>district</td>" in intake
    link = f"/intake/places/schools/{world.schools['ward1'].pk}/"
    assert link in intake
    # a primary school without preschool places is not listed for the preschool intake
    preschool = district.get("/intake/places/?year=2024&grade=0&unit=26734").content.decode()
    assert 'id="intake-places-set"' in preschool and link not in preschool


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"school_year": 2025, "grade": 1, "places": -1}, "places"),
        ({"school_year": 2025, "grade": 3, "places": 40}, "grade"),
        ({"school_year": 2025, "grade": 1, "places": "many"}, "places"),
    ],
)
def test_a_bad_value_shows_the_error_and_stores_nothing(world, values, field):
    response = _client(world, "ward01").post(_url(world, "ward1"), values)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert 'id="places-form"' in response.content.decode()
    assert not Capacity.objects.exists()
    assert not AuditEvent.objects.filter(object_type="intake.capacity").exists()


def test_a_school_outside_the_scope_is_not_found_and_school_staff_may_not_set_places(world):
    values = {"school_year": 2025, "grade": 1, "places": 40}
    ward01 = _client(world, "ward01")
    assert ward01.get(_url(world, "ward2")).status_code == 404
    assert ward01.post(_url(world, "ward2"), values).status_code == 404
    staff = _client(world, "school01")
    page = staff.get(_url(world, "ward1"))
    assert page.status_code == 200 and 'id="places-form"' not in page.content.decode()
    assert staff.post(_url(world, "ward1"), values).status_code == 403
    assert not Capacity.objects.exists()
