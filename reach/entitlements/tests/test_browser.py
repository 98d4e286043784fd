"""End to end in Debian's chromium: start a run from the web UI, watch its progress while the
background worker computes it, read its totals, then ask why a pupil gets a benefit."""

import io

import pytest
from django.core.management import call_command

from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_a_run_watch_it_finish_and_ask_why(world, live_server, page):
    load_policies_dir(path=default_policies_dir())
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "district")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("h1:has-text('Overview')")

    page.click("nav >> text=Entitlement runs")
    page.check("input[value=vn-poverty-education]")
    page.fill("input[name=school_year]", "2024")
    page.select_option("select[name=unit]", "761")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector("text=Waiting for the background worker")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    page.wait_for_selector("#run-totals")  # the progress bar reloaded the finished run
    run = EntitlementRun.objects.get()
    assert page.inner_text("#run-status") == "Done"
    assert f"{run.totals['lines']}\nLines" in page.inner_text("#run-totals")

    line = EntitlementLine.objects.filter(run=run, person=world.persons["ward1"]).first()
    page.goto(f"{live_server.url}/persons/{line.person_id}/")
    page.click(".why-button")
    page.wait_for_selector(".why-panel")
    assert "reference date 2024-09-05" in page.inner_text(".why-panel")
    assert "Legal source" in page.inner_text(".verdict.granted")
