"""Runs requested from the web UI or the API: queued as background jobs for `reach db_worker`,
joined while waiting or going, failed (never left in progress) when no worker takes them or
the worker dies, and retried as new runs."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reach.accounts.models import AuditEvent
from reach.entitlements.choices import RunStatus
from reach.entitlements.errors import UnknownPolicy
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.entitlements.services import (
    NO_WORKER,
    STALE_AFTER,
    WORKER_STOPPED,
    execute_requested_run,
    fail_stale_runs,
)
from reach.entitlements.services.jobs import request_run
from reach.entitlements.tests.factories import EntitlementRunFactory, make_place, make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
GUIDING = "cn-guiding-2015"


@pytest.fixture
def place(db):
    load_policies_dir(path=default_policies_dir())
    place = make_place()
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    return place


def test_request_run_queues_a_job_that_the_worker_computes(
    place, django_capture_on_commit_callbacks, work_off_the_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = request_run(
            policy_codes=[GUIDING], school_year=2024, unit=place.units["county"], actor=None
        )

    run = outcome.run
    assert not outcome.joined and run.status == RunStatus.PENDING
    job = DBTaskResult.objects.get()
    assert job.task_path == "reach.entitlements.tasks.execute_run_task"
    assert job.args_kwargs["kwargs"] == {"run_id": run.pk}

    work_off_the_queue()

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert (run.progress_done, run.progress_total) == (run.progress_total, 12)  # county benefits
    assert EntitlementLine.objects.filter(run=run).count() == 4  # 1,000 + 760 + 400 + 500
    assert AuditEvent.objects.filter(object_type="entitlements.entitlementrun").count() == 2


def test_a_second_request_joins_the_waiting_run_and_queues_nothing(
    place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_run(policy_codes=[GUIDING], school_year=2024, unit=None, actor=None)
        second = request_run(policy_codes=[GUIDING], school_year=2024, unit=None, actor=None)

    assert second.joined and second.run.pk == first.run.pk
    assert DBTaskResult.objects.count() == 1
    other_year = request_run(policy_codes=[GUIDING], school_year=2023, unit=None, actor=None)
    assert not other_year.joined


def test_request_run_of_an_unloaded_policy_is_refused(place):
    with pytest.raises(UnknownPolicy, match="unknown policy nope"):
        request_run(policy_codes=["nope"], school_year=2024, unit=None, actor=None)
    assert not EntitlementRun.objects.exists()


def test_the_job_leaves_alone_a_run_that_is_no_longer_pending(place):
    done = EntitlementRunFactory(status=RunStatus.FAILED, error=NO_WORKER)

    assert execute_requested_run(run_id=done.pk) is None
    assert execute_requested_run(run_id=done.pk + 1000) is None
    done.refresh_from_db()
    assert done.status == RunStatus.FAILED and not EntitlementLine.objects.exists()


def test_a_pending_run_no_worker_took_fails_and_can_be_retried(place):
    waiting = EntitlementRunFactory(status=RunStatus.PENDING, started_at=None, heartbeat_at=None)
    EntitlementRun.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )
    recent = EntitlementRunFactory(status=RunStatus.PENDING, school_year=2023)

    assert fail_stale_runs() == 1

    waiting.refresh_from_db()
    recent.refresh_from_db()
    assert (waiting.status, waiting.error) == (RunStatus.FAILED, NO_WORKER)
    assert waiting.finished_at is not None and recent.status == RunStatus.PENDING
    retry = request_run(policy_codes=[GUIDING], school_year=2024, unit=None, actor=None)
    assert not retry.joined and retry.run.pk != waiting.pk


def test_a_running_run_whose_worker_went_silent_fails_with_worker_stopped(place):
    silent = EntitlementRunFactory(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now() - STALE_AFTER * 2
    )
    alive = EntitlementRunFactory(status=RunStatus.RUNNING, school_year=2023)

    fail_stale_runs()

    silent.refresh_from_db()
    alive.refresh_from_db()
    assert (silent.status, silent.error) == (RunStatus.FAILED, WORKER_STOPPED)
    assert alive.status == RunStatus.RUNNING


def test_the_fail_stale_runs_command_fails_what_no_worker_computes(place):
    silent = EntitlementRunFactory(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now() - STALE_AFTER * 2
    )
    out = io.StringIO()

    call_command("fail_stale_runs", stdout=out)

    silent.refresh_from_db()
    assert (silent.status, silent.error) == (RunStatus.FAILED, WORKER_STOPPED)
    assert "1 stale runs failed" in out.getvalue()


def test_a_worker_starting_a_job_fails_stale_runs_but_computes_its_own_late_run(place):
    late = request_run(policy_codes=[GUIDING], school_year=2024, unit=None, actor=None).run
    silent = EntitlementRunFactory(
        status=RunStatus.RUNNING, school_year=2023, heartbeat_at=timezone.now() - STALE_AFTER * 2
    )
    EntitlementRun.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )

    execute_requested_run(run_id=late.pk)

    late.refresh_from_db()
    silent.refresh_from_db()
    assert late.status == RunStatus.DONE
    assert (silent.status, silent.error) == (RunStatus.FAILED, WORKER_STOPPED)
