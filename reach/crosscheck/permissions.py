"""Who may run register cross-checks: an office or ward officer over the unit (the ward or
county that keeps the ledgers); administrators everywhere. Seeing a run is `restrict` over its
unit; seeing a child on its lists is `restrict` over persons."""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.geo.models import Unit

CROSSCHECK_ROLES = {Role.OFFICE, Role.WARD_OFFICER}


def can_crosscheck(user: User | None, unit: Unit) -> bool:
    """Whether `user` may upload a school register for `unit` and compare it."""
    return holds_role(user, CROSSCHECK_ROLES, over=unit.path)
