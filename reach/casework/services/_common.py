"""What the casework services share: the domain errors, the command line's actor, dates,
audit, locking."""

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.models import DropoutCase, WorkGroup
from reach.casework.permissions import can_edit_case
from reach.common.errors import Conflict, DomainError
from reach.geo.models import Unit, is_under


class CaseError(DomainError):
    """A casework rule forbids the change; the message says why, for the user (HTTP 422)."""


class CaseConflict(CaseError, Conflict):
    """The change clashes with the case's state: closed, not closed, already open (HTTP 409)."""


M = TypeVar("M", bound=Model)


def create_checked(model: type[M], **values: Any) -> M:
    """Create a record, refusing text longer than its column holds (PostgreSQL would refuse it
    with a database error, SQLite would store it whole)."""
    record = model(**values)
    for field in record._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(record, field.attname)
        if limit and isinstance(value, str) and len(value) > limit:
            raise CaseError(
                _("%(field)s: at most %(limit)d characters, not %(length)d.")
                % {"field": field.verbose_name, "limit": limit, "length": len(value)}
            )
    record.save(force_insert=True)
    return record


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


def audit(
    *,
    actor: User,
    action: AuditAction,
    obj: Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    case: DropoutCase,
) -> None:
    record_audit_event(
        actor=user_or_none(actor),
        action=action,
        obj=obj,
        before=before,
        after=after,
        household_id=case.household_id,
        reason=reason,
    )


def audit_change(*, actor: User, case: DropoutCase, before: dict, reason: str = "") -> None:
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


def require_case_editor(actor: User, case: DropoutCase) -> None:
    require(can_edit_case(actor, case), _("Your role cannot change this case."))


def require_active(case: DropoutCase) -> None:
    if not case.is_active:
        raise CaseConflict(_("Case #%(id)s is closed: reopen it first.") % {"id": case.pk})


def serves(work_group: WorkGroup, unit: Unit) -> bool:
    """A work group serves the cases of its unit and of every unit under it."""
    return is_under(unit.path, work_group.unit.path)


def user_or_none(actor: User | None) -> User | None:
    """The stored user to name in a record, None for the command line's actor."""
    return actor if actor is not None and actor.pk else None
