"""Payment-result files uploaded from the web UI: a small one is recorded in the request; one
over REACH_IMPORT_BACKGROUND_ROWS rows is kept on an import batch (kind "payments") and
recorded by `reach db_worker` (`reach.payments.tasks`), the page polling its progress. The
household import's frame does the rest (`reach.registry.imports.background`): the batch is
taken once, the upload checked again, the outcome saved on the batch whatever breaks, a job
whose worker went silent failed by `reach fail_stale_imports`.

Either way it is the same all-or-nothing `import_payment_results`: every payment recorded and
audited in one transaction, or none and every bad row listed on the batch. A file sent twice
records nothing the second time (its vouchers are on record)."""

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.common.uploads import check_upload
from reach.payments.permissions import can_import_payments
from reach.payments.services.background import KIND
from reach.payments.services.imports import import_payment_results
from reach.payments.tasks import record_payment_import_task
from reach.registry.imports.background import queue_import
from reach.registry.imports.jobs import background_rows
from reach.registry.models import ImportBatch


@dataclass(frozen=True)
class PaymentImportRequest:
    """What became of an uploaded file: `recorded` payments now, or a `batch` queued."""

    recorded: int = 0
    batch: ImportBatch | None = None


def request_payment_import(*, file: IO[bytes], filename: str, actor: User) -> PaymentImportRequest:
    """Record `file` now, or queue it when it is large. Raises NotAllowed before the file is
    looked at, UploadRefused when the upload check refuses it, PaymentImportRejected (a small
    file) listing every bad row."""
    require(can_import_payments(actor), _("you may not record payments"))
    upload = check_upload(file, filename)
    rows = max(upload.lines - 1, 0)  # less the heading
    if rows <= background_rows():
        file.seek(0)
        return PaymentImportRequest(
            recorded=import_payment_results(file=file, filename=filename, actor=actor)
        )
    batch = queue_import(
        kind=KIND,
        file=file,
        filename=filename,
        user=actor,
        rows=rows,
        enqueue=lambda batch_id: record_payment_import_task.enqueue(batch_id=batch_id),
    )
    return PaymentImportRequest(batch=batch)
