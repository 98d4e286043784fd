"""Household files uploaded from the web UI or the API: a small one is checked and staged in
the request; one over REACH_IMPORT_BACKGROUND_ROWS rows is kept on its batch and checked by
`reach db_worker` (`reach.registry.tasks`), the page polling its progress and the API answering
202 with the batch to read. Either way the upload check comes first: a refused file leaves no
batch.

A commit of a batch over REACH_IMPORT_BACKGROUND_ROWS rows is likewise requested, not run, in
the request (`request_household_commit`): the worker merges it (`background.commit_queued_import`)
and the page polls, the API answers 202, until it is no longer "commit queued"."""

from typing import IO

from django.conf import settings

from reach.accounts.models import User
from reach.common.uploads import check_upload
from reach.registry.imports.background import queue_commit, queue_import
from reach.registry.imports.services import (
    commit_household_import,
    require_importer,
    stage_household_import,
)
from reach.registry.models import ImportBatch
from reach.registry.tasks import commit_import_task, stage_import_task


def background_rows() -> int:
    return int(getattr(settings, "REACH_IMPORT_BACKGROUND_ROWS", 2000))


def request_household_import(*, file: IO[bytes], filename: str, user: User) -> ImportBatch:
    """Stage `file` now, or queue it when it is large; the batch says which (`is_active`).
    Raises NotAllowed before the file is looked at, UploadRefused when the upload check
    refuses it."""
    require_importer(user)
    upload = check_upload(file, filename)
    rows = max(upload.lines - 1, 0)  # less the heading
    if rows <= background_rows():
        return stage_household_import(file=file, filename=filename, user=user, upload=upload)
    return queue_import(
        kind="households",
        file=file,
        filename=filename,
        user=user,
        rows=rows,
        enqueue=lambda batch_id: stage_import_task.enqueue(batch_id=batch_id),
    )


def request_household_commit(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Merge the staged `batch` now, or queue its merge when it is large (its status then
    "commit queued"). Raises NotAllowed or ImportRejected as `commit_household_import` does."""
    if batch.row_count <= background_rows():
        return commit_household_import(batch=batch, user=user)
    return queue_commit(
        batch=batch,
        user=user,
        enqueue=lambda batch_id: commit_import_task.enqueue(batch_id=batch_id),
    )
