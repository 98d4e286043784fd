"""End to end in Debian's chromium: a ward officer opens a case from the out-of-school list,
records a household visit, closes the case as returned to school, and the ward's figures move."""

import pytest

from reach.indicators.tests.factories import household_in, person_aged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def figure(browser_page, selector: str) -> str:
    return browser_page.inner_text(selector).strip()


def test_open_a_case_from_the_list_visit_and_close_it_as_returned(world, live_server, page):
    home = household_in(world.units["ward1"], status="poor", code="HH-browser")
    person_aged(9, household=home, full_name="Đặng Văn Khoa")
    school = world.schools["ward1"]

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "ward01")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")

    page.goto(f"{live_server.url}/indicators/?year=2024")
    assert figure(page, "#out-of-school-count") == "1"
    assert figure(page, "#right-age-rate") == "50,0%"  # world's pupil attends, Khoa does not

    page.goto(f"{live_server.url}/cases/follow-up/?year=2024&list=out_of_school")
    row = page.locator("#detection-rows tr", has_text="Đặng Văn Khoa")
    row.locator("button.open-case").click()
    page.wait_for_selector("#visit-form")
    assert "Đặng Văn Khoa" in page.inner_text("h1")

    page.fill("#visit-form input[name=visitors]", "Cô Hạnh, anh Dũng")
    page.fill("#visit-form textarea[name=findings]", "Em phụ mẹ bán hàng ở chợ")
    page.check("#visit-form input[name=reasons][value=economic_hardship]")
    page.fill("#visit-form textarea[name=family_wishes]", "Muốn đi học lại nếu có xe đạp")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("text=Em phụ mẹ bán hàng ở chợ")

    page.select_option("#close-form select[name=outcome]", "returned_to_school")
    page.select_option("#close-form select[name=school]", str(school.pk))
    page.select_option("#close-form select[name=level]", "primary")
    page.fill("#close-form input[name=grade]", "4")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("#case-outcome")
    assert figure(page, "#case-status") == "Đã đóng"
    assert figure(page, "#case-outcome") == "Đã trở lại lớp"

    page.goto(f"{live_server.url}/indicators/?year=2024")
    assert figure(page, "#out-of-school-count") == "0"
    assert figure(page, "#right-age-rate") == "100,0%"
    page.goto(f"{live_server.url}/cases/?year=2024")
    assert figure(page, "#returned-count") == "1"
    assert figure(page, "#return-rate") == "100,0%"
