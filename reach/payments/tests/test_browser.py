"""End to end in Debian's chromium: a ward officer submits a run, the district office approves
and publishes it, records a payment, and the ward's coverage goes up."""

import pytest

from reach.entitlements.services import run_entitlements
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("h1:has-text('Overview')")


def test_submit_approve_publish_pay_and_see_coverage_change(world, live_server, page):
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(
        policy_codes=["vn-poverty-education"], school_year=2024, unit=world.units["ward1"]
    )
    coverage = f"{live_server.url}/payments/coverage/?year=2024&unit=26734"

    log_in(page, live_server, "ward01")
    page.goto(f"{live_server.url}/runs/{run.pk}/")
    page.click("#submit-run")
    page.wait_for_selector("#run-stage:has-text('Submitted')")
    page.click("text=Log out")

    log_in(page, live_server, "district")
    page.goto(coverage)
    assert page.inner_text("#coverage-served") == "0"
    page.goto(f"{live_server.url}/runs/{run.pk}/")
    page.click("#approve-run")
    page.wait_for_selector("#run-stage:has-text('Approved')")
    page.click("#publish-run")
    page.wait_for_selector("#run-stage:has-text('Published')")

    page.click(".pay-link >> nth=0")
    page.fill("input[name=voucher]", "PC-2024-001")
    page.select_option("select[name=method]", "cash")
    page.click("#payment-form button[type=submit]")
    page.wait_for_selector("text=The payment was recorded.")

    page.goto(coverage)
    assert page.inner_text("#coverage-served") == "1"
    assert page.inner_text("#coverage-percent") == "100.0%"
