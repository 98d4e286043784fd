"""Household files over REACH_IMPORT_BACKGROUND_ROWS rows are checked by the background worker:
the API answers 202 with a status URL, the page polls a progress bar, and the outcome is the
same all-or-nothing staging as a small file's; a worker that dies or breaks leaves a failed
batch with nothing staged, never one "being checked" forever."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from reach.accounts.models import AuditEvent
from reach.registry.choices import ImportStatus
from reach.registry.imports import background
from reach.registry.imports.background import STALE_AFTER, fail_stale_imports
from reach.registry.imports.validation import DatabaseChecks
from reach.registry.models import ImportBatch, ImportRow
from reach.registry.tests.test_api import token_client
from reach.registry.tests.test_import_roles import english, pupil  # noqa: F401
from reach.registry.tests.test_imports import csv_bytes, stage

pytestmark = pytest.mark.django_db
LARGE = override_settings(REACH_IMPORT_BACKGROUND_ROWS=3)


def rows(count: int = 6) -> list[dict]:
    return [pupil(f"Child {n}", household_code=f"HH-{n}") for n in range(count)]


@pytest.fixture(autouse=True)
def uploader_reads_english(world):
    """The uploader chose English: the API and the worker answer them in it."""
    world.users["ward01"].language = "en"
    world.users["ward01"].save(update_fields=["language"])


def api_upload(client: Client, content: bytes, capture):
    with LARGE, capture(execute=True):
        return client.post(
            "/api/v1/imports/households", {"file": SimpleUploadedFile("big.csv", content)}
        )


def test_a_large_upload_is_answered_202_then_staged_by_the_worker_as_a_small_one_would_be(
    world, django_capture_on_commit_callbacks, work_off_the_queue
):
    content = csv_bytes(rows())
    client = token_client("ward01")

    response = api_upload(client, content, django_capture_on_commit_callbacks)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["status_url"] == f"/api/v1/imports/{body['id']}"
    batch = ImportBatch.objects.get(pk=body["id"])
    assert bytes(batch.upload) == content and batch.progress_total == 6
    job = DBTaskResult.objects.get()
    assert job.task_path == "reach.registry.tasks.stage_import_task"
    assert job.args_kwargs["kwargs"] == {"batch_id": batch.pk}
    assert client.get(body["status_url"]).json()["status"] == "queued"
    assert not ImportRow.objects.exists()

    work_off_the_queue()

    read = client.get(body["status_url"]).json()
    small = stage(data=content, user=world.users["ward01"])
    assert read["status"] == small.status == ImportStatus.STAGED, read["errors"]
    assert (read["row_count"], read["summary"]) == (small.row_count, small.summary)
    assert (read["progress_done"], read["progress_total"]) == (6, 6)
    assert ImportRow.objects.filter(batch_id=batch.pk).count() == 6
    batch.refresh_from_db()
    assert batch.upload is None  # the stored file is dropped once checked
    committed = client.post(f"/api/v1/imports/{batch.pk}/commit")
    assert committed.status_code == 200 and committed.json()["status"] == "committed"


def test_the_progress_moves_as_the_worker_reads(
    world, django_capture_on_commit_callbacks, work_off_the_queue, monkeypatch
):
    monkeypatch.setattr(background, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    original = background.stage_into

    def watched(batch, *, progress, **kwargs):
        def spy(done, total):
            progress(done, total)
            now = ImportBatch.objects.get(pk=batch.pk)
            seen.append((now.progress_done, now.progress_total))

        return original(batch, progress=spy, **kwargs)

    monkeypatch.setattr(background, "stage_into", watched)
    api_upload(token_client("ward01"), csv_bytes(rows(7)), django_capture_on_commit_callbacks)
    work_off_the_queue()

    assert seen == [(2, 7), (4, 7), (6, 7), (7, 7)]
    assert ImportBatch.objects.get().status == ImportStatus.STAGED


def test_a_check_that_breaks_midway_fails_and_leaves_nothing_staged(
    world, django_capture_on_commit_callbacks, work_off_the_queue, monkeypatch, caplog
):
    calls = []
    original = DatabaseChecks.check_national_ids

    def breaking(self, chunk):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return original(self, chunk)

    monkeypatch.setattr(DatabaseChecks, "check_national_ids", breaking)
    world.users["ward01"].language = "vi"
    world.users["ward01"].save(update_fields=["language"])
    with override_settings(REACH_IMPORT_BATCH_SIZE=2):
        api_upload(token_client("ward01"), csv_bytes(rows()), django_capture_on_commit_callbacks)
        work_off_the_queue()

    batch = ImportBatch.objects.get()
    assert len(calls) == 2  # the first chunk was stored before the second broke
    assert batch.status == ImportStatus.FAILED and batch.upload is None
    (logged,) = [r for r in caplog.records if r.name == "reach.registry.imports"]
    reference = logged.getMessage().rsplit(" ", 1)[-1]
    reason = batch.errors[0]["reason"]  # in the uploader's language (Vietnamese here)
    assert reference in reason and "disk" not in reason and "tham chiếu" in reason
    assert not ImportRow.objects.exists()


def test_a_large_file_past_the_row_cap_is_rejected_by_the_worker_with_the_limit(
    world, django_capture_on_commit_callbacks, work_off_the_queue
):
    with override_settings(REACH_UPLOAD_MAX_ROWS=5):
        content = csv_bytes(rows(5)) + b"\n" * 3  # lines over the cap, rows within it
        api_upload(token_client("ward01"), content, django_capture_on_commit_callbacks)
        ImportBatch.objects.update(upload=csv_bytes(rows(6)))  # changed behind the request
        work_off_the_queue()

    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REJECTED
    assert "the limit is 5 rows" in batch.errors[0]["reason"]
    assert not ImportRow.objects.exists()


def test_a_batch_being_checked_cannot_be_committed(world, django_capture_on_commit_callbacks):
    client = token_client("ward01")
    batch_id = api_upload(client, csv_bytes(rows()), django_capture_on_commit_callbacks).json()[
        "id"
    ]
    refused = client.post(f"/api/v1/imports/{batch_id}/commit")
    with translation.override("vi"):  # the API speaks the country's language
        expected = translation.gettext("This import is still being checked: wait for its preview")
    assert refused.status_code == 422 and refused.json()["detail"] == expected
    assert ImportBatch.objects.get().status == ImportStatus.QUEUED


def test_stale_background_checks_are_failed_with_their_rows_and_file_dropped(world):
    now = timezone.now()
    old = now - STALE_AFTER - dt.timedelta(minutes=1)
    waiting = ImportBatch.objects.create(filename="a.csv", status="queued", upload=b"x")
    silent = ImportBatch.objects.create(filename="b.csv", status="checking", heartbeat_at=old)
    alive = ImportBatch.objects.create(filename="c.csv", status="checking", heartbeat_at=now)
    ImportBatch.objects.filter(pk=waiting.pk).update(created_at=old)
    ImportRow.objects.create(batch=silent, line=2, household_code="HH-1")

    out = io.StringIO()
    call_command("fail_stale_imports", stdout=out)

    assert "2 stale imports failed" in out.getvalue()
    for batch, reason in ((waiting, background.NO_WORKER), (silent, background.WORKER_STOPPED)):
        batch.refresh_from_db()
        assert batch.status == ImportStatus.FAILED and batch.upload is None
        assert batch.errors == [{"line": 0, "column": "", "reason": reason}]
    alive.refresh_from_db()
    assert alive.status == ImportStatus.CHECKING
    assert not ImportRow.objects.exists()
    events = AuditEvent.objects.filter(object_type="registry.importbatch", after__status="failed")
    assert events.count() == 2
    assert fail_stale_imports() == 0


def test_the_page_shows_a_progress_bar_polled_until_the_check_ends(
    world, django_capture_on_commit_callbacks, work_off_the_queue
):
    client = Client()
    client.force_login(world.users["ward01"])
    with LARGE, django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("big.csv", csv_bytes(rows()))
        preview = client.post("/imports/", {"file": upload}, follow=True)
    batch = ImportBatch.objects.get()
    progress_url = f"/imports/{batch.pk}/progress/"
    page = preview.content.decode()
    assert f'hx-get="{progress_url}?active=1"' in page and "every 1s" in page
    assert "<progress" in page
    polled = client.get(progress_url + "?active=1")
    assert polled.status_code == 200 and "hx-trigger" in polled.content.decode()

    work_off_the_queue()

    done = client.get(progress_url + "?active=1")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    final = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "hx-get" not in final and f"/imports/{batch.pk}/commit/" in final
