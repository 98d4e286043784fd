"""The payments pages and API: record a payment, import results, reconciliation and coverage,
scoped to the user's units."""

import io

import pytest
from django.test import Client

from reach.entitlements.models import EntitlementLine
from reach.payments.models import Disbursement
from reach.payments.tests.factories import approved_run, pay
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    load_policies_dir(path=default_policies_dir())
    return approved_run(world)


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def ward1_line(world, run):
    return EntitlementLine.objects.get(run=run, person=world.persons["ward1"])


def test_the_payment_form_records_a_payment_and_shows_what_remains(world, run):
    line = ward1_line(world, run)
    client = logged_in(world, "ward01")

    form = client.get(f"/payments/new/?line={line.pk}")
    recorded = client.post(
        f"/payments/new/?line={line.pk}",
        {"amount": "1000000", "method": "cash", "voucher": "PC-1", "paid_on": "2024-10-01"},
    )
    again = client.post(
        f"/payments/new/?line={line.pk}",
        {"amount": "1000000", "method": "cash", "voucher": "PC-2", "paid_on": "2024-10-02"},
    )

    assert form.context["remaining"] == line.amount_minor == 1_350_000
    assert recorded.status_code == 302 and recorded.url == f"/runs/{run.pk}/"
    assert again.status_code == 400 and again.context["remaining"] == 350_000
    assert Disbursement.objects.get().amount_minor == 1_000_000


def test_a_line_outside_the_users_scope_has_no_payment_form(world, run):
    line = ward1_line(world, run)
    assert logged_in(world, "county").get(f"/payments/new/?line={line.pk}").status_code == 404


def test_the_import_page_reports_every_bad_row_and_records_nothing(world, run):
    line = ward1_line(world, run)
    text = (
        "line,amount,method,voucher,paid_on\n"
        f"{line.pk},1,cash,A-1,2024-10-01\n{line.pk},x,cash,A-2,2024\n"
    )
    upload = io.BytesIO(text.encode())
    upload.name = "results.csv"

    response = logged_in(world, "district").post("/payments/import/", {"file": upload})

    assert response.status_code == 400
    assert {error.line for error in response.context["errors"]} == {3}
    assert not Disbursement.objects.exists()


def test_reconciliation_and_coverage_pages_follow_payments(world, run):
    client = logged_in(world, "district")
    before = client.get("/payments/coverage/?year=2024&unit=761").context["total"]
    page = client.get("/payments/reconciliation/?year=2024")
    assert page.context["result"].counts["not_paid"] == run.lines.count()

    for line in run.lines.filter(person=world.persons["ward1"]):
        pay(line, world.users["district"])

    after = client.get("/payments/coverage/?year=2024&unit=761").context["total"]
    assert after.served == before.served + 1
    ward = client.get("/payments/coverage/?year=2024&unit=26734")
    assert [p.pk for p in ward.context["pupils"] if p.served] == [world.persons["ward1"].pk]


def test_the_api_records_a_payment_and_refuses_paying_twice(world, run):
    line = ward1_line(world, run)
    client = token_client("district")
    body = {
        "line": line.pk,
        "amount_minor": line.amount_minor,
        "method": "bank_transfer",
        "voucher": "UNC-1",
        "paid_on": "2024-10-01",
    }

    created = client.post("/api/v1/disbursements", body, content_type="application/json")
    twice = client.post(
        "/api/v1/disbursements", {**body, "voucher": "UNC-2"}, content_type="application/json"
    )
    outside = token_client("county").post(
        "/api/v1/disbursements", body, content_type="application/json"
    )

    assert created.status_code == 201 and created.json()["purpose"] == "learning_cost_support"
    assert twice.status_code == 409
    assert outside.status_code == 404


def test_the_api_gives_reconciliation_its_lists_and_coverage(world, run):
    client = token_client("district")
    counts = client.get("/api/v1/reconciliation?year=2024").json()["counts"]
    listing = client.get("/api/v1/reconciliation/not_paid?year=2024").json()
    cover = client.get("/api/v1/coverage?year=2024&unit=761").json()

    assert counts["not_paid"] == listing["count"] == run.lines.count()
    assert {item["person"] for item in listing["items"]} == set(
        run.lines.values_list("person", flat=True)
    )
    assert cover["target"] == 100 and cover["served"] == 0
    assert {row["unit"] for row in cover["below"]} <= {"26734", "26737"}
    mine = token_client("ward01").get("/api/v1/reconciliation/not_paid?year=2024").json()
    assert {item["unit"] for item in mine["items"]} == {"26734"}


def test_the_import_page_refuses_a_pdf_renamed_csv_and_records_nothing(world, run):
    upload = io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    upload.name = "results.csv"

    client = logged_in(world, "district")
    client.cookies["django_language"] = "en"
    response = client.post("/payments/import/", {"file": upload})

    assert response.status_code == 422
    assert "a PDF document" in str(list(response.context["messages"])[0])
    assert not Disbursement.objects.exists()


def test_the_import_page_refuses_a_25_mb_file_413_naming_the_limit_and_records_nothing(world, run):
    line = EntitlementLine.objects.filter(run=run).first()
    good = f"line,amount,method,voucher,paid_on\n{line.pk},1000,cash,PC-1,2024-10-01\n"
    upload = io.BytesIO(good.encode() + b"\n" * (25 * 1024 * 1024))
    upload.name = "results.csv"

    client = logged_in(world, "district")
    client.cookies["django_language"] = "en"
    response = client.post("/payments/import/", {"file": upload})

    assert response.status_code == 413
    message = str(list(response.context["messages"])[0])
    assert "25 MB; the limit is 20 MB" in message
    assert not Disbursement.objects.exists()
