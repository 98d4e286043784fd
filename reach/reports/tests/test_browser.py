"""End to end in Debian's chromium: the district office imports the task table of seed 003's
appendix into its plan and reports progress on a task with evidence; a ward submits its
school-year report; the district accepts it; the district's rolled-up report shows the ward's
figures with its chart, and its PDF opens."""

import pytest

from reach.plans.models import PlanTask
from reach.plans.tests.factories import PlanFactory
from reach.plans.tests.test_import import appendix_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("h1:has-text('Overview')")


def open_report(page, live_server, template: str, unit: str) -> str:
    page.goto(f"{live_server.url}/reports/")
    form = "form[action$='/reports/open/']"
    page.select_option(f"{form} select[name=template]", template)
    page.fill(f"{form} input[name=unit]", unit)
    page.fill(f"{form} input[name=day]", "2024-10-15")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#report")
    return page.url


def test_import_update_submit_accept_and_open_the_rolled_up_pdf(world, live_server, page, tmp_path):
    plan = PlanFactory(code="351/KH-GDĐT", unit=world.units["d12"])
    table = tmp_path / "phu-luc.xlsx"
    table.write_bytes(appendix_xlsx())
    evidence = tmp_path / "bien-ban.txt"
    evidence.write_text("Biên bản họp triển khai", encoding="utf-8")

    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.set_input_files("form[action$='/import/'] input[type=file]", str(table))
    page.click("button:has-text('Check the table')")
    page.click("button:has-text('Import')")
    page.wait_for_load_state()
    assert PlanTask.objects.filter(plan=plan).exclude(number="").count() == 27

    task = PlanTask.objects.get(plan=plan, section="I", number="1")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    page.select_option("select[name=status]", "done")
    page.fill("textarea[name=note]", "Đã tổ chức hội nghị triển khai")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("button:has-text('Report progress')")
    page.wait_for_selector("#updates a:has-text('bien-ban.txt')")
    page.click("text=Log out")

    log_in(page, live_server, "ward01")
    ward_report = open_report(page, live_server, "vn_ward_school_year", "26734")
    page.fill("#narrative textarea >> nth=0", "Phường đã rà soát toàn bộ hộ nghèo.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_selector("#status:has-text('Submitted')")
    page.click("text=Log out")

    log_in(page, live_server, "district")
    page.goto(ward_report)
    page.click("button:has-text('Accept')")
    page.wait_for_selector("#status:has-text('Accepted')")
    open_report(page, live_server, "vn_district_school_year", "761")
    assert page.is_visible("#roll-up")
    sub_units = page.inner_text("#sub-units")
    assert "Thạnh Xuân" in sub_units and "Missing" in sub_units  # Thạnh Lộc has not reported
    assert page.locator("figure svg").count() >= 1
    pdf_link = page.get_attribute("#report a:has-text('PDF')", "href")
    pdf = page.request.get(live_server.url + pdf_link)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
