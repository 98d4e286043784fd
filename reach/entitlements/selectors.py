"""Reads of entitlement runs and lines; lines are personal data and pass through `restrict`."""

from django.db.models import QuerySet

from reach.accounts.scoping import restrict
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.geo.models import Unit
from reach.registry.models import Person


def get_unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def get_run(run_id: int) -> EntitlementRun | None:
    return EntitlementRun.objects.select_related("unit").filter(pk=run_id).first()


def list_runs() -> QuerySet[EntitlementRun]:
    return EntitlementRun.objects.select_related("unit").order_by("-id")


def list_lines_for_user(user, run: EntitlementRun) -> QuerySet[EntitlementLine]:
    """The lines of `run` about persons `user` may see."""
    visible = restrict(Person.objects.all(), user)
    return (
        run.lines.filter(person__in=visible.values("pk"))
        .select_related("person", "unit", "benefit")
        .order_by("person_id", "policy_code", "benefit__position")
    )
