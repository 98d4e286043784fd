import datetime as dt

import pytest
from django.utils import timezone

from reach.accounts.choices import AuditAction
from reach.accounts.models import ApiToken, AuditEvent, hash_token
from reach.accounts.services import (
    issue_api_token,
    note_api_token_use,
    record_export,
    record_lockout,
    revoke_api_token,
    revoke_api_tokens,
    snapshot,
)
from reach.accounts.tests.factories import UserFactory
from reach.common.errors import NotAllowed
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_api_token_is_stored_only_as_a_hash():
    user = UserFactory()
    raw = issue_api_token(user=user).secret
    stored = ApiToken.objects.get(user=user)
    assert stored.key_hash == hash_token(raw)
    assert raw not in stored.key_hash


def test_snapshot_is_json_ready_with_foreign_keys_as_ids():
    person = PersonFactory(full_name="Lò Thị Mai")
    values = snapshot(person)
    assert values["full_name"] == "Lò Thị Mai"
    assert values["birth_date"] == "2015-05-01"
    assert values["household_id"] == person.household_id
    assert "id" not in values


# --- API tokens -------------------------------------------------------------------------


def test_issue_api_token_expires_after_the_configured_days_and_is_audited(settings):
    settings.REACH_TOKEN_DAYS = 7
    user = UserFactory()
    before = timezone.now()
    token = issue_api_token(user=user, name=" nightly report ").token
    assert token.name == "nightly report"
    assert (
        before + dt.timedelta(days=7) <= token.expires_at <= timezone.now() + dt.timedelta(days=7)
    )
    event = AuditEvent.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert (event.action, event.actor) == (AuditAction.CREATE, user)
    assert token.key_hash not in str(event.after)


def test_an_inactive_user_is_not_issued_a_token():
    user = UserFactory(is_active=False)
    with pytest.raises(NotAllowed):
        issue_api_token(user=user)
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_own_token_once_and_the_revocation_is_audited():
    user = UserFactory()
    token = issue_api_token(user=user).token
    revoke_api_token(actor=user, token=token)
    revoke_api_token(actor=user, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    events = AuditEvent.objects.filter(action=AuditAction.REVOKED, object_id=str(token.pk))
    assert [(e.actor, e.object_type) for e in events] == [(user, "accounts.apitoken")]


def test_a_user_may_not_revoke_another_users_token():
    token = issue_api_token(user=UserFactory()).token
    with pytest.raises(NotAllowed):
        revoke_api_token(actor=UserFactory(), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_only_an_administrator_revokes_tokens_in_bulk():
    tokens = [issue_api_token(user=UserFactory()).token for _ in range(2)]
    with pytest.raises(NotAllowed):
        revoke_api_tokens(actor=UserFactory(is_staff=True), tokens=ApiToken.objects.all())
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert revoke_api_tokens(actor=admin, tokens=ApiToken.objects.all()) == 2
    assert revoke_api_tokens(actor=admin, tokens=ApiToken.objects.all()) == 0
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REVOKED, actor=admin).count() == len(tokens)


def test_a_password_change_revokes_all_the_users_tokens():
    user, other = UserFactory(), UserFactory()
    mine = [issue_api_token(user=user).token for _ in range(2)]
    theirs = issue_api_token(user=other).token
    user.set_password("a new long passphrase")
    user.save()
    assert all(t.revoked_at for t in ApiToken.objects.filter(pk__in=[t.pk for t in mine]))
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    reasons = AuditEvent.objects.filter(action=AuditAction.REVOKED).values_list("reason", flat=True)
    assert list(reasons) == ["password changed", "password changed"]


def test_a_saved_user_without_a_new_password_keeps_their_tokens():
    user = UserFactory()
    token = issue_api_token(user=user).token
    user.first_name = "Mai"
    user.save()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_deactivating_a_user_revokes_their_tokens():
    user = UserFactory()
    token = issue_api_token(user=user).token
    user.is_active = False
    user.save(update_fields=["is_active"])
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditAction.REVOKED, object_id=str(token.pk))
    assert (event.actor_name, event.reason) == ("system", "account deactivated")


def test_last_use_is_written_at_most_once_a_minute():
    token = issue_api_token(user=UserFactory()).token
    first = timezone.now()
    note_api_token_use(token=token, at=first)
    note_api_token_use(token=token, at=first + dt.timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used_at == first
    note_api_token_use(token=token, at=first + dt.timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == first + dt.timedelta(seconds=61)


def test_a_lockout_of_an_unknown_username_is_audited_on_its_login_attempts():
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="ghost", ip_address="10.0.0.9", failures_since_start=5)
    event = record_lockout(username="ghost", ip_address="10.0.0.9")
    assert event is not None
    assert (event.action, event.object_type) == (AuditAction.LOCKED_OUT, "axes.accessattempt")
    assert event.after == {"username": "ghost", "ip_address": "10.0.0.9"}


def test_an_export_is_audited_with_who_what_filters_and_rows():
    user = UserFactory(username="exporter")
    event = record_export(
        actor=user, name="registry.households", filters={"unit": "761"}, rows=12, masked=True
    )
    event.refresh_from_db()
    assert (event.actor, event.actor_name, event.action) == (user, "exporter", AuditAction.EXPORT)
    assert (event.object_type, event.object_id) == ("export", "registry.households")
    assert event.after == {"filters": {"unit": "761"}, "rows": 12, "masked": True}
