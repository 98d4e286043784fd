"""Writes of the accounts app: audit events and API tokens."""

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from reach.accounts.choices import AuditAction
from reach.accounts.models import ApiToken, AuditEvent, User, hash_token
from reach.common.errors import DomainError

if TYPE_CHECKING:
    from reach.geo.models import Organisation, School, Unit


def snapshot(obj: models.Model) -> dict:
    """The audited values of a model instance, JSON-ready (foreign keys as ids)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at"}:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[field.attname] = value
    return values


def build_audit_event(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    household_id: int | None = None,
    reason: str = "",
) -> AuditEvent:
    """An unsaved audit event; services save them one by one or in bulk."""
    return AuditEvent(
        actor=actor if actor and actor.pk else None,
        actor_name=actor.get_username() if actor and actor.pk else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        household_id=household_id,
        before=before,
        after=after,
        reason=reason,
    )


def record_audit_event(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    household_id: int | None = None,
    reason: str = "",
) -> AuditEvent:
    event = build_audit_event(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        household_id=household_id,
        reason=reason,
    )
    event.save()
    return event


def record_export(
    *, actor: User | None, name: str, filters: dict[str, Any], rows: int, masked: bool
) -> AuditEvent:
    """Audit one download of personal data (a spreadsheet, a CSV or a PDF): who, which export
    (`name`, e.g. "registry.households"), with which filters, how many rows, and whether its
    personal data was masked. An export has no object of its own: the event names the export."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.pk else None,
        actor_name=actor.get_username() if actor and actor.pk else "system",
        action=AuditAction.EXPORT,
        object_type="export",
        object_id=name[:40],
        object_repr=name[:200],
        after={"filters": filters, "rows": rows, "masked": masked},
    )


def set_user_language(*, user: User, language: str) -> None:
    """Save the language `user` chose; it follows them to any machine they log in on."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(f"unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def issue_api_token(*, user: User) -> str:
    """Create a bearer token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(raw))
    return raw


def create_member(
    *,
    username: str,
    password: str,
    role: str,
    scope: "Unit | School | Organisation | None",
    superuser: bool = False,
) -> User:
    """Create (or reset) a user with one membership in `scope` (a Unit, School or
    Organisation; None for a superuser without membership)."""
    from reach.accounts.models import Membership
    from reach.geo.models import Organisation, School, Unit

    user, _ = User.objects.get_or_create(username=username)
    user.is_superuser = user.is_staff = superuser
    user.set_password(password)
    user.save()
    if scope is not None:
        key = {Unit: "unit", School: "school", Organisation: "organisation"}[type(scope)]
        # Typed as the lookup keywords it is, so mypy does not read it as `defaults`.
        lookup: dict[str, Any] = {key: scope}
        Membership.objects.get_or_create(user=user, role=role, **lookup)
    return user
