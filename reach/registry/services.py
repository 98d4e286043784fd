"""Writes of registry data outside imports: every one leaves an audit event."""

from django.db import models, transaction

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.services import record_audit_event, snapshot
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person


def _household_id(obj: models.Model) -> int | None:
    if isinstance(obj, Household):
        return obj.pk
    if isinstance(obj, HouseholdYearStatus | Person):
        return obj.household_id
    if isinstance(obj, Enrolment):
        return obj.person.household_id
    return None


@transaction.atomic
def save_registry_record(
    *, actor: User | None, obj: models.Model, reason: str = ""
) -> models.Model:
    """Create or update a household, status, person or enrolment, recording before and after."""
    before = None
    if obj.pk is not None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        before = snapshot(stored) if stored is not None else None
    obj.full_clean()
    obj.save()
    after = snapshot(obj)
    if before != after:
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=obj,
            before=before,
            after=after,
            household_id=_household_id(obj),
            reason=reason,
        )
    return obj


@transaction.atomic
def delete_registry_record(*, actor: User | None, obj: models.Model, reason: str = "") -> None:
    """Delete a registry record, keeping its last values in the audit trail."""
    record_audit_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=obj,
        before=snapshot(obj),
        household_id=_household_id(obj),
        reason=reason,
    )
    obj.delete()
