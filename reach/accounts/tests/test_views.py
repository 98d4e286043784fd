"""The login page's lock-out, the "API tokens" page and the administrator's revoke action."""

import pytest
from django.test import Client
from django.urls import reverse

from reach.accounts.choices import AuditAction
from reach.accounts.models import ApiToken, AuditEvent
from reach.accounts.services import issue_api_token
from reach.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log_in(client: Client, password: str):
    return client.post(reverse("login"), {"username": "mai", "password": password})


def test_six_wrong_passwords_lock_the_account_and_the_seventh_try_with_the_right_one_is_refused_with_the_lockout_message():  # noqa: E501
    UserFactory(username="mai")
    client = Client()
    for _ in range(6):
        log_in(client, "wrong")
    response = log_in(client, "demo")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "bị khóa" in text
    assert "15 phút" in text
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1


def test_the_sixth_try_after_five_wrong_passwords_is_refused_even_with_the_right_password():
    UserFactory(username="mai")
    client = Client()
    statuses = [log_in(client, "wrong").status_code for _ in range(4)]
    assert statuses == [200] * 4
    assert log_in(client, "wrong").status_code == 429
    assert log_in(client, "demo").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_speaks_the_language_of_the_machine(settings):
    UserFactory(username="mai")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    for _ in range(5):
        log_in(client, "wrong")
    assert "锁定" in log_in(client, "demo").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = log_in(client, "demo").content.decode()
    assert "locked" in text and "administrator" in text


def test_a_right_password_before_the_limit_logs_in():
    UserFactory(username="mai")
    client = Client()
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, "demo").status_code == 302
    assert "_auth_user_id" in client.session


def test_the_tokens_page_lists_only_the_users_own_tokens():
    user = UserFactory()
    issue_api_token(user=user, name="mine")
    issue_api_token(user=UserFactory(), name="someone else's")
    client = Client()
    client.force_login(user)
    text = client.get(reverse("accounts:tokens")).content.decode()
    assert "mine" in text
    assert "someone else" not in text


def test_creating_a_token_on_the_page_shows_its_secret_once():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("accounts:tokens"))
    csrf = page.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:token-create"), {"name": "ward report", "csrfmiddlewaretoken": csrf}
    )
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "ward report"
    assert secret in response.content.decode()
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 200
    )


def test_the_tokens_page_refuses_a_post_without_csrf():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("accounts:token-create"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_revokes_own_token_and_404s_on_anothers():
    user = UserFactory()
    mine = issue_api_token(user=user).token
    theirs = issue_api_token(user=UserFactory()).token
    client = Client()
    client.force_login(user)
    revoke = reverse("accounts:token-revoke")
    assert client.post(revoke, {"token": mine.pk}).status_code == 302
    assert client.post(revoke, {"token": theirs.pk}).status_code == 404
    assert client.post(revoke, {"token": "x"}).status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None


def test_the_tokens_page_needs_a_login():
    response = Client().get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_administrator_revokes_any_token_with_the_admin_action():
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    tokens = [issue_api_token(user=UserFactory()).token for _ in range(2)]
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [t.pk for t in tokens]},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REVOKED, actor=admin).count() == 2
