"""End to end in Debian's chromium: log in, switch language, search a household, open it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_switch_language_search_and_open_a_household(world, live_server, page):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "district")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Tổng quan"  # Vietnamese is the default language

    page.select_option("#language-form select", "en")
    page.wait_for_function("document.querySelector('h1').innerText === 'Overview'")

    page.click("text=Households")
    page.fill("input[name=q]", "Head ward2")
    page.wait_for_function(
        "!document.querySelector('#results').innerText.includes('HH-ward1')"
        " && document.querySelector('#results').innerText.includes('HH-ward2')"
    )
    page.click("#results >> text=HH-ward2")
    page.wait_for_selector("h1:has-text('HH-ward2')")
    assert "Head ward2" in page.inner_text("main")
