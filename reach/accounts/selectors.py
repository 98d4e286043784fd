"""Reads of the accounts app."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet

from reach.accounts.models import ApiToken, User, hash_token
from reach.accounts.permissions import grants_of
from reach.common.errors import OutOfScope


def _supported(code: str | None) -> str | None:
    return code if code in {code for code, _name in settings.LANGUAGES} else None


def country_language(user: User | None) -> str | None:
    """The language of the country of the user's first membership (by its unit's path)."""
    for grant in grants_of(user):
        path = grant.unit_path or grant.school_unit_path or ""
        language = settings.REACH_COUNTRY_LANGUAGES.get(path.split(".")[0])
        if language:
            return language
    return None


def language_of(user: User | None, cookie: str | None = None) -> str:
    """The language a request speaks: the one the user chose (saved on them, so it follows
    them to any machine), else the one chosen on this machine before logging in (the cookie),
    else their country's, else the system's (Vietnamese)."""
    if user is not None and user.is_authenticated:
        chosen = _supported(user.language) or _supported(cookie) or country_language(user)
    else:
        chosen = _supported(cookie)
    return chosen or settings.LANGUAGE_CODE


def list_api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """`user`'s own API tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def get_api_token_for_user(user: User, token_id: int) -> ApiToken:
    """One of `user`'s own tokens; anyone else's is answered as if it did not exist."""
    token = list_api_tokens_for_user(user).filter(pk=token_id).first()
    if token is None:
        raise OutOfScope(f"no API token {token_id}")
    return token


def find_usable_api_token(secret: str, at: dt.datetime) -> ApiToken | None:
    """The token whose secret is `secret`, if it authenticates at `at`."""
    return (
        ApiToken.objects.usable(at)
        .select_related("user")
        .filter(key_hash=hash_token(secret))
        .first()
    )
