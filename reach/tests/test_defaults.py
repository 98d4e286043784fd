"""The defaults a newcomer meets: a page opens on the latest school year that has data in the
user's scope (not the calendar's), and a drill-down starts at the user's own unit."""

import pytest
from django.test import Client

from reach.common.schoolyear import current_school_year
from reach.geo.selectors import home_unit_for_user
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.selectors import default_school_year_for_user
from reach.registry.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_a_page_opens_on_the_latest_school_year_with_data_in_the_users_scope(world):
    EnrolmentFactory(person=world.persons["town"], school=world.schools["town"], school_year=2025)
    assert default_school_year_for_user(world.users["county"]) == 2025
    assert default_school_year_for_user(world.users["district"]) == 2024
    assert default_school_year_for_user(world.users["nobody"]) == current_school_year()


@pytest.mark.parametrize(
    ("username", "home"),
    [("county", "county"), ("district", "d12"), ("ward01", "ward1"), ("school01", "ward1")],
)
def test_a_drill_down_starts_at_the_users_own_unit(world, username, home):
    assert home_unit_for_user(world.users[username]) == world.units[home]


def test_an_administrator_over_two_countries_starts_at_the_whole_tree(world):
    assert home_unit_for_user(world.users["admin"]) is None


def test_the_county_offices_coverage_lists_its_towns_on_the_year_with_data(world):
    second = UnitFactory(code="522723101000", parent=world.units["county"], name="Town two")
    SchoolFactory(unit=second)
    client = Client()
    client.force_login(world.users["county"])
    response = client.get("/payments/coverage/")
    assert response.context["year"] == 2024
    assert response.context["unit"] == world.units["county"]
    listed = [row.unit for row in response.context["children"]]
    assert listed == [world.units["town"]]  # the town with poor pupils, not "CN"


@pytest.mark.parametrize("path", ["/payments/budget/", "/payments/reconciliation/"])
def test_the_money_pages_open_on_the_latest_school_year_with_data(world, path):
    client = Client()
    client.force_login(world.users["district"])
    assert client.get(path).context["year"] == 2024


def test_the_run_form_offers_the_latest_school_year_with_data(world):
    client = Client()
    client.force_login(world.users["district"])
    form = client.get("/runs/").context["form"]
    assert form.initial["school_year"] == 2024
