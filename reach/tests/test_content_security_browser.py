"""End to end in Debian's chromium under the content-security policy: the language chooser
(site.js), the household search and a person's page (htmx: a search as one types, blocks loaded
on arrival, the "why" button) all work, and the browser reports no violation of the policy."""

import pytest
from playwright.sync_api import expect

from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's policy: this one records what it refuses.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_htmx_pages_work_under_the_policy_without_a_violation(world, live_server, page):
    load_policies_dir(path=default_policies_dir())
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []

    def collect():
        violations.extend(page.evaluate("window.__violations"))

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "district")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    collect()
    page.select_option("#language-form select", "en")  # submitted by site.js
    expect(page.locator("h1")).to_have_text("Overview", timeout=15000)
    collect()

    page.click("nav >> text=Households")
    page.fill("input[name=q]", "Head ward2")  # htmx swaps the results as one types
    expect(page.locator("#results")).to_contain_text("HH-ward2", timeout=15000)
    expect(page.locator("#results")).not_to_contain_text("HH-ward1", timeout=15000)
    assert "q=Head%20ward2" in page.url  # hx-push-url
    collect()

    page.goto(f"{live_server.url}/persons/{world.persons['ward1'].pk}/")
    page.wait_for_selector("#person-entitlements")  # loaded by htmx on arrival
    page.wait_for_selector("#student-file")
    page.click(".why-button")
    page.wait_for_selector(".why-panel")
    collect()

    page.goto(f"{live_server.url}/indicators/?year=2024")  # the SVG bars
    page.wait_for_selector("svg.bar")
    collect()

    assert violations == []
    assert [text for text in console if "Content Security Policy" in text] == []
