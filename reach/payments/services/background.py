"""The background recording of a large payment-result file (queued by
`jobs.request_payment_import`, run by `reach db_worker` through `reach.payments.tasks`) inside
the household import's frame (`reach.registry.imports.background.run_queued_import`): the same
all-or-nothing `import_payment_results` as a small file's, its rows checked written on the
batch as they go, its outcome (payments recorded, or every bad row) saved and audited on it."""

from dataclasses import asdict
from typing import IO

from django.db import transaction
from django.utils import timezone

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.services import record_audit_event
from reach.common.errors import NotAllowed
from reach.common.uploads import Upload
from reach.payments.services.imports import (
    PaymentImportRejected,
    RowError,
    import_payment_results,
)
from reach.registry.choices import ImportStatus
from reach.registry.imports.background import run_queued_import
from reach.registry.imports.services import Progress
from reach.registry.models import ImportBatch

KIND = "payments"  # the import batches of payment-result files


def _record(
    batch: ImportBatch, file: IO[bytes], upload: Upload, user: User | None, progress: Progress
) -> None:
    """Record the batch's file, all or nothing, and end the batch: committed with the number
    of payments, or rejected with every bad row (the stored file dropped either way)."""
    try:
        recorded = import_payment_results(
            file=file, filename=batch.filename, actor=user, progress=progress
        )
    except PaymentImportRejected as rejection:
        _finish(batch, user, ImportStatus.REJECTED, errors=rejection.errors)
    except NotAllowed as refusal:  # the uploader lost the role since
        _finish(batch, user, ImportStatus.REJECTED, errors=[RowError(0, "", str(refusal))])
    else:
        _finish(batch, user, ImportStatus.COMMITTED, recorded=recorded)


def _finish(
    batch: ImportBatch,
    user: User | None,
    status: str,
    *,
    recorded: int = 0,
    errors: list[RowError] | None = None,
) -> None:
    with transaction.atomic():
        before = batch.status
        batch.status = status
        batch.errors = [asdict(error) for error in errors or []]
        batch.summary = {"payments_recorded": recorded}
        if status == ImportStatus.COMMITTED:
            batch.row_count = recorded
            batch.committed_at = timezone.now()
        batch.save()
        record_audit_event(
            actor=user,
            action=AuditAction.UPDATE,
            obj=batch,
            before={"status": before},
            after={"status": status, "payments_recorded": recorded, "errors": len(batch.errors)},
            reason="background payment import",
        )


def record_queued_payment_import(*, batch_id: int) -> ImportBatch | None:
    """The background job: record the queued payment-result file of batch `batch_id`."""
    return run_queued_import(batch_id=batch_id, work=_record)
