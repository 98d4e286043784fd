"""Who may record payments: one payment against a line, or a payment-result file.

The services call these predicates themselves (`reach.accounts.permissions.require`); pages
and the API only use them to offer a form.
"""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import grants_of, holds_role
from reach.accounts.scoping import is_administrator
from reach.entitlements.models import EntitlementLine

# Who pays a pupil's line: the office or ward over the pupil's household.
PAY_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})


def can_pay(user: User | None, line: EntitlementLine) -> bool:
    """The office or ward over the pupil's household, or staff of the pupil's school."""
    return holds_role(user, PAY_ROLES, over=line.unit.path) or holds_role(
        user, {Role.SCHOOL_STAFF}, school_id=line.enrolment.school_id
    )


def can_import_payments(user: User | None) -> bool:
    """Whoever may pay some pupil: a paying role over a unit, or staff of a school. Each row
    of the file is then checked with `can_pay`."""
    if is_administrator(user):
        return True
    return any(
        grant.role in PAY_ROLES if grant.unit_path else grant.role == Role.SCHOOL_STAFF
        for grant in grants_of(user)
    )
