"""End to end in Debian's chromium: log in, switch language, search a household, open it."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_switch_language_search_and_open_a_household(world, live_server, page):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "district")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Tổng quan"  # Vietnamese is the default language

    page.select_option("#language-form select", "en")
    expect(page.locator("h1")).to_have_text("Overview", timeout=15000)

    page.click("text=Households")
    page.fill("input[name=q]", "Head ward2")
    expect(page.locator("#results")).to_contain_text("HH-ward2", timeout=15000)
    expect(page.locator("#results")).not_to_contain_text("HH-ward1", timeout=15000)
    page.click("#results >> text=HH-ward2")
    page.wait_for_selector("h1:has-text('HH-ward2')")
    assert "Head ward2" in page.inner_text("main")
