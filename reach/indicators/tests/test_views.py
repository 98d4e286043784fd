"""The indicator pages: scoped figures, lists behind the numbers, exports and query counts."""

import io

import pytest
from django.conf import settings
from python_calamine import CalamineWorkbook

from reach.indicators.tests.factories import enrol, household_in, person_aged

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
