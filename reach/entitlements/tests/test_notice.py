"""The public notice of a published run, per school or ward, as .xlsx and PDF: every personal
field masked (names, national ID), no birth date, household code or address; the objection
period stated; only the schools and wards of the user's scope; objections from the page."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from python_calamine import CalamineWorkbook

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.entitlements.choices import ObjectionStatus
from reach.entitlements.models import Objection
from reach.entitlements.notice import NOTICE_TEMPLATE, NoticePlace, notice_document_context
from reach.entitlements.selectors import (
    list_notice_lines_for_user,
    list_notice_schools_for_user,
    list_notice_wards_for_user,
)
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, publish_run, submit_run
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"
BIRTH_DATE = dt.date(2015, 5, 1)

# What the registry holds about the pupil of ward 26734, and what the notice may show of it.
PERSONAL = {"full_name": "Nguyễn Văn An", "national_id": "079204001234"}
MASKED = {"full_name": "Nguyễn V. A.", "national_id": "********1234"}


def never_published(world) -> list[str]:
    """The pupil's and household's data that no notice carries, in any spelling."""
    household = world.households["ward1"]
    return [
        PERSONAL["full_name"],
        PERSONAL["national_id"],
        "Văn An",
        BIRTH_DATE.isoformat(),
        BIRTH_DATE.strftime("%d/%m/%Y"),
        "2015",
        household.code,
        household.address,
        household.head_name,
    ]


@pytest.fixture
def published(world):
    person = world.persons["ward1"]
    person.full_name, person.national_id, person.birth_date = (*PERSONAL.values(), BIRTH_DATE)
    person.save()
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["d12"])
    run = submit_run(run=run, actor=world.users["admin"])
    run = approve_run(run=run, actor=world.users["district"])
    return publish_run(run=run, actor=world.users["district"], objection_days=5)


def client_for(client, world, username, language="en"):
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def cells(response) -> list[str]:
    content = response.getvalue()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return [str(value) for row in rows for value in row if value != ""]


def test_the_xlsx_notice_masks_every_personal_field_and_states_the_objection_period(
    client, world, published
):
    response = client_for(client, world, "ward01").get(
        f"/runs/{published.pk}/notice.xlsx", {"ward": "26734"}
    )

    assert response.status_code == 200
    values = cells(response)
    assert MASKED["full_name"] in values and MASKED["national_id"] in values
    for secret in never_published(world):
        assert not [value for value in values if secret in value], secret
    assert any(published.objections_until.isoformat() in value for value in values)
    assert "Thạnh Xuân" in values
    assert "Public notice of entitlements, school year 2024-2025" in values
    assert "Policy" in values and published.policy_codes in values  # which policy granted it


def test_the_pdf_notice_masks_every_personal_field_and_is_a_pdf(client, world, published):
    place = NoticePlace(ward=world.units["ward1"])
    lines = list_notice_lines_for_user(world.users["ward01"], published, ward=place.ward)
    html = render_to_string(
        NOTICE_TEMPLATE, notice_document_context(run=published, place=place, lines=lines)
    )

    assert MASKED["full_name"] in html and MASKED["national_id"] in html
    for secret in never_published(world):
        assert secret not in html, secret
    assert published.objections_until.isoformat() in html
    assert 'extends "print/base.html"' not in html and "@page" in html  # the print layout

    response = client_for(client, world, "ward01").get(
        f"/runs/{published.pk}/notice.pdf", {"ward": "26734"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_notice_per_school_lists_the_pupils_of_that_school(client, world, published):
    school = world.schools["ward1"]
    response = client_for(client, world, "district").get(
        f"/runs/{published.pk}/notice.xlsx", {"school": school.pk}
    )
    values = cells(response)
    assert "Nguyễn V. A." in values and school.name in values
    assert "Pupil w." not in values  # the pupil of the other ward's school


def test_the_notice_is_written_in_the_users_language(client, world, published):
    response = client_for(client, world, "ward01", language="vi").get(
        f"/runs/{published.pk}/notice.xlsx", {"ward": "26734"}
    )
    values = cells(response)
    assert "Họ và tên" in values
    assert "Công khai danh sách hưởng chính sách, năm học 2024-2025" in values


def test_a_ward_officer_chooses_only_among_its_ward_and_its_schools(client, world, published):
    ward01 = world.users["ward01"]
    assert list_notice_wards_for_user(ward01, published) == [world.units["ward1"]]
    assert list_notice_schools_for_user(ward01, published) == [world.schools["ward1"]]
    district = world.users["district"]
    assert list_notice_wards_for_user(district, published) == [
        world.units["ward1"],
        world.units["ward2"],
    ]

    ward01_client = client_for(client, world, "ward01")
    assert ward01_client.get(f"/runs/{published.pk}/notice/", {"ward": "26734"}).status_code == 200
    assert ward01_client.get(f"/runs/{published.pk}/notice/", {"ward": "26737"}).status_code == 404
    other_school = world.schools["ward2"].pk
    response = ward01_client.get(f"/runs/{published.pk}/notice.xlsx", {"school": other_school})
    assert response.status_code == 404


def test_a_user_of_another_district_has_no_notice_of_the_run(client, world, published):
    response = client_for(client, world, "county").get(f"/runs/{published.pk}/notice/")
    assert response.status_code == 404


def test_an_approved_run_not_yet_published_has_no_notice(client, world):
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["d12"])
    run = approve_run(
        run=submit_run(run=run, actor=world.users["admin"]), actor=world.users["district"]
    )
    response = client_for(client, world, "district").get(f"/runs/{run.pk}/notice.pdf?ward=26734")
    assert response.status_code == 404


def test_the_notice_page_shows_masked_lines_and_records_and_resolves_objections(
    client, world, published
):
    page = client_for(client, world, "ward01").get(f"/runs/{published.pk}/notice/?ward=26734")
    body = page.content.decode()
    assert "Nguyễn V. A." in body and "Nguyễn Văn An" not in body
    line = published.lines.filter(person=world.persons["ward1"]).first()

    response = client.post(
        f"/runs/{published.pk}/objections/",
        {
            "line": line.pk,
            "raised_by": "Trần Thị Bình",
            "reason": "Wrong amount",
            "place": "ward=26734",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?ward=26734")
    objection = Objection.objects.get()
    assert (objection.line, objection.recorded_by) == (line, world.users["ward01"])

    district = client_for(client, world, "district")
    assert objection.pk in district.get(f"/runs/{published.pk}/notice/").context["resolvable"]
    district.post(f"/objections/{objection.pk}/dismiss/", {"resolution": "The amount is right"})
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED


def test_a_user_outside_the_unit_cannot_record_an_objection_from_the_page(client, world, published):
    ward2 = world.units["ward2"]
    user = MembershipFactory(user=UserFactory(username="ward02"), unit=ward2).user
    client.force_login(user)
    line = published.lines.filter(person=world.persons["ward1"]).first()
    client.post(
        f"/runs/{published.pk}/objections/", {"line": line.pk, "raised_by": "A", "reason": "B"}
    )
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("language", "title", "heading"),
    [("vi", "Công khai lượt tính", "Họ và tên"), ("zh-hans", "公示", "姓名")],
)
def test_the_run_page_links_to_its_notice_shown_in_the_users_language(
    client, world, published, language, title, heading
):
    user = client_for(client, world, "ward01", language=language)
    run_page = user.get(f"/runs/{published.pk}/").content.decode()
    assert f"/runs/{published.pk}/notice/" in run_page

    page = user.get(f"/runs/{published.pk}/notice/", {"ward": "26734"}).content.decode()
    assert title in page and heading in page and "Nguyễn V. A." in page
