"""Background jobs of the entitlements app (django-tasks; `reach db_worker` runs them)."""

from django_tasks import task

from reach.entitlements.services.runs import execute_requested_run


@task()
def execute_run_task(*, run_id: int) -> str:
    """Compute a run requested from the web UI or the API; its progress and outcome are on
    the run itself (status, benefits done, error)."""
    run = execute_requested_run(run_id=run_id)
    return "skipped" if run is None else run.status
