"""Reads of the accounts app."""

from django.conf import settings

from reach.accounts.models import User
from reach.accounts.permissions import grants_of


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
