"""Background jobs of the plans app (django-tasks; `reach db_worker` runs them)."""

from django.db import transaction
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


@task()
def refresh_figures_task() -> str:
    """Recount the figures kept per unit and school year (`services.refresh_figures`), after a
    write that changes them; each count is stamped with when it was computed."""
    # imported when run: the apps whose writes queue it (entitlements, payments, casework,
    # registry) sit below the figures, which read their records
    from reach.plans.services import refresh_figures

    return f"{len(refresh_figures())} figure counts refreshed"


def _enqueue_refresh() -> None:
    waiting = DBTaskResult.objects.filter(
        task_path=refresh_figures_task.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():  # one waiting refresh counts every write before it starts
        refresh_figures_task.enqueue()


def request_figure_refresh() -> None:
    """Queue a refresh of the kept figure counts once the current transaction commits (none if
    it rolls back), unless one is waiting already: called by the writes that change figures
    (an approved entitlement run, recorded payments, a closed case, an imported batch)."""
    transaction.on_commit(_enqueue_refresh)
