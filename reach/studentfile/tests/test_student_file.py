"""The student file (one student, one file): per school year, one timeline of the entitlements,
approvals, public notice, payments and objections; on the person's page and as a PDF archive
record; seen only by users whose scope holds the student."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.studentfile.selectors import (
    APPROVAL,
    ENTITLEMENT,
    NOTICE,
    OBJECTION,
    PAYMENT,
    student_file_for_user,
)
from reach.studentfile.views import STUDENT_FILE_TEMPLATE

pytestmark = pytest.mark.django_db


def test_the_file_shows_every_step_of_the_year_in_one_timeline(world, history):
    run, line = history
    (year,) = student_file_for_user(world.users["district"], world.persons["ward1"])

    assert year.year == 2024
    assert [e.school.pk for e in year.enrolments] == [world.schools["ward1"].pk]
    kinds = [event.kind for event in year.events]
    assert kinds.count(ENTITLEMENT) == 1 and kinds.count(PAYMENT) == 1
    assert kinds.count(APPROVAL) == 2 and kinds.count(NOTICE) == 1 and kinds.count(OBJECTION) == 2
    texts = [event.text for event in year.events]
    assert f"Run {run.pk} submitted for approval by ward01" in texts
    assert f"Run {run.pk} approved by district" in texts
    assert any(
        text.startswith(f"Run {run.pk} published in a public notice by district")
        and run.objections_until.isoformat() in text
        for text in texts
    )
    assert any("raised by Trần Thị Bình: Too little" in text for text in texts)
    assert any("dismissed by district: As decided" in text for text in texts)
    assert any("voucher PC-2024-001" in text and "Cash" in text for text in texts)
    steps = [event.at for event in year.events if event.kind != PAYMENT]
    assert steps == sorted(steps)


def test_a_ward_officer_sees_only_the_files_of_its_ward(client, world, history):
    ward2 = world.units["ward2"]
    other = MembershipFactory(user=UserFactory(username="ward02"), unit=ward2).user
    assert student_file_for_user(world.users["ward01"], world.persons["ward1"])
    assert student_file_for_user(other, world.persons["ward1"]) == []

    client.force_login(other)
    person = world.persons["ward1"].pk
    assert client.get(f"/persons/{person}/file/").status_code == 404
    assert client.get(f"/persons/{person}/file.pdf").status_code == 404


def test_the_person_page_loads_the_file_and_the_pdf_is_an_archive_record(client, world, history):
    client.force_login(world.users["ward01"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    person = world.persons["ward1"]

    page = client.get(f"/persons/{person.pk}/").content.decode()
    assert f"/persons/{person.pk}/file/" in page
    block = client.get(f"/persons/{person.pk}/file/").content.decode()
    assert "Student file" in block and "voucher PC-2024-001" in block
    assert f"/persons/{person.pk}/file.pdf" in block

    response = client.get(f"/persons/{person.pk}/file.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = render_to_string(
        STUDENT_FILE_TEMPLATE,
        {
            "person": person,
            "years": student_file_for_user(world.users["ward01"], person),
            "printed_by": "ward01",
        },
    )
    assert person.full_name in html and "School year 2024-2025" in html
    assert "@page" in html and "voucher PC-2024-001" in html
