"""Who may change the geography: units and schools are reference data shared by every
office, so only an administrator (or the command line, `command_line_actor`) loads them."""

from reach.accounts.models import User
from reach.accounts.scoping import is_administrator


def can_load_reference_data(user: User | None) -> bool:
    return is_administrator(user)
