"""Downloads of personal data: the full record only for the roles that work with it, every
download audited with its filters and row count, and none kept in a cache."""

import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.tests.downloads import (
    BIRTH_DATE,
    DOWNLOADER,
    NATIONAL_ID,
    content_of,
    downloads,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

# The rows each download holds for the district office, from the `downloads` fixture.
EXPECTED_ROWS = {
    "households": 6,  # the four persons of the district's households, the child and worker added
    "import errors": 1,  # the one bad row of the rejected file
    "notice xlsx": 1,  # the one line of ward 26734
    "notice pdf": 1,
    "notice api xlsx": 1,
    "notice api pdf": 1,
    "payment list xlsx": 1,  # that line, in force once published
    "payment list pdf": 1,
    "cases": 1,
    "indicator persons": 2,  # the two children out of school: deprived of schooling
    "indicator households": 3,  # the district's three households
    "out of school": 2,  # the child added in ward 26734 and the sibling at home in 26737
    "student file": 1,
    "training persons": 1,  # the worker of the poor household
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def household_rows(user) -> list[dict]:
    response = client_for(user).get("/households/export.xlsx")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content_of(response))).get_sheet_by_index(0)
    heading, *rows = sheet.to_python()
    return [dict(zip(heading, row, strict=True)) for row in rows]


def budget_rows(content: bytes) -> int:
    """The rows below the budget's title, year, blank line and headings."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return len(sheet.to_python(skip_empty_area=False)) - 4


@pytest.fixture
def viewer(world):
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user
    return world.users["viewer"]


@pytest.mark.parametrize("name", [*sorted(EXPECTED_ROWS), "budget"])
def test_every_download_is_sent_no_store_and_leaves_one_audit_event(world, downloads, name):  # noqa: F811
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client_for(world.users[DOWNLOADER]).get(downloads.urls[name])
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in [d.strip() for d in response["Cache-Control"].split(",")]
    [event] = AuditEvent.objects.exclude(pk__in=before)
    assert event.action == AuditAction.EXPORT
    assert event.actor == world.users[DOWNLOADER]
    rows = budget_rows(content_of(response)) if name == "budget" else EXPECTED_ROWS[name]
    assert event.after["rows"] == rows > 0
    assert event.object_id.split(".")[0] in {
        "registry", "entitlements", "payments", "casework", "indicators", "studentfile", "learning"
    }  # fmt: skip


def test_the_audit_event_of_an_export_names_its_filters(world, downloads):  # noqa: F811
    client_for(world.users[DOWNLOADER]).get(downloads.urls["indicator persons"])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_id == "indicators.persons"
    assert event.after["filters"] == {"year": "2024", "indicator": "child", "measure": "deprived"}
    assert event.after["masked"] is False


def test_the_import_template_holds_no_one_and_is_sent_no_store(world):
    response = client_for(world.users["district"]).get("/imports/template.xlsx")
    assert "no-store" in response["Cache-Control"]


def test_an_office_users_household_export_holds_full_ids_and_birth_dates(world, downloads):  # noqa: F811
    rows = household_rows(world.users["district"])
    pupil = next(row for row in rows if row["national_id"] == NATIONAL_ID)
    assert pupil["birth_date"] == BIRTH_DATE.isoformat()
    assert pupil["address"]


@pytest.mark.parametrize("username", ["viewer", "school01"])
def test_a_viewers_or_school_staffs_household_export_is_masked(world, downloads, viewer, username):  # noqa: F811
    rows = household_rows(world.users[username])
    assert rows
    ids = [row["national_id"] for row in rows if row["national_id"]]
    assert ids == ["********" + NATIONAL_ID[-4:]]
    assert all(row["birth_date"] == "" and row["address"] == "" for row in rows)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.after["masked"] is True and event.after["rows"] == len(rows)


@pytest.mark.parametrize(
    "name",
    ["cases", "indicator persons", "indicator households", "out of school", "training persons"],
)
def test_a_viewer_gets_the_published_variant_of_every_list(world, downloads, viewer, name):  # noqa: F811
    response = client_for(viewer).get(downloads.urls[name])
    assert response.status_code == 200
    assert "-public" in response["Content-Disposition"]
    cells = {
        str(cell)
        for row in CalamineWorkbook.from_filelike(io.BytesIO(content_of(response)))
        .get_sheet_by_index(0)
        .to_python()
        for cell in row
    }
    assert NATIONAL_ID not in cells and BIRTH_DATE.isoformat() not in cells
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).after["masked"] is True


def test_a_viewers_student_file_is_masked(world, downloads, viewer):  # noqa: F811
    response = client_for(viewer).get(downloads.urls["student file"])
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).after["masked"] is True
