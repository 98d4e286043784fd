"""A walk in Debian's chromium as the Guiding county office: the pages speak Chinese, open on
the latest school year with data, and the coverage table lists the county's towns."""

import pytest

from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_office_reads_chinese_on_the_year_with_data_and_sees_its_towns(
    world, live_server, page
):
    second = UnitFactory(code="522723101000", parent=world.units["county"], name="新城镇")
    household = HouseholdFactory(unit=second)
    HouseholdYearStatusFactory(household=household, year=2024, status="poor")
    EnrolmentFactory(person=PersonFactory(household=household), school=SchoolFactory(unit=second))

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('概览')")
    assert page.get_attribute("html", "lang") == "zh-hans"

    page.goto(f"{live_server.url}/payments/coverage/")
    assert page.input_value("input[name=year]") == "2024"
    towns = page.locator("#coverage-units a").all_inner_texts()
    assert towns == [world.units["town"].name, "新城镇"]
    assert "中国" not in page.inner_text("main")

    page.goto(f"{live_server.url}/indicators/")
    assert page.input_value("input[name=year]") == "2024"
    page.goto(f"{live_server.url}/runs/")
    assert page.input_value("input[name=school_year]") == "2024"
