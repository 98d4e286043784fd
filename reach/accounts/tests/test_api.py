"""/api/v1/auth/token, /api/v1/auth/tokens: tokens expire, are listed and revoked by their
user only, and repeated wrong passwords lock the caller out."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from reach.accounts.choices import AuditAction
from reach.accounts.models import ApiToken, AuditEvent
from reach.accounts.services import issue_api_token
from reach.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log_in(username: str, password: str = "demo", **extra) -> "Client.response":
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_token_endpoint_names_the_token_and_returns_its_expiry(settings):
    settings.REACH_TOKEN_DAYS = 30
    UserFactory(username="mai")
    response = log_in("mai", name="monthly export")
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert body["name"] == token.name == "monthly export"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - token.expires_at) < dt.timedelta(milliseconds=1)
    assert (
        timezone.now() + dt.timedelta(days=29) < expires <= timezone.now() + dt.timedelta(days=30)
    )
    assert bearer(body["token"]).get("/api/v1/me").status_code == 200


def test_an_expired_token_gets_401():
    user = UserFactory()
    issued = issue_api_token(user=user)
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert bearer(issued.secret).get("/api/v1/me").status_code == 401


def test_a_revoked_token_gets_401():
    user = UserFactory()
    issued = issue_api_token(user=user)
    client = bearer(issued.secret)
    assert client.get("/api/v1/me").status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{issued.token.pk}").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_of_a_deactivated_user_gets_401():
    user = UserFactory()
    issued = issue_api_token(user=user)
    user.is_active = False
    user.save()
    assert bearer(issued.secret).get("/api/v1/me").status_code == 401


def test_a_user_lists_their_own_tokens_without_the_secret():
    user, other = UserFactory(), UserFactory()
    mine = issue_api_token(user=user, name="script")
    issue_api_token(user=other, name="theirs")
    body = bearer(mine.secret).get("/api/v1/auth/tokens").json()
    assert [t["name"] for t in body] == ["script"]
    assert set(body[0]) == {"id", "name", "created_at", "expires_at", "last_used_at", "revoked_at"}
    assert mine.secret not in str(body)
    assert body[0]["last_used_at"] is not None


def test_revoking_another_users_token_is_answered_404_and_changes_nothing():
    mine = issue_api_token(user=UserFactory())
    theirs = issue_api_token(user=UserFactory())
    response = bearer(mine.secret).delete(f"/api/v1/auth/tokens/{theirs.token.pk}")
    assert response.status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.REVOKED).exists()


def test_a_wrong_password_is_401(settings):
    UserFactory(username="mai")
    response = log_in("mai", "wrong")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_repeated_wrong_passwords_lock_the_token_endpoint_with_429(settings):
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(username="mai")
    statuses = [log_in("mai", "wrong").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    refused = log_in("mai", "demo")
    assert refused.status_code == 429
    assert "15" in refused.json()["detail"]
    assert not ApiToken.objects.exists()
    events = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT)
    assert [(e.object_type, e.after["username"]) for e in events] == [("accounts.user", "mai")]


def test_a_lockout_holds_only_for_that_username(settings):
    UserFactory(username="mai")
    UserFactory(username="lan")
    for _ in range(5):
        log_in("mai", "wrong")
    assert log_in("lan").status_code == 200


def test_the_token_endpoints_document_their_errors():
    from reach.api import api

    paths = api.get_openapi_schema()["paths"]
    assert {200, 401, 429} <= set(paths["/api/v1/auth/token"]["post"]["responses"])
    assert 404 in paths["/api/v1/auth/tokens/{token_id}"]["delete"]["responses"]
