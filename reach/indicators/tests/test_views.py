"""The indicator pages: scoped figures, lists behind the numbers, exports and query counts."""

import io
from functools import partial

import pytest
from django.conf import settings
from python_calamine import CalamineWorkbook

from reach.accounts.scoping import restrict
from reach.common.keyset import CappedCount, count_up_to
from reach.indicators import selectors
from reach.indicators.deprivation import Indicator, Measure
from reach.indicators.tests.factories import enrol, household_in, person_aged
from reach.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def out_of_school(world):
    home = household_in(world.units["ward1"], status="poor", code="HH-out")
    child = person_aged(8, household=home, full_name="Nguyễn Văn An", national_id="079216001234")
    dropped = person_aged(13, household=home, full_name="Nguyễn Thị Bình")
    enrol(dropped, "lower_secondary", status="dropped_out", attendance_rate=45)
    return child


def client_for(client, world, username, language="en"):
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def sheet_rows(response) -> list[list]:
    content = response.getvalue()
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_overview_shows_the_wards_of_the_district(client, world, out_of_school):
    response = client_for(client, world, "district").get("/indicators/", {"year": 2024})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Thạnh Xuân" in body and "Thạnh Lộc" in body
    assert 'id="out-of-school-count"' in body


def test_overview_of_a_unit_outside_the_scope_is_not_found(client, world):
    response = client_for(client, world, "ward01").get("/indicators/", {"unit": "26737"})
    assert response.status_code == 404


def test_overview_query_count_does_not_grow_with_households(
    client, world, out_of_school, django_assert_max_num_queries
):
    client = client_for(client, world, "district")
    with django_assert_max_num_queries(14):
        client.get("/indicators/", {"year": 2024, "unit": "761"})
    for n in range(5):
        person_aged(7 + n, household=household_in(world.units["ward2"]))
    with django_assert_max_num_queries(14):
        client.get("/indicators/", {"year": 2024, "unit": "761"})


def test_person_list_is_the_list_behind_the_number(client, world, out_of_school):
    response = client_for(client, world, "ward01").get(
        "/indicators/persons/", {"year": 2024, "indicator": "child", "measure": "deprived"}
    )
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "Nguyễn Thị Bình" in body
    assert "Pupil ward1" not in body  # attends primary at 9


def test_person_list_rejects_an_unknown_indicator(client, world):
    response = client_for(client, world, "ward01").get("/indicators/persons/", {"indicator": "x"})
    assert response.status_code == 404


def test_public_export_masks_names_and_ids_and_leaves_out_birth_dates(client, world, out_of_school):
    client = client_for(client, world, "ward01")
    query = {"year": 2024, "indicator": "child", "measure": "deprived", "format": "xlsx"}

    full = sheet_rows(client.get("/indicators/persons/", query))
    public = sheet_rows(client.get("/indicators/persons/", {**query, "public": "1"}))

    assert "Birth date" in full[0] and "Birth date" not in public[0]
    assert "Household code" not in public[0]
    flat_full = [str(value) for row in full for value in row]
    flat_public = [str(value) for row in public for value in row]
    assert "Nguyễn Văn An" in flat_full and "079216001234" in flat_full
    assert "Nguyễn V. A." in flat_public and "********1234" in flat_public
    assert not {"Nguyễn Văn An", "079216001234"} & set(flat_public)


def test_household_list_and_export(client, world, out_of_school):
    client = client_for(client, world, "ward01")
    page = client.get("/indicators/households/", {"year": 2024, "indicator": "child"})
    assert "HH-out" in page.content.decode()

    rows = sheet_rows(
        client.get(
            "/indicators/households/", {"year": 2024, "indicator": "child", "format": "xlsx"}
        )
    )
    assert [row[1] for row in rows[1:]] == ["HH-out"]


@pytest.mark.parametrize(
    ("which", "expected"),
    [("out_of_school", "Nguyễn Văn An"), ("dropped_out", "Nguyễn Thị Bình")],
)
def test_detection_lists(client, world, out_of_school, which, expected):
    response = client_for(client, world, "ward01").get(
        "/indicators/out-of-school/", {"year": 2024, "list": which}
    )
    assert expected in response.content.decode()


def test_at_risk_list_shows_each_pupils_factors(client, world):
    home = household_in(world.units["ward1"], status="poor")
    pupil = person_aged(10, household=home, full_name="At risk", orphan=True)
    enrol(pupil, "primary", grade=5, attendance_rate=60, school=world.schools["ward1"])

    response = client_for(client, world, "ward01").get(
        "/indicators/out-of-school/", {"year": 2024, "list": "at_risk"}
    )

    body = response.content.decode()
    assert "At risk" in body
    # poor household, low and very low attendance (60%), orphan
    assert body.count('class="badge" title="+') == 4


def test_detection_export_lists_every_row(client, world, out_of_school):
    rows = sheet_rows(
        client_for(client, world, "district").get(
            "/indicators/out-of-school/", {"year": 2024, "list": "out_of_school", "format": "xlsx"}
        )
    )
    assert sorted(row[2] for row in rows[1:]) == ["Nguyễn Văn An", "Sibling at home"]


@pytest.fixture
def many_children(world):
    """Three households in each ward, each with two children of 8 born the same day (the key's
    last field, the person, breaks the tie), out of school, and one of 13 who dropped out."""
    for ward in ("ward1", "ward2"):
        for n in range(3):
            home = household_in(world.units[ward], code=f"HH-{ward}-{n}")
            person_aged(8, household=home, full_name=f"Twin A {ward} {n}")
            person_aged(8, household=home, full_name=f"Twin B {ward} {n}")
            enrol(person_aged(13, household=home), "lower_secondary", status="dropped_out")
    return world


def walk_pages(client, path: str, query: dict) -> list[list[int]]:
    """The persons of each page of a list, following its "after" links to the end."""
    pages, after = [], ""
    while True:
        response = client.get(path, {**query, **({"after": after} if after else {})})
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([row.pk for row in page.object_list])
        if not page.has_next:
            return pages
        assert f"after={page.next_after}" in response.content.decode()
        after = page.next_after


LISTS = [
    ("/indicators/persons/", {"indicator": "child", "measure": "deprived"}),
    ("/indicators/out-of-school/", {"list": "out_of_school"}),
    ("/indicators/out-of-school/", {"list": "dropped_out"}),
]


@pytest.mark.parametrize(("path", "query"), LISTS)
@pytest.mark.parametrize("username", ["district", "ward01", "school01"])
def test_keyset_pages_list_every_visible_row_exactly_once(
    client, many_children, monkeypatch, path, query, username
):
    monkeypatch.setattr("reach.indicators.views.PAGE_SIZE", 2)
    client = client_for(client, many_children, username)

    pages = walk_pages(client, path, {"year": 2024, **query})

    listed = [pk for page in pages for pk in page]
    assert all(len(page) <= 2 for page in pages)
    assert len(listed) == len(set(listed))
    user = many_children.users[username]
    if path == "/indicators/persons/":
        whole = selectors.list_indicator_persons_for_user(
            user, school_year=2024, indicator=Indicator.CHILD, measure=Measure.DEPRIVED
        )
    elif query["list"] == "dropped_out":
        whole = selectors.list_dropped_out_for_user(user, school_year=2024)
    else:
        whole = selectors.list_out_of_school_for_user(user, school_year=2024)
    assert sorted(listed) == sorted(whole.values_list("pk", flat=True))
    visible = set(restrict(Person.objects.all(), user).values_list("pk", flat=True))
    assert set(listed) <= visible


def test_keyset_pages_of_a_ward_hold_only_its_children(client, many_children, monkeypatch):
    monkeypatch.setattr("reach.indicators.views.PAGE_SIZE", 2)
    client = client_for(client, many_children, "ward01")

    pages = walk_pages(client, "/indicators/out-of-school/", {"year": 2024})

    names = Person.objects.filter(pk__in=[pk for page in pages for pk in page])
    assert sorted(names.values_list("full_name", flat=True)) == sorted(
        f"Twin {twin} ward1 {n}" for twin in "AB" for n in range(3)
    )
    assert len(pages) == 3


def test_a_list_shows_its_count_up_to_a_cap(client, many_children, monkeypatch):
    monkeypatch.setattr("reach.indicators.views.count_up_to", partial(count_up_to, cap=10))
    client = client_for(client, many_children, "district")
    query = {"year": 2024, "indicator": "child", "measure": "deprived"}

    district = client.get("/indicators/persons/", query)
    ward = client.get("/indicators/persons/", {**query, "unit": "26737"})

    # In ward 26737: six twins and three who dropped out, and the sibling at home.
    assert ward.context["count"] == CappedCount(10)
    assert "10 rows" in ward.content.decode()
    # In the district, more: the children of ward 26734 too.
    assert district.context["count"] == CappedCount(10, more=True)
    assert "more than 10 rows" in district.content.decode()


def test_a_forged_after_token_is_not_found(client, world):
    response = client_for(client, world, "ward01").get(
        "/indicators/out-of-school/", {"year": 2024, "after": "not-a-key"}
    )
    assert response.status_code == 404
