"""Background jobs of the payments app (django-tasks; `reach db_worker` runs them)."""

from django_tasks import task

from reach.payments.services.background import record_queued_payment_import


@task()
def record_payment_import_task(*, batch_id: int) -> str:
    """Record a large payment-result file uploaded from the web UI, all or nothing; its
    progress and outcome are on the batch (status, payments recorded, every bad row)."""
    batch = record_queued_payment_import(batch_id=batch_id)
    return "skipped" if batch is None else batch.status
