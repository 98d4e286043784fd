"""End to end in Debian's chromium: a ward officer records a donation, opens a scholarship
round, draws and submits it; the district office approves, publishes and pays it; the pupil's
file shows the award and the fund's report shows the cash going down."""

import datetime as dt

import pytest

from reach.funds.models import ScholarshipRound
from reach.funds.tests.factories import FundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("h1:has-text('Overview')")


def closing_cash(page, live_server, fund) -> str:
    page.goto(f"{live_server.url}/funds/{fund.pk}/report/?year=2024")
    return page.inner_text("tr:has(th:text-is('Cash held on 31 December')) td")


def test_donate_open_a_round_approve_publish_pay_and_see_the_award(world, live_server, page):
    fund = FundFactory(code="KH-WALK", unit=world.units["ward1"])
    pupil = world.persons["ward1"]

    log_in(page, live_server, "ward01")
    page.goto(f"{live_server.url}/funds/{fund.pk}/")
    gift = "form[action$='/donate/']"
    page.select_option(f"{gift} select[name=form]", "cash")
    page.fill(f"{gift} input[name=received_on]", "2024-10-01")
    page.fill(f"{gift} input[name=amount]", "2000000")
    page.fill(f"{gift} input[name=new_donor]", "Công ty An Phát")
    page.select_option(f"{gift} select[name=new_donor_kind]", "enterprise")
    page.click(f"{gift} button[type=submit]")
    page.wait_for_selector("text=Donation recorded")
    assert closing_cash(page, live_server, fund) == "2,000,000 VND"

    page.goto(f"{live_server.url}/funds/{fund.pk}/rounds/new/")
    page.fill("input[name=code]", "WALK-2024")
    page.fill("input[name=name_en]", "Walk scholarships")
    page.fill("input[name=school_year]", "2024")
    page.select_option("select[name=purpose]", "scholarships")
    page.fill("input[name=budget_minor]", "1000000")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_selector("h1:has-text('WALK-2024')")
    page.click("button:has-text('Draw the candidates')")
    page.wait_for_selector("text=candidates drawn")
    page.click("button:has-text('Submit for approval')")
    page.wait_for_selector("strong:has-text('Submitted')")
    round_url = page.url
    page.click("text=Log out")

    log_in(page, live_server, "district")
    page.goto(round_url)
    page.click("button:has-text('Approve')")
    page.wait_for_selector("strong:has-text('Approved')")
    page.click("button:has-text('Publish the notice')")
    page.wait_for_selector("text=public notice")
    # the notice's week of objections passes
    ScholarshipRound.objects.filter(code="WALK-2024").update(
        objections_until=dt.date.today() - dt.timedelta(days=1)
    )
    page.reload()
    page.fill("form[action$='/award/'] input[name=on]", "2024-11-01")
    page.click("button:has-text('Pay the selected pupils')")
    page.wait_for_selector("text=1 awards paid")

    page.goto(f"{live_server.url}/persons/{pupil.pk}/file/")
    support = page.inner_text("table.support")
    assert "KH-WALK" in support and "500,000" in support
    assert closing_cash(page, live_server, fund) == "1,500,000 VND"
