"""End to end in Debian's chromium: a ward officer registers a family for the learning-family
title, records its self-assessment, the board's evaluation and the recognition decision,
downloads the certificate, and the district sees the ward's learning-family rate change."""

import pytest

from reach.learning.tests.factories import CriteriaSetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("h1:has-text('Overview')")


def family_rate(page, live_server) -> str:
    """The learning-family cell of ward 26734's row on the district's title rates."""
    page.goto(f"{live_server.url}/learning/?year=2024&unit=761")
    return page.inner_text("#title-rates tr:has(a:text-is('Thạnh Xuân')) td >> nth=0").strip()


def test_register_evaluate_recognise_download_and_see_the_rate(world, live_server, page):
    criteria_set = CriteriaSetFactory(name="Walk family criteria")

    log_in(page, live_server, "district")
    assert family_rate(page, live_server).startswith("0 / 1")
    page.click("text=Log out")

    log_in(page, live_server, "ward01")
    page.goto(f"{live_server.url}/learning/registrations/?year=2024")
    register = "form[action$='/registrations/new/']"
    page.fill(f"{register} input[name=year]", "2024")
    page.select_option(f"{register} select[name=criteria_set]", str(criteria_set.pk))
    page.fill(f"{register} input[name=subject]", "HH-ward1")
    page.click(f"{register} button[type=submit]")
    page.wait_for_selector("h1:has-text('HH-ward1')")
    # Both computed criteria are met and shown beside the self-assessment.
    assert page.inner_text("#scores").count("→ 20") == 2

    page.fill("input[name=points-3]", "10")
    page.click("button[value=self]")
    page.wait_for_selector("strong:has-text('Self-assessed')")
    page.click("button[value=board]")
    page.wait_for_selector("strong:has-text('Evaluated by the board')")
    page.fill("input[name=decision_number]", "15/QĐ-UBND")
    page.fill("input[name=decided_on]", "2024-12-01")
    page.click("button[value=decision]")
    page.wait_for_selector("strong:has-text('Recognised')")

    with page.expect_download() as download_info:
        page.click("text=Certificate (PDF)")
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.click("text=Log out")

    log_in(page, live_server, "district")
    assert family_rate(page, live_server).startswith("1 / 1 (100.0%)")
