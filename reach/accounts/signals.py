"""The two events the accounts app hears from outside its services, each handed to one service:
axes' lock-out of a login, and a user saved with a new password or deactivated (from any
path: the admin, the password-change form, `changepassword`, a script)."""

from axes.signals import user_locked_out
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from reach.accounts.models import User
from reach.accounts.services import record_lockout, revoke_tokens_of_user


@receiver(user_locked_out, dispatch_uid="reach-audit-lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    # Each try during a lock-out signals again; the lock-out itself is the limit-th failure.
    if getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT:
        record_lockout(username=username or "", ip_address=ip_address)


@receiver(post_save, sender=User, dispatch_uid="reach-revoke-tokens-on-user-change")
def revoke_tokens_on_user_change(sender, instance: User, created: bool, **kwargs):
    if created:
        return
    # `set_password` keeps the new raw password on the instance until the save has finished;
    # a re-hash of an unchanged password on login clears it first, so it revokes nothing.
    if instance._password is not None:
        revoke_tokens_of_user(user=instance, reason="password changed")
    if not instance.is_active:
        revoke_tokens_of_user(user=instance, reason="account deactivated")
