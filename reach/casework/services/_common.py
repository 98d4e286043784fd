"""What the casework services share: the domain error, dates, audit, locking."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reach.accounts.choices import AuditAction
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.models import DropoutCase, WorkGroup
from reach.geo.models import PATH_SEPARATOR, Unit


class CaseError(Exception):
    """A casework rule forbids the change; the message says why, for the user."""


class CommandLineActor:
    """Opening cases from the command line reads every list, as a system administrator."""

    is_authenticated = True
    is_superuser = True
    pk = None


def today() -> dt.date:
    return timezone.localdate()


# What a date may not be, by what it dates: (in the future, before the case was opened).
DATE_RULES = {
    "opening": (gettext_lazy("The opening date is in the future."), None),
    "visit": (
        gettext_lazy("The visit date is in the future."),
        gettext_lazy("The visit date is before the case was opened (%(opened)s)."),
    ),
    "action": (
        gettext_lazy("The action date is in the future."),
        gettext_lazy("The action date is before the case was opened (%(opened)s)."),
    ),
    "outcome": (
        gettext_lazy("The outcome date is in the future."),
        gettext_lazy("The outcome date is before the case was opened (%(opened)s)."),
    ),
}


def check_date(day: dt.date, *, case: DropoutCase | None = None, what: str) -> None:
    future, early = DATE_RULES[what]
    if day > today():
        raise CaseError(str(future))
    if case is not None and early is not None and day < case.opened_on:
        raise CaseError(str(early) % {"opened": case.opened_on.isoformat()})


def audit(*, actor, action: AuditAction, obj, before=None, after=None, reason: str = "", case):
    record_audit_event(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        obj=obj,
        before=before,
        after=after,
        household_id=case.household_id,
        reason=reason,
    )


def audit_change(*, actor, case: DropoutCase, before: dict, reason: str = "") -> None:
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=before,
        after=snapshot(case),
        reason=reason,
        case=case,
    )


def locked(case: DropoutCase) -> DropoutCase:
    return DropoutCase.objects.select_for_update().select_related("person", "unit").get(pk=case.pk)


def require_active(case: DropoutCase) -> None:
    if not case.is_active:
        raise CaseError(_("Case #%(id)s is closed: reopen it first.") % {"id": case.pk})


def serves(work_group: WorkGroup, unit: Unit) -> bool:
    """A work group serves the cases of its unit and of every unit under it."""
    path = work_group.unit.path
    return unit.path == path or unit.path.startswith(path + PATH_SEPARATOR)


def user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None
