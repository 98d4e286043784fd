"""Who may change what: the one helper every app's `permissions.py` builds its predicates on.

Visibility is `reach.accounts.scoping.restrict`; permission is a role held over a place. A
user holds a role over a unit through a membership of that unit or of one above it (or of
an organisation placed there), and over a school through a membership of the school. The
memberships are read once per request and cached on the user.
"""

from collections.abc import Iterable

from reach.accounts.choices import Role
from reach.accounts.models import ApiToken, User
from reach.accounts.scoping import Grant, grants_of, is_administrator
from reach.common.errors import NotAllowed
from reach.geo.models import Unit, is_under

# The roles that work with the full record (they keep the poor / near-poor list and pay from
# it): they may download a person's full national ID, birth date and address. Viewers and
# school staff download the masked version (reach.common.masking).
UNMASKED_ROLES = frozenset({Role.OFFICE.value, Role.WARD_OFFICER.value})


def roles_over(user: User | None, path: str | None) -> set[str]:
    """The roles `user` holds over the unit at `path` (its own unit or one above it); over
    everything (`path` None) only administrators hold a role."""
    if user is None or not user.is_authenticated:
        return set()
    if is_administrator(user):
        return {Role.SYSTEM_ADMIN.value}
    if path is None:
        return set()
    return {g.role for g in grants_of(user) if g.unit_path and is_under(path, g.unit_path)}


def roles_at_school(user: User | None, school_id: int | None) -> set[str]:
    """The roles `user` holds as a member of the school `school_id` itself."""
    if school_id is None:
        return set()
    return {g.role for g in grants_of(user) if g.school_id == school_id}


def holds_role(
    user: User | None,
    roles: Iterable[str],
    *,
    over: str | None = None,
    school_id: int | None = None,
    school_in: str | None = None,
) -> bool:
    """Whether `user` holds one of `roles` over the unit path `over`, at the school
    `school_id`, or at any school of the unit path `school_in`. Administrators hold every
    role everywhere."""
    if is_administrator(user):
        return True
    wanted = {str(role) for role in roles}
    if over is not None and roles_over(user, over) & wanted:
        return True
    if school_id is not None and roles_at_school(user, school_id) & wanted:
        return True
    return school_in is not None and any(
        g.role in wanted and g.school_unit_path == school_in for g in grants_of(user)
    )


def require(allowed: bool, message: str) -> None:
    """Raise `NotAllowed(message)` unless `allowed`: the line each service starts with."""
    if not allowed:
        raise NotAllowed(message)


def command_line_actor() -> User:
    """The actor of the command line and the demo: an administrator that is no stored user, so
    it reads every list, may do everything, and its audit events name no one."""
    return User(username="reach", is_superuser=True)


def can_revoke_any_api_token(user: User | None) -> bool:
    """Administrators revoke anyone's API tokens (in the admin)."""
    return user is not None and user.is_authenticated and is_administrator(user)


def can_revoke_api_token(user: User | None, token: ApiToken) -> bool:
    """A user revokes their own tokens; an administrator anyone's."""
    if user is None or not user.is_authenticated:
        return False
    return token.user_id == user.pk or can_revoke_any_api_token(user)


def may_see_unmasked(user: User | None, unit: Unit | None = None) -> bool:
    """Whether an export or a PDF for `user` may hold unmasked personal data (full national
    IDs, birth dates, addresses) of the persons in `unit` (None: everywhere the user sees).

    Administrators may; otherwise every membership through which the user sees persons there
    must be of an unmasking role (an office or a ward officer over a unit): a viewer or a
    school membership anywhere in that area makes the export masked."""
    if user is None or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    grants = [g for g in grants_of(user) if unit is None or _overlaps(g, unit.path)]
    return bool(grants) and all(g.role in UNMASKED_ROLES and g.unit_path for g in grants)


def _overlaps(grant: Grant, path: str) -> bool:
    place = grant.unit_path or grant.school_unit_path
    return place is not None and (is_under(place, path) or is_under(path, place))
