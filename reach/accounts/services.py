"""Writes of the accounts app: audit events, API tokens and lock-outs."""

import datetime as dt
import getpass
import os
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import LAST_USED_PRECISION, ApiToken, AuditEvent, User, hash_token
from reach.accounts.permissions import can_revoke_any_api_token, can_revoke_api_token, require
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


def record_operation(
    *, actor: User, action: AuditAction, database: str, details: dict[str, Any]
) -> AuditEvent:
    """Audit an operation on the whole database from the command line (`reach backup`,
    `reach restore`, `reach serve`): the actor (`command_line_actor`, stored by its name) and
    the account of the machine that ran it, the database, and `details` (the file, the
    address). A restore's event is written into the restored database, after the restore."""
    return AuditEvent.objects.create(
        actor=actor if actor.pk else None,
        actor_name=actor.get_username(),
        action=action,
        object_type="database",
        object_id=database[-40:],
        object_repr=database[-200:],
        after={"database": database, "machine_user": _machine_user(), **details},
    )


def _machine_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return str(os.getuid())


def set_user_language(*, user: User, language: str) -> None:
    """Save the language `user` chose; it follows them to any machine they log in on."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(f"unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


@transaction.atomic
def issue_api_token(*, user: User, name: str = "") -> IssuedToken:
    """Create a bearer token for `user` that expires after `REACH_TOKEN_DAYS` days."""
    require(user.is_active, _("An inactive account cannot be given API tokens."))
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), key_hash=hash_token(secret))
    record_audit_event(
        actor=user,
        action=AuditAction.CREATE,
        obj=token,
        after={"user_id": user.pk, "name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, secret=secret)


def _revoke(tokens: "models.QuerySet[ApiToken]", *, actor: User | None, reason: str) -> int:
    """Revoke the live tokens among `tokens`, one audit event each; returns their number."""
    now = timezone.now()
    live = list(tokens.filter(revoked_at__isnull=True).select_for_update())
    if not live:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
    events = []
    for token in live:
        token.revoked_at = now
        events.append(
            build_audit_event(
                actor=actor,
                action=AuditAction.REVOKED,
                obj=token,
                after={"user_id": token.user_id, "revoked_at": now.isoformat()},
                reason=reason,
            )
        )
    AuditEvent.objects.bulk_create(events)
    return len(live)


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one token (its user or an administrator); revoking it again changes nothing."""
    require(can_revoke_api_token(actor, token), _("You may only revoke your own API tokens."))
    _revoke(ApiToken.objects.filter(pk=token.pk), actor=actor, reason="revoked by request")
    token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def revoke_api_tokens(*, actor: User, tokens: "models.QuerySet[ApiToken]") -> int:
    """Revoke any tokens (an administrator's action); returns how many were still live."""
    require(
        can_revoke_any_api_token(actor), _("Only an administrator may revoke others' API tokens.")
    )
    return _revoke(tokens, actor=actor, reason="revoked by an administrator")


@transaction.atomic
def revoke_tokens_of_user(*, user: User, reason: str) -> int:
    """Revoke every live token of `user`: their password changed or they were deactivated."""
    return _revoke(ApiToken.objects.filter(user=user), actor=None, reason=reason)


def note_api_token_use(*, token: ApiToken, at: dt.datetime) -> None:
    """Remember when `token` was last used, writing at most once a minute per token."""
    if token.last_used_at is not None and at - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at


def record_lockout(*, username: str, ip_address: str | None) -> AuditEvent | None:
    """Audit that `username` was locked out after too many wrong passwords from `ip_address`
    (on the user when the account exists, else on the login attempts' record)."""
    from axes.models import AccessAttempt

    obj: models.Model | None = User.objects.filter(username=username).first()
    if obj is None:
        obj = AccessAttempt.objects.filter(username=username, ip_address=ip_address).first()
    if obj is None:
        return None
    return record_audit_event(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        obj=obj,
        after={"username": username, "ip_address": ip_address},
        reason=f"{settings.AXES_FAILURE_LIMIT} failed logins",
    )


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
