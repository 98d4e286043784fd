"""Nothing personal in the logs: an import full of errors is logged (if at all) without a
name, national ID or birth date of its file."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reach.entitlements.models import EntitlementLine
from reach.payments.tests.factories import approved_run
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.tests.test_imports import csv_bytes, person

pytestmark = pytest.mark.django_db

NAME, OTHER_NAME = "Nguyễn Văn Lộ", "Trần Thị Kín"
NATIONAL_ID, BAD_NATIONAL_ID = "079215009876", "07921500987X"
BIRTH_DATE, BAD_BIRTH_DATE = "2015-03-14", "31/02/2015"


def logged_text(caplog) -> str:
    """Every record's message, arguments and traceback, as a handler would write them."""
    handler = logging.StreamHandler()
    return "\n".join(
        handler.format(record) + repr(record.args) + repr(record.__dict__)
        for record in caplog.records
    )


def assert_nothing_personal(text: str, *values: str) -> None:
    leaked = [value for value in values if value in text]
    assert leaked == [], f"logged: {leaked}"


def test_a_household_import_with_errors_logs_nothing_personal(world, caplog):
    rows = [
        person(NAME, BIRTH_DATE, "head", national_id=BAD_NATIONAL_ID),
        person(OTHER_NAME, BAD_BIRTH_DATE, national_id=NATIONAL_ID),
    ]
    client = Client()
    client.force_login(world.users["district"])
    caplog.set_level(logging.DEBUG)
    upload = SimpleUploadedFile("households.csv", csv_bytes(rows), "text/csv")
    response = client.post("/imports/", {"file": upload}, follow=True)
    batch = response.context["batch"]
    assert batch.status == "rejected" and len(batch.errors) >= 2
    commit = client.post(f"/imports/{batch.pk}/commit/", follow=True)
    assert commit.status_code == 200
    assert_nothing_personal(
        logged_text(caplog), NAME, OTHER_NAME, NATIONAL_ID, BAD_NATIONAL_ID, BIRTH_DATE,
        BAD_BIRTH_DATE, "2015-02-31",
    )  # fmt: skip


def test_a_payment_import_with_errors_logs_nothing_personal(world, caplog):
    load_policies_dir(path=default_policies_dir())
    run = approved_run(world)
    line = EntitlementLine.objects.filter(run=run).select_related("person").first()
    pupil = line.person
    pupil.national_id = NATIONAL_ID
    pupil.save()
    text = (
        "line,amount,method,voucher,paid_on,note\n"
        f"{line.pk},{line.amount_minor + 1},cheque,V-1,{BAD_BIRTH_DATE},paid to {NAME}\n"
        f"99999999,1,cash,V-2,2024-10-01,{OTHER_NAME} {NATIONAL_ID}\n"
    )
    client = Client()
    client.force_login(world.users["district"])
    caplog.set_level(logging.DEBUG)
    upload = SimpleUploadedFile("results.csv", text.encode(), "text/csv")
    response = client.post("/payments/import/", {"file": upload})
    assert response.status_code == 400
    assert_nothing_personal(
        logged_text(caplog), NAME, OTHER_NAME, NATIONAL_ID, BAD_BIRTH_DATE, pupil.full_name,
        pupil.birth_date.isoformat(),
    )  # fmt: skip
