import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.schoolsupport.models import SchoolNeed, SchoolProfile
from reach.schoolsupport.tests.factories import TeacherPlacementFactory

pytestmark = pytest.mark.django_db


def _client(world, user: str) -> Client:
    client = Client()
    client.force_login(world.users[user])
    return client


@pytest.fixture
def listed(world):
    SchoolProfile.objects.create(school=world.schools["ward1"], poor_village=True)
    TeacherPlacementFactory(school=world.schools["ward1"], teacher_name="Nguyễn Thị Mai")
    return world


def test_the_received_page_lists_the_schools_and_offers_the_download_to_officers(listed):
    page = _client(listed, "ward01").get("/school-support/?year=2025")
    assert page.status_code == 200
    assert listed.schools["ward1"].name in page.content.decode()
    assert b'value="xlsx"' in page.content
    assert b'value="xlsx"' not in _client(listed, "school01").get("/school-support/").content


def test_the_download_is_audited_and_refused_to_school_staff(listed):
    response = _client(listed, "ward01").get("/school-support/?year=2025&format=xlsx")
    assert response.status_code == 200
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    teachers = sheets.get_sheet_by_index(1).to_python()
    assert teachers[1][1] == "Nguyễn Thị Mai"
    assert AuditEvent.objects.filter(object_id="schoolsupport.received").count() == 1
    refused = _client(listed, "school01").get("/school-support/?format=xlsx")
    assert refused.status_code == 403


def test_school_staff_record_a_need_on_their_school_page(world):
    school = world.schools["ward1"]
    client = _client(world, "school01")
    assert b"need-form" in client.get(f"/school-support/schools/{school.pk}/").content
    response = client.post(
        f"/school-support/schools/{school.pk}/",
        {"kind": "toilets", "recorded_on": "2025-09-01"},
    )
    assert response.status_code == 302
    assert SchoolNeed.objects.get().school == school
    assert client.get(f"/school-support/schools/{world.schools['ward2'].pk}/").status_code == 404
