"""The student file (one student, one file): per school year, one timeline of the entitlements,
approvals, public notice, payments and objections; on the person's page and as a PDF archive
record; seen only by users whose scope holds the student."""

import datetime as dt

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.entitlements.objections import dismiss_objection, record_objection
from reach.entitlements.services import run_entitlements
from reach.entitlements.studentfile import (
    APPROVAL,
    ENTITLEMENT,
    NOTICE,
    OBJECTION,
    PAYMENT,
    student_file_for_user,
)
from reach.entitlements.views import STUDENT_FILE_TEMPLATE
from reach.entitlements.workflow import approve_run, publish_run, submit_run
from reach.payments.services import PaymentInput, record_disbursement
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


@pytest.fixture
def history(world):
    """The ward 26734 pupil's 2024 year: computed, submitted, approved, published, objected to
    (dismissed) and paid."""
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])
    run = submit_run(run=run, actor=world.users["ward01"])
    run = approve_run(run=run, actor=world.users["district"])
    run = publish_run(run=run, actor=world.users["district"], objection_days=5)
    line = run.lines.get(person=world.persons["ward1"])
    objection = record_objection(
        line=line, actor=world.users["ward01"], raised_by="Trần Thị Bình", reason="Too little"
    )
    dismiss_objection(objection=objection, actor=world.users["district"], reason="As decided")
    record_disbursement(
        payment=PaymentInput(
            line_id=line.pk,
            amount_minor=line.amount_minor,
            method="cash",
            voucher="PC-2024-001",
            paid_on=dt.date(2024, 12, 2),
        ),
        actor=world.users["district"],
    )
    return run, line


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
