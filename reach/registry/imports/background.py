"""Large uploaded files handled by `reach db_worker`, whatever they hold: `queue_import` keeps
the file on a queued batch and enqueues its job once the batch is saved; `run_queued_import`
is the job's frame (take the batch once, check the upload again, write the progress on the
batch as the work goes, in the uploader's language, end in a final status whatever breaks),
around the work of one kind: `stage_queued_import` stages a household file (queued by
`jobs.request_household_import`, run through `reach.registry.tasks`); the payments app records
a payment-result file the same way (`reach.payments.services.jobs`).

A job whose worker went silent, or that no worker took up, for STALE_AFTER is marked failed,
its rows and stored file dropped, never left "being checked": by the next request of a
background import, by the worker when it starts a job, or by `reach fail_stale_imports`.

A large staged batch is committed the same way: `queue_commit` marks it "commit queued" (who
asked, when) and enqueues its job; `commit_queued_import` commits it in ONE transaction that
holds the batch's row lock from the check of its status to its final status, so a worker that
dies commits nothing and leaves it "commit queued". A commit that breaks returns the batch to
"staged" at once (its staged rows are intact); one left "commit queued" for STALE_AFTER is
returned to "staged" by `return_stale_commits`, which skips a batch whose commit is still
running (its row locked: skipped on PostgreSQL; on SQLite the sweep's write transaction waits
for the writer and then sees the final status).
"""

import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable
from typing import IO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.selectors import language_of
from reach.accounts.services import record_audit_event
from reach.common.errors import NotAllowed
from reach.common.uploads import Upload, UploadRefused, check_upload
from reach.registry.choices import ImportStatus
from reach.registry.imports.merge import empty_summary
from reach.registry.imports.services import (
    Progress,
    check_committable,
    merge_locked_batch,
    require_committer,
    stage_into,
)
from reach.registry.models import ImportBatch, ImportRow

logger = logging.getLogger("reach.registry.imports")
STALE_AFTER = dt.timedelta(minutes=10)
PROGRESS_EVERY = 500  # rows between two writes of the progress
WORKER_STOPPED = "the background worker stopped while checking the file"
NO_WORKER = "no background worker picked the file up"
COMMIT_STOPPED = "the commit did not finish: nothing was committed; commit again"


def _end(batch: ImportBatch, status: str, reason: str) -> None:
    """End a check that staged nothing: no rows, no stored file, one error line saying why."""
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch).delete()
        batch.status = status
        batch.errors = [{"line": 0, "column": "", "reason": reason}]
        batch.duplicates = []
        batch.summary = empty_summary()
        batch.upload = None
        batch.save(update_fields=["status", "errors", "duplicates", "summary", "upload"])


def fail_stale_imports(*, now: dt.datetime | None = None, sparing: int | None = None) -> int:
    """Mark failed every background check whose worker went silent (checking) or that no
    worker took up (queued) for STALE_AFTER; returns how many."""
    now = now or timezone.now()
    stale = ImportBatch.objects.filter(
        Q(status=ImportStatus.CHECKING)
        & (Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at__isnull=True))
        | Q(status=ImportStatus.QUEUED, created_at__lt=now - STALE_AFTER)
    ).defer("upload")
    if sparing is not None:
        stale = stale.exclude(pk=sparing)
    failed = 0
    with transaction.atomic():
        for batch in stale.select_for_update():
            was = batch.status
            reason = WORKER_STOPPED if was == ImportStatus.CHECKING else NO_WORKER
            _end(batch, ImportStatus.FAILED, reason)
            record_audit_event(
                actor=None,
                action=AuditAction.UPDATE,
                obj=batch,
                before={"status": was},
                after={"status": batch.status},
                reason=reason,
            )
            failed += 1
    return failed


# The work of one kind of file on its taken batch: it ends the batch (a final status saved)
# or raises; UploadRefused rejects the batch, anything else fails it.
Work = Callable[[ImportBatch, IO[bytes], Upload, User | None, Progress], None]


def queue_import(
    *,
    kind: str,
    file: IO[bytes],
    filename: str,
    user: User,
    rows: int,
    enqueue: Callable[[int], object],
) -> ImportBatch:
    """Keep `file` (`rows` data rows) on a new queued batch of `kind`, audited, and call
    `enqueue(batch_id)` once the batch is saved for the worker to see."""
    fail_stale_imports()
    file.seek(0)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            filename=filename[:255],
            created_by=user if user.pk else None,
            status=ImportStatus.QUEUED,
            upload=file.read(),
            progress_total=rows,
            summary=empty_summary(),
        )
        record_audit_event(
            actor=user,
            action=AuditAction.CREATE,
            obj=batch,
            after={"status": batch.status, "filename": batch.filename, "rows": rows},
            reason="background import requested",
        )
        transaction.on_commit(lambda: enqueue(batch.pk))
    return batch


def run_queued_import(*, batch_id: int, work: Work) -> ImportBatch | None:
    """The background job: do `work` on the queued batch `batch_id`, in its uploader's
    language. A batch no longer queued (taken, failed as stale, gone) is left alone."""
    fail_stale_imports(sparing=batch_id)
    now = timezone.now()
    taken = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, heartbeat_at=now
    )
    if not taken:
        return None
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    user = batch.created_by
    file = io.BytesIO(bytes(batch.upload or b""))
    batch.upload = None  # the final save of the batch drops the stored file

    def progress(done: int, total: int | None) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            progress_done=done,
            progress_total=max(total or 0, batch.progress_total, done),
            heartbeat_at=timezone.now(),
        )

    with translation.override(language_of(user)):
        try:
            work(batch, file, check_upload(file, batch.filename), user, progress)
        except UploadRefused as refused:
            _end(batch, ImportStatus.REJECTED, str(refused))
        except Exception:  # noqa: BLE001 -- whatever broke, nothing half-done is left
            reference = uuid.uuid4().hex[:12]
            logger.exception("background import #%s failed, reference %s", batch_id, reference)
            reason = _("The check of the file failed (reference %(reference)s): nothing was staged")
            _end(batch, ImportStatus.FAILED, reason % {"reference": reference})
    ImportBatch.objects.filter(pk=batch_id).update(
        progress_done=batch.row_count, progress_total=batch.row_count, heartbeat_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _stage(
    batch: ImportBatch, file: IO[bytes], upload: Upload, user: User | None, progress: Progress
) -> None:
    stage_into(
        batch,
        file=file,
        filename=batch.filename,
        upload=upload,
        user=user,
        progress=progress,
        progress_every=PROGRESS_EVERY,
    )


def stage_queued_import(*, batch_id: int) -> ImportBatch | None:
    """Check and stage the queued household file of batch `batch_id`."""
    return run_queued_import(batch_id=batch_id, work=_stage)


def _return_to_staged(batch_id: int, reason: str, actor: User | None) -> ImportBatch | None:
    """Within the caller's transaction: a batch still "commit queued" goes back to "staged",
    `reason` its one error line, audited; None when it is no longer commit queued."""
    batch = (
        ImportBatch.objects.select_for_update()
        .defer("upload")
        .filter(pk=batch_id, status=ImportStatus.COMMIT_QUEUED)
        .first()
    )
    if batch is None:
        return None
    batch.status = ImportStatus.STAGED
    batch.errors = [{"line": 0, "column": "", "reason": reason}]
    batch.save(update_fields=["status", "errors"])
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        before={"status": ImportStatus.COMMIT_QUEUED},
        after={"status": batch.status},
        reason=reason,
    )
    return batch


def return_stale_commits(*, now: dt.datetime | None = None) -> int:
    """Return to "staged" every batch "commit queued" for STALE_AFTER whose commit is not
    running; returns how many. The query's status filter is evaluated under the row lock."""
    now = now or timezone.now()
    stale = ImportBatch.objects.filter(
        Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at__isnull=True),
        status=ImportStatus.COMMIT_QUEUED,
    )
    returned = 0
    with transaction.atomic():
        for batch_id in stale.select_for_update(skip_locked=True).values_list("pk", flat=True):
            returned += _return_to_staged(batch_id, COMMIT_STOPPED, actor=None) is not None
    return returned


def queue_commit(
    *, batch: ImportBatch, user: User, enqueue: Callable[[int], object]
) -> ImportBatch:
    """Mark the staged `batch` "commit queued" by `user`, audited, and call `enqueue(batch_id)`
    once that is saved. A batch already commit queued is returned as it is (one job per
    request, however often asked). Raises NotAllowed or ImportRejected as a commit would."""
    fail_stale_imports()
    return_stale_commits()
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().defer("upload").get(pk=batch.pk)
        require_committer(user, locked)
        if locked.status == ImportStatus.COMMIT_QUEUED:
            return locked
        check_committable(locked, user)
        locked.status = ImportStatus.COMMIT_QUEUED
        locked.commit_requested_by = user
        locked.heartbeat_at = timezone.now()
        locked.errors = []
        locked.save(update_fields=["status", "commit_requested_by", "heartbeat_at", "errors"])
        record_audit_event(
            actor=user,
            action=AuditAction.UPDATE,
            obj=locked,
            before={"status": ImportStatus.STAGED},
            after={"status": locked.status},
            reason="background commit requested",
        )
        transaction.on_commit(lambda: enqueue(locked.pk))
    return locked


def commit_queued_import(*, batch_id: int) -> ImportBatch | None:
    """The background commit of batch `batch_id`, as the user who asked (their permission
    checked again, in their language): in one transaction, lock the batch, check it is still
    "commit queued", merge it, save its final status ("committed", or "rejected" with the rows
    that no longer fit). A batch no longer commit queued (returned as stale, gone) is left
    alone (None). A refusal or a failure returns it to "staged", nothing committed."""
    requester = User.objects.filter(
        pk__in=ImportBatch.objects.filter(pk=batch_id).values("commit_requested_by")
    ).first()
    with translation.override(language_of(requester)):
        try:
            with transaction.atomic():
                batch = (
                    ImportBatch.objects.select_for_update()
                    .defer("upload")
                    .filter(pk=batch_id, status=ImportStatus.COMMIT_QUEUED)
                    .first()
                )
                if batch is None:
                    return None
                if batch.commit_requested_by_id is None or requester is None:
                    raise NotAllowed(_("The user who asked for the merge is no longer known"))
                require_committer(requester, batch)
                merge_locked_batch(batch, requester, progress=None)
        except NotAllowed as refused:
            reason = str(refused)
        except Exception:  # noqa: BLE001 -- whatever broke, nothing was committed
            reference = uuid.uuid4().hex[:12]
            logger.exception("background commit #%s failed, reference %s", batch_id, reference)
            reason = _(
                "The merge failed (reference %(reference)s): nothing was imported; merge again"
            ) % {"reference": reference}
        else:
            return batch
        with transaction.atomic():
            _return_to_staged(batch_id, reason, actor=requester)
    return ImportBatch.objects.defer("upload").filter(pk=batch_id).first()
