"""The pages: rates with the lists behind, a ward's intake with its download (role-gated,
masked, audited), streaming with the unknowns opened as cases."""

import datetime as dt
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.casework.models import DropoutCase
from reach.intake.tests.factories import CapacityFactory
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet_text(content: bytes) -> str:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return " ".join(
        str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    )  # fmt: skip


def test_universal_page_and_the_list_behind(world):
    PersonFactory(
        household=world.households["ward1"], full_name="Five Not In", birth_date=dt.date(2019, 1, 1)
    )
    client = _client(world.users["ward01"])
    page = client.get("/intake/?year=2024&unit=26734")
    assert page.status_code == 200
    assert "Trẻ em năm tuổi học mẫu giáo" in page.content.decode()
    listed = client.get(
        "/intake/universal/persons/?rate=preschool_five&measure=not_counted&year=2024&unit=26734"
    )
    assert "Five Not In" in listed.content.decode()
    assert client.get("/intake/?year=2024&unit=26737").status_code == 404


def test_intake_page_and_its_download(world):
    CapacityFactory(school=world.schools["ward1"], school_year=2025, grade=1, places=0)
    PersonFactory(
        household=world.households["ward1"], full_name="Nguyen Van Sau",
        birth_date=dt.date(2019, 3, 1),
    )  # fmt: skip
    officer = _client(world.users["ward01"])
    page = officer.get("/intake/places/?year=2024&grade=1&unit=26734").content.decode()
    assert "Nguyen Van Sau" in page
    download = officer.get("/intake/places/?year=2024&grade=1&unit=26734&format=xlsx")
    assert download.status_code == 200
    assert "Nguyen Van Sau" in _sheet_text(download.content)
    assert AuditEvent.objects.filter(object_id="intake.places").count() == 1
    school = _client(world.users["school01"])
    assert school.get("/intake/places/?year=2024&grade=1&unit=26734").status_code == 200
    assert school.get("/intake/places/?year=2024&grade=1&unit=26734&format=xlsx").status_code == 403


def test_streaming_page_opens_cases_for_unknowns(world):
    person = PersonFactory(household=world.households["ward1"], full_name="Lost After Nine")
    EnrolmentFactory(person=person, school=world.schools["ward1"], level="lower_secondary", grade=9)
    client = _client(world.users["ward01"])
    page = client.get("/intake/streaming/?year=2024&unit=26734").content.decode()
    assert "Lost After Nine" in page
    response = client.post("/intake/streaming/cases/", {"year": "2024", "unit": "26734"})
    assert response.status_code == 302
    assert DropoutCase.objects.filter(person=person, school_year=2025).count() == 1
    client.post("/intake/streaming/cases/", {"year": "2024", "unit": "26734"})
    assert DropoutCase.objects.filter(person=person).count() == 1
    client.post(
        "/intake/streaming/record/",
        {"year": "2024", "unit": "26734", "person": person.pk, "outcome": "work"},
    )
    assert person.streaming_outcomes.get().outcome == "work"
