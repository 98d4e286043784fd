"""A staged batch over REACH_IMPORT_BACKGROUND_ROWS rows is committed by the background worker:
the request only marks it "commit queued" (202 from the API, a polled bar on the page), the job
merges it in one transaction, and a commit that breaks or never finishes commits nothing and
leaves the batch staged, to be committed again."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reach.accounts.models import AuditEvent, Membership
from reach.registry.choices import ImportStatus
from reach.registry.imports import background
from reach.registry.imports.background import STALE_AFTER, commit_queued_import
from reach.registry.imports.merge import StagedMerge
from reach.registry.models import Household, ImportBatch
from reach.registry.tests.test_api import token_client
from reach.registry.tests.test_import_background import (  # noqa: F401
    LARGE,
    rows,
    uploader_reads_english,
)
from reach.registry.tests.test_imports import csv_bytes, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staged(world) -> ImportBatch:
    """Six new households staged by ward01: over the background threshold of 3 rows."""
    batch = stage(data=csv_bytes(rows(6)), user=world.users["ward01"])
    assert batch.status == ImportStatus.STAGED and batch.row_count == 6
    return batch


def api_commit(client: Client, batch: ImportBatch, capture):
    with LARGE, capture(execute=True):
        return client.post(f"/api/v1/imports/{batch.pk}/commit")


def commit_jobs() -> int:
    return DBTaskResult.objects.filter(task_path="reach.registry.tasks.commit_import_task").count()


def test_a_large_commit_over_the_api_is_answered_202_then_all_6_rows_merged_by_the_worker(
    world, staged, django_capture_on_commit_callbacks, work_off_the_queue
):
    client = token_client("ward01")
    before = Household.objects.count()

    response = api_commit(client, staged, django_capture_on_commit_callbacks)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "commit_queued"
    assert body["status_url"] == f"/api/v1/imports/{staged.pk}"
    assert Household.objects.count() == before  # nothing committed yet
    (job,) = DBTaskResult.objects.all()
    assert job.args_kwargs["kwargs"] == {"batch_id": staged.pk}
    staged.refresh_from_db()
    assert staged.commit_requested_by == world.users["ward01"]
    assert AuditEvent.objects.filter(
        object_type="registry.importbatch", after__status="commit_queued"
    ).exists()

    work_off_the_queue()

    read = client.get(body["status_url"]).json()
    assert read["status"] == "committed" and read["summary"]["households_new"] == 6
    assert Household.objects.count() == before + 6


def test_asking_twice_for_a_large_commit_queues_one_job(
    staged, django_capture_on_commit_callbacks, work_off_the_queue
):
    client = token_client("ward01")

    first = api_commit(client, staged, django_capture_on_commit_callbacks)
    second = api_commit(client, staged, django_capture_on_commit_callbacks)

    assert (first.status_code, second.status_code) == (202, 202)
    assert commit_jobs() == 1
    work_off_the_queue()
    assert ImportBatch.objects.get(pk=staged.pk).status == ImportStatus.COMMITTED
    again = api_commit(client, staged, django_capture_on_commit_callbacks)
    assert again.status_code == 422 and commit_jobs() == 1


def test_the_page_queues_a_large_commit_and_polls_until_the_worker_has_merged_it(
    world, staged, django_capture_on_commit_callbacks, work_off_the_queue
):
    client = Client()
    client.force_login(world.users["ward01"])
    before = Household.objects.count()
    with LARGE, django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/imports/{staged.pk}/commit/", follow=True).content.decode()

    progress_url = f"/imports/{staged.pk}/progress/"
    assert f'hx-get="{progress_url}?active=1"' in page and "<progress aria-label" in page
    assert "Being committed" in page and "Confirm and merge" not in page
    assert Household.objects.count() == before

    work_off_the_queue()

    done = client.get(progress_url + "?active=1")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert Household.objects.count() == before + 6


def test_a_commit_that_breaks_after_writing_the_households_commits_none_and_can_be_redone(
    staged, django_capture_on_commit_callbacks, work_off_the_queue, monkeypatch, caplog
):
    client = token_client("ward01")
    before = Household.objects.count()
    original = StagedMerge.write_kind
    applied = []

    def breaking(self, kind):
        original(self, kind)  # the households written inside the job's transaction
        applied.append(kind)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(StagedMerge, "write_kind", breaking)
    api_commit(client, staged, django_capture_on_commit_callbacks)
    work_off_the_queue()

    assert applied and Household.objects.count() == before
    read = client.get(f"/api/v1/imports/{staged.pk}").json()
    assert read["status"] == "staged"
    (logged,) = [r for r in caplog.records if r.name == "reach.registry.imports"]
    reason = read["errors"][0]["reason"]
    assert logged.getMessage().rsplit(" ", 1)[-1] in reason and "disk" not in reason

    monkeypatch.setattr(StagedMerge, "write_kind", original)
    assert api_commit(client, staged, django_capture_on_commit_callbacks).status_code == 202
    work_off_the_queue()
    assert ImportBatch.objects.get(pk=staged.pk).status == ImportStatus.COMMITTED
    assert Household.objects.count() == before + 6


def test_a_worker_that_dies_midway_commits_nothing_and_leaves_the_batch_commit_queued(
    staged, django_capture_on_commit_callbacks, monkeypatch
):
    api_commit(token_client("ward01"), staged, django_capture_on_commit_callbacks)
    before = Household.objects.count()
    original = StagedMerge.write_kind

    def dying(self, kind):
        original(self, kind)
        raise SystemExit  # the worker process is killed: no handler runs

    monkeypatch.setattr(StagedMerge, "write_kind", dying)
    with pytest.raises(SystemExit):
        commit_queued_import(batch_id=staged.pk)

    assert Household.objects.count() == before
    assert ImportBatch.objects.get(pk=staged.pk).status == ImportStatus.COMMIT_QUEUED


def test_the_job_checks_again_that_the_requester_may_commit(
    world, staged, django_capture_on_commit_callbacks, work_off_the_queue
):
    api_commit(token_client("ward01"), staged, django_capture_on_commit_callbacks)
    before = Household.objects.count()
    Membership.objects.filter(user=world.users["ward01"]).delete()  # no longer a ward officer

    work_off_the_queue()

    batch = ImportBatch.objects.get(pk=staged.pk)
    assert batch.status == ImportStatus.STAGED
    assert batch.errors[0]["reason"] == "Your role does not allow importing households"
    assert Household.objects.count() == before


def test_the_sweep_returns_a_commit_queued_10_minutes_ago_to_staged_and_spares_a_recent_one(
    world, staged
):
    now = timezone.now()
    recent = stage(data=csv_bytes(rows(4)), user=world.users["ward01"])
    ImportBatch.objects.filter(pk=staged.pk).update(
        status="commit_queued", heartbeat_at=now - STALE_AFTER - dt.timedelta(minutes=1)
    )
    ImportBatch.objects.filter(pk=recent.pk).update(status="commit_queued", heartbeat_at=now)

    out = io.StringIO()
    call_command("fail_stale_imports", stdout=out)

    assert "1 unfinished commits returned to staged" in out.getvalue()
    staged.refresh_from_db()
    assert staged.status == ImportStatus.STAGED and staged.row_count == 6
    assert staged.errors == [{"line": 0, "column": "", "reason": background.COMMIT_STOPPED}]
    assert staged.rows.count() == 6  # the staged rows are intact: commit again
    assert ImportBatch.objects.get(pk=recent.pk).status == ImportStatus.COMMIT_QUEUED
    event = AuditEvent.objects.get(object_type="registry.importbatch", after__status="staged")
    assert event.before == {"status": "commit_queued"}
    assert background.return_stale_commits() == 0
