"""The case pages: board, follow-up lists with their buttons, the life cycle through the forms,
roles, scoping and query counts."""

import datetime as dt
import io

import pytest
from django.conf import settings
from python_calamine import CalamineWorkbook

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.casework.models import DropoutCase
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory
from reach.indicators.tests.factories import household_in, person_aged
from reach.registry.models import Enrolment

pytestmark = pytest.mark.django_db


def login(client, world, username="ward01"):
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def child(world):
    home = household_in(world.units["ward1"], status="poor")
    return person_aged(9, household=home, full_name="Phạm Thị Lan")


def test_follow_up_list_offers_to_open_a_case_then_links_to_it(client, world, child):
    client = login(client, world)
    page = client.get("/cases/follow-up/", {"year": 2024, "list": "out_of_school"})
    assert "Phạm Thị Lan" in page.content.decode() and "Open a case" in page.content.decode()

    response = client.post(
        "/cases/open/", {"person": child.pk, "kind": "out_of_school", "year": 2024}
    )

    case = DropoutCase.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    page = client.get("/cases/follow-up/", {"year": 2024, "list": "out_of_school"})
    assert f"case #{case.pk}" in page.content.decode()


def test_opening_a_case_for_a_child_outside_the_scope_is_not_found(client, world):
    other = person_aged(8, household=household_in(world.units["ward2"]))
    response = login(client, world).post(
        "/cases/open/", {"person": other.pk, "kind": "out_of_school", "year": 2024}
    )
    assert response.status_code == 404
    assert not DropoutCase.objects.exists()


def test_a_viewer_cannot_change_cases(client, world, child):
    viewer = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["ward1"]
    ).user
    client.force_login(viewer)
    response = client.post(
        "/cases/open/", {"person": child.pk, "kind": "out_of_school", "year": 2024}
    )
    assert response.status_code == 403
    assert "Open a case" not in client.get("/cases/follow-up/", {"year": 2024}).content.decode()


def test_visit_then_close_as_returned_through_the_forms(client, world, child):
    client = login(client, world)
    case = DropoutCaseFactory(person=child, opened_on=dt.date(2024, 9, 10))

    client.post(
        f"/cases/{case.pk}/visit/",
        {
            "visited_on": "2024-09-20",
            "visitors": "Cô Hạnh",
            "findings": "Helps at home",
            "reasons": ["family", "economic_hardship"],
            "family_wishes": "Return after the harvest",
        },
    )
    response = client.post(
        f"/cases/{case.pk}/close/",
        {
            "outcome": "returned_to_school",
            "closed_on": "2024-10-01",
            "school": world.schools["ward1"].pk,
            "level": "primary",
            "grade": "4",
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "returned_to_school")
    assert Enrolment.objects.filter(person=child, school_year=2024, status="enrolled").exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Family circumstances" in page and "Return after the harvest" in page


def test_a_forbidden_transition_comes_back_as_a_message(client, world, child):
    client = login(client, world)
    case = DropoutCaseFactory(person=child)

    response = client.post(
        f"/cases/{case.pk}/close/", {"outcome": "still_out", "closed_on": "2024-10-01"}, follow=True
    )

    assert "Record at least one household visit" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


def test_an_invalid_form_is_shown_again_with_its_errors(client, world, child):
    case = DropoutCaseFactory(person=child)
    response = login(client, world).post(f"/cases/{case.pk}/visit/", {"visited_on": "not a date"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_a_case_of_another_ward_is_not_found(client, world):
    case = DropoutCaseFactory(person=world.persons["ward2"])
    client = login(client, world)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/visit/", {"visitors": "x"}).status_code == 404


def test_board_shows_counts_and_the_return_rate(client, world, child):
    case = DropoutCaseFactory(person=child, opened_on=dt.date(2024, 9, 10))
    CaseVisitFactory(case=case)
    DropoutCase.objects.filter(pk=case.pk).update(
        status="closed", outcome="returned_to_school", closed_on=dt.date(2024, 10, 1)
    )
    DropoutCaseFactory(person=world.persons["ward1"], opened_on=dt.date(2024, 9, 10))

    body = (
        login(client, world, "district")
        .get("/cases/", {"year": 2024, "unit": "761"})
        .content.decode()
    )

    assert 'id="cases-total">2<' in body
    assert 'id="return-rate">50.0%<' in body
    assert "Thạnh Xuân" in body


def test_board_query_count_does_not_grow_with_cases(client, world, django_assert_max_num_queries):
    client = login(client, world, "district")
    for _ in range(3):
        DropoutCaseFactory(person=person_aged(8, household=household_in(world.units["ward2"])))
    with django_assert_max_num_queries(18):
        client.get("/cases/", {"year": 2024})
    for _ in range(10):
        DropoutCaseFactory(person=person_aged(8, household=household_in(world.units["ward2"])))
    with django_assert_max_num_queries(18):
        client.get("/cases/", {"year": 2024})


def test_open_cases_from_lists_button(client, world, child):
    response = login(client, world).post("/cases/open-from-lists/?year=2024", follow=True)
    assert "Cases opened: 1 out of school" in response.content.decode()
    assert DropoutCase.objects.get().person == child


def test_cases_export_masks_names_for_publication(client, world, child):
    DropoutCaseFactory(person=child)
    client = login(client, world)
    full = client.get("/cases/export.xlsx", {"year": 2024}).getvalue()
    public = client.get("/cases/export.xlsx", {"year": 2024, "public": "1"}).getvalue()

    def cells(content):
        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        return {str(value) for row in rows for value in row}

    assert "Phạm Thị Lan" in cells(full)
    assert "Phạm T. L." in cells(public) and "Phạm Thị Lan" not in cells(public)


def test_work_group_pages_create_a_group_and_add_members(client, world):
    client = login(client, world)
    response = client.post(
        "/cases/work-groups/", {"name": "Tổ công tác Thạnh Xuân", "unit": world.units["ward1"].pk}
    )
    assert response.status_code == 302
    client.post(
        response.url,
        {"full_name": "Nguyễn Văn Hùng", "affiliation": "youth_union", "is_lead": "on"},
    )
    page = client.get(response.url).content.decode()
    assert "Nguyễn Văn Hùng" in page and "Youth union" in page


def test_an_editor_of_one_ward_who_sees_another_ward_cannot_change_its_cases(client, world):
    user = UserFactory(username="mixed")
    MembershipFactory(user=user, role="viewer", unit=world.units["d12"])
    MembershipFactory(user=user, role="ward_officer", unit=world.units["ward1"])
    other = DropoutCaseFactory(person=world.persons["ward2"], opened_on=dt.date(2024, 9, 10))
    mine = DropoutCaseFactory(person=world.persons["ward1"], opened_on=dt.date(2024, 9, 10))
    client.force_login(user)
    visit = {"visited_on": "2024-09-20", "visitors": "Cô Hạnh"}

    page = client.get(f"/cases/{other.pk}/").content.decode()
    refused = client.post(f"/cases/{other.pk}/visit/", visit)
    accepted = client.post(f"/cases/{mine.pk}/visit/", visit)

    assert "Pupil ward2" in page and f"/cases/{other.pk}/visit/" not in page
    assert refused.status_code == 403 and not other.visits.exists()
    assert f"/cases/{mine.pk}/visit/" in client.get(f"/cases/{mine.pk}/").content.decode()
    assert accepted.status_code == 302 and mine.visits.count() == 1


def test_school_staff_see_no_form_to_set_up_work_groups_and_are_refused(client, world):
    client = login(client, world, "school01")
    assert "New work group" not in client.get("/cases/work-groups/").content.decode()
    response = client.post("/cases/work-groups/", {"name": "Tổ", "unit": world.units["ward1"].pk})
    assert response.status_code == 403


def test_a_refused_opening_returns_to_next_only_when_it_is_on_this_site(client, world, child):
    client = login(client, world)
    form = {"person": child.pk, "kind": "out_of_school", "year": 2024}
    client.post("/cases/open/", form)  # the case exists: opening it again is refused

    elsewhere = client.post("/cases/open/", {**form, "next": "https://evil.example/cases/"})
    scheme_relative = client.post("/cases/open/", {**form, "next": "//evil.example/"})
    back = client.post("/cases/open/", {**form, "next": "/cases/follow-up/?year=2024"})

    assert DropoutCase.objects.count() == 1
    assert (elsewhere.status_code, elsewhere.url) == (302, "/cases/")
    assert (scheme_relative.status_code, scheme_relative.url) == (302, "/cases/")
    assert (back.status_code, back.url) == (302, "/cases/follow-up/?year=2024")


def test_case_page_shows_the_childs_key_groups_and_caregiver(client, world, child):
    child.left_behind, child.orphan = True, True
    child.caregiver_name, child.caregiver_relation = "Phạm Văn Ông", "grandparent"
    child.save()
    case = DropoutCaseFactory(person=child)

    page = login(client, world).get(f"/cases/{case.pk}/").content.decode()

    assert 'id="case-care"' in page
    assert "left-behind child" in page and "orphan" in page
    assert "Phạm Văn Ông (Grandparent)" in page


def test_case_page_of_a_child_in_no_key_group_says_nothing_of_them(client, world, child):
    case = DropoutCaseFactory(person=child)
    assert 'id="case-care"' not in login(client, world).get(f"/cases/{case.pk}/").content.decode()
