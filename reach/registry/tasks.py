"""Background jobs of the registry app (django-tasks; `reach db_worker` runs them)."""

from django_tasks import task

from reach.registry.imports.background import commit_queued_import, stage_queued_import


@task()
def stage_import_task(*, batch_id: int) -> str:
    """Check and stage a large household file uploaded from the web UI or the API; its
    progress and outcome are on the batch itself (status, rows checked, errors)."""
    batch = stage_queued_import(batch_id=batch_id)
    return "skipped" if batch is None else batch.status


@task()
def commit_import_task(*, batch_id: int) -> str:
    """Merge a large staged household batch whose commit was requested from the web UI or the
    API; its outcome is on the batch (status, errors)."""
    batch = commit_queued_import(batch_id=batch_id)
    return "skipped" if batch is None else batch.status
