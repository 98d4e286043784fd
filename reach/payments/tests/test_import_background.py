"""Payment-result files over REACH_IMPORT_BACKGROUND_ROWS rows are recorded by the background
worker in the household import's frame: the page follows the progress, the outcome is the same
all-or-nothing recording as a small file's, a job runs at most once, and a worker that breaks
or goes silent leaves a failed batch with nothing recorded."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reach.accounts.models import AuditEvent
from reach.payments.models import Disbursement
from reach.payments.services import background, disbursements
from reach.registry.choices import ImportStatus
from reach.registry.imports.background import STALE_AFTER, fail_stale_imports
from reach.registry.models import ImportBatch

pytestmark = pytest.mark.django_db
LARGE = override_settings(REACH_IMPORT_BACKGROUND_ROWS=3)


def results(lines, count: int, *, bad: int | None = None) -> bytes:
    """`count` rows paying 1,000 on each of the first `count` lines; row `bad` names no line."""
    rows = ["line,amount,method,voucher,paid_on"]
    for n, line in enumerate(lines[:count]):
        number = "no-such-line" if n == bad else line.pk
        rows.append(f"{number},1000,cash,PC-{n},2024-10-01")
    return ("\n".join(rows) + "\n").encode()


def upload(world, content: bytes, capture) -> tuple[Client, object]:
    client = Client()
    client.force_login(world.users["district"])
    client.cookies["django_language"] = "en"
    file = io.BytesIO(content)
    file.name = "results.csv"
    with LARGE, capture(execute=True):
        response = client.post("/payments/import/", {"file": file})
    return client, response


def test_a_large_file_is_queued_then_recorded_by_the_worker_all_four_payments_of_1000(
    world, lines, django_capture_on_commit_callbacks, work_off_the_queue
):
    client, response = upload(world, results(lines, 4), django_capture_on_commit_callbacks)

    batch = ImportBatch.objects.get(kind="payments")
    assert response.status_code == 302
    assert response["Location"] == f"/payments/import/{batch.pk}/"
    assert (batch.status, batch.progress_total) == (ImportStatus.QUEUED, 4)
    job = DBTaskResult.objects.get()
    assert job.task_path == "reach.payments.tasks.record_payment_import_task"
    assert not Disbursement.objects.exists()
    page = client.get(f"/payments/import/{batch.pk}/").content.decode()
    assert 'id="import-progress"' in page and "0 of 4 rows checked" in page

    work_off_the_queue()

    batch.refresh_from_db()
    assert (batch.status, batch.summary, batch.errors) == (
        ImportStatus.COMMITTED,
        {"payments_recorded": 4},
        [],
    )
    assert batch.upload is None and (batch.progress_done, batch.progress_total) == (4, 4)
    assert sorted(Disbursement.objects.values_list("amount_minor", flat=True)) == [1000] * 4
    audited = AuditEvent.objects.filter(object_type="registry.importbatch", object_id=batch.pk)
    assert [event.after["status"] for event in audited.order_by("id")] == ["queued", "committed"]
    page = client.get(f"/payments/import/{batch.pk}/").content.decode()
    assert "4 payments recorded." in page and 'id="import-progress"' not in page
    assert client.get(f"/imports/{batch.pk}/").status_code == 404  # not a household file


def test_a_large_file_with_one_bad_row_records_none_of_its_four_and_lists_the_row(
    world, lines, django_capture_on_commit_callbacks, work_off_the_queue
):
    client, _ = upload(world, results(lines, 4, bad=2), django_capture_on_commit_callbacks)
    work_off_the_queue()

    batch = ImportBatch.objects.get(kind="payments")
    assert batch.status == ImportStatus.REJECTED
    assert [(error["line"], error["column"]) for error in batch.errors] == [(4, "line")]
    assert not Disbursement.objects.exists()
    page = client.get(f"/payments/import/{batch.pk}/").content.decode()
    assert "Nothing was recorded" in page and "no-such-line" in page


def test_a_job_runs_once_and_the_same_file_again_records_nothing_more(
    world, lines, django_capture_on_commit_callbacks, work_off_the_queue
):
    content = results(lines, 4)
    upload(world, content, django_capture_on_commit_callbacks)
    work_off_the_queue()
    first = ImportBatch.objects.get(kind="payments")
    assert background.record_queued_payment_import(batch_id=first.pk) is None  # already taken

    upload(world, content, django_capture_on_commit_callbacks)
    work_off_the_queue()

    again = ImportBatch.objects.exclude(pk=first.pk).get(kind="payments")
    assert again.status == ImportStatus.REJECTED  # every voucher is already on record
    assert len(again.errors) == 4
    assert Disbursement.objects.count() == 4


def test_a_worker_that_breaks_at_the_third_payment_records_none_and_fails_the_batch(
    world, lines, django_capture_on_commit_callbacks, work_off_the_queue, monkeypatch
):
    calls = []
    original = disbursements.apply_payment

    def breaking(**kwargs):
        calls.append(kwargs["payment"].voucher)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return original(**kwargs)

    monkeypatch.setattr("reach.payments.services.imports.apply_payment", breaking)
    upload(world, results(lines, 4), django_capture_on_commit_callbacks)
    work_off_the_queue()

    batch = ImportBatch.objects.get(kind="payments")
    assert batch.status == ImportStatus.FAILED
    assert re.search(r"\b[0-9a-f]{12}\b", batch.errors[0]["reason"])  # the log's reference
    assert len(calls) == 3 and not Disbursement.objects.exists()
    assert batch.upload is None


def test_a_payment_file_no_worker_took_up_is_failed_as_stale(
    world, lines, django_capture_on_commit_callbacks
):
    upload(world, results(lines, 4), django_capture_on_commit_callbacks)
    later = timezone.now() + STALE_AFTER + dt.timedelta(seconds=1)

    assert fail_stale_imports(now=later) == 1

    batch = ImportBatch.objects.get(kind="payments")
    assert batch.status == ImportStatus.FAILED and batch.upload is None
    assert not Disbursement.objects.exists()


def api_client(world) -> Client:
    client = Client()
    client.force_login(world.users["district"])
    client.cookies["django_language"] = "en"
    return client


def api_post(client: Client, content: bytes, capture):
    with LARGE, capture(execute=True):
        return client.post(
            "/api/v1/payment-imports", {"file": SimpleUploadedFile("results.csv", content)}
        )


def test_over_the_api_a_small_file_records_its_three_payments_at_once(
    world, lines, django_capture_on_commit_callbacks
):
    response = api_post(api_client(world), results(lines, 3), django_capture_on_commit_callbacks)
    assert (response.status_code, response.json()) == (200, {"recorded": 3})
    assert Disbursement.objects.count() == 3 and not ImportBatch.objects.exists()


def test_over_the_api_a_small_file_with_a_bad_row_is_422_listing_it_and_records_nothing(
    world, lines, django_capture_on_commit_callbacks
):
    content = results(lines, 3, bad=1)
    response = api_post(api_client(world), content, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert [(e["line"], e["column"]) for e in response.json()["errors"]] == [(3, "line")]
    assert not Disbursement.objects.exists()


def test_over_the_api_a_large_file_is_202_and_its_status_url_shows_four_recorded(
    world, lines, django_capture_on_commit_callbacks, work_off_the_queue
):
    client = api_client(world)
    response = api_post(client, results(lines, 4), django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["status_url"] == f"/api/v1/imports/{body['id']}"

    work_off_the_queue()

    read = client.get(body["status_url"]).json()
    assert (read["kind"], read["status"], read["summary"]) == (
        "payments",
        "committed",
        {"payments_recorded": 4},
    )
    assert Disbursement.objects.count() == 4
