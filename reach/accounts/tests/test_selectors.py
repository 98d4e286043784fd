"""Reads of API tokens: a user reaches only their own, and only usable ones authenticate."""

import datetime as dt

import pytest
from django.utils import timezone

from reach.accounts.selectors import (
    find_usable_api_token,
    get_api_token_for_user,
    list_api_tokens_for_user,
)
from reach.accounts.services import issue_api_token
from reach.accounts.tests.factories import UserFactory
from reach.common.errors import OutOfScope

pytestmark = pytest.mark.django_db


def test_a_user_lists_and_gets_only_their_own_tokens():
    user, other = UserFactory(), UserFactory()
    mine = issue_api_token(user=user).token
    theirs = issue_api_token(user=other).token
    assert list(list_api_tokens_for_user(user)) == [mine]
    assert get_api_token_for_user(user, mine.pk) == mine
    with pytest.raises(OutOfScope):
        get_api_token_for_user(user, theirs.pk)


def test_only_an_unexpired_unrevoked_token_of_an_active_user_is_usable():
    user = UserFactory()
    issued = issue_api_token(user=user)
    now = timezone.now()
    assert find_usable_api_token(issued.secret, now) == issued.token
    assert find_usable_api_token(issued.secret, issued.token.expires_at) is None
    assert find_usable_api_token("not a token", now) is None
    issued.token.revoked_at = now
    issued.token.save()
    assert find_usable_api_token(issued.secret, now - dt.timedelta(minutes=1)) is None
