"""Who may change policies: administrators only. A policy's amounts and conditions are law
encoded as data; offices read them, and a changed text becomes a new version."""

from reach.accounts.models import User
from reach.accounts.scoping import is_administrator


def can_edit_policy(user: User | None) -> bool:
    """Whether `user` may save an edited policy text as a new version."""
    return is_administrator(user)
