import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.accounts.choices import AuditAction, Role


class User(AbstractUser):
    # The language the user chose with the switch; blank: the language of their country.
    language = models.CharField(
        _("Language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user")


class Membership(models.Model):
    """A user's role within exactly one unit, school or organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, null=True, blank=True)
    school = models.ForeignKey("geo.School", on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey(
        "geo.Organisation", on_delete=models.CASCADE, null=True, blank=True
    )

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, school__isnull=True, organisation__isnull=True)
                    | models.Q(unit__isnull=True, school__isnull=False, organisation__isnull=True)
                    | models.Q(unit__isnull=True, school__isnull=True, organisation__isnull=False)
                ),
                name="membership_has_exactly_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.unit or self.school or self.organisation}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def default_token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.REACH_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, at: dt.datetime) -> "ApiTokenQuerySet":
        """Tokens that authenticate at `at`: not revoked, not expired, of an active user."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is stored. It works until `expires_at`
    unless revoked sooner (by its user, an administrator, a password change or the user's
    deactivation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=default_token_expiry)
    # Updated at most once a minute (`LAST_USED_PRECISION`), not on every request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        label = self.name or f"#{self.pk}"
        return f"token {label} of {self.user_id} created {self.created_at:%Y-%m-%d}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


LAST_USED_PRECISION = dt.timedelta(minutes=1)


class AuditEvent(models.Model):
    """Who changed what, when, with the values before and after.

    `household_id` ties every registry change to the household page that shows it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    household_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_type} #{self.object_id}"
