"""The rates' lists as workbooks: the registrations behind the title rates (names masked for
a reader who may not see them), the units behind the board rate and the title rates; every
download audited, and scoped like its page."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.learning import services
from reach.learning.models import Registration
from reach.learning.tests.factories import CriteriaSetFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _cells(response) -> list[list]:
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


@pytest.fixture
def recognised(world):
    criteria_set = CriteriaSetFactory()
    for key in ("ward1", "ward2", "town"):
        Registration.objects.create(
            year=2024, title="family", criteria_set=criteria_set, unit=world.units[key],
            household=world.households[key], status="recognised", board_score=50,
            decision_number=f"QD-{key}", decided_on=dt.date(2024, 12, 1),
        )  # fmt: skip


def test_the_registrations_export_is_the_list_scoped_and_audited(world, recognised):
    district = _client(world.users["district"])
    query = {"year": 2024, "unit": "761", "status": "recognised", "format": "xlsx"}
    rows = _cells(district.get("/learning/registrations/", query))
    subjects = [row[4] for row in rows[3:]]
    assert subjects == ["HH-ward1 Head ward1", "HH-ward2 Head ward2"]
    event = AuditEvent.objects.get(action="export", object_id="learning.registrations")
    assert event.after["rows"] == 2 and event.after["filters"]["status"] == "recognised"
    # Outside the scope: refused like the page.
    assert (
        district.get("/learning/registrations/", {**query, "unit": "522723100000"}).status_code
        == 404
    )


def test_a_school_reader_gets_the_names_masked(world, recognised):
    school = _client(world.users["school01"])
    rows = _cells(school.get("/learning/registrations/", {"year": 2024, "format": "xlsx"}))
    assert all("Head" not in str(cell) for row in rows for cell in row)
    event = AuditEvent.objects.get(action="export", object_id="learning.registrations")
    assert event.after["masked"] is True


def test_the_board_and_rate_exports_equal_their_pages(world, recognised):
    district = world.users["district"]
    services.record_board(
        actor=district, unit=world.units["ward1"], established_on=dt.date(2022, 9, 1),
        decision_number="12/QĐ",
    )  # fmt: skip
    client = _client(district)
    rows = _cells(client.get("/learning/boards/", {"unit": "761", "format": "xlsx"}))
    assert [(r[0], r[4]) for r in rows[3:]] == [("26734", "12/QĐ"), ("26737", "")]
    rates = _cells(client.get("/learning/", {"unit": "761", "year": 2024, "format": "xlsx"}))
    by_code = {row[0]: row for row in rates[3:]}
    assert by_code["26734"][2:4] == [1, 1] and by_code["26737"][2:4] == [1, 2]
    assert rates[-1][1] == "Total" and rates[-1][2:4] == [2, 3]
    assert AuditEvent.objects.filter(action="export").count() == 2
