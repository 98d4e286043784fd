"""Who may change a fund: an office or a ward officer over the fund's unit or a unit above it
(a membership of an organisation counts over the organisation's unit, so the owning
organisation's officers qualify, as do those of another organisation of the same unit: the
shared helper knows places, not organisations); administrators everywhere. School staff and
viewers see a fund of their unit but do not move its money.

Every funds service calls its predicate itself with `require(...)`; pages and the API only use
them to offer a form.
"""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.funds.models import Fund

FUND_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})


def _edits_fund(user: User | None, fund: Fund) -> bool:
    return holds_role(user, FUND_ROLES, over=fund.unit.path)


def can_record_donation(user: User | None, fund: Fund) -> bool:
    """Whether `user` may record a donation (a pledge or a receipt) into `fund`."""
    return _edits_fund(user, fund)


def can_spend_from(user: User | None, fund: Fund) -> bool:
    """Whether `user` may pay a pupil from `fund`, hand over its goods or reverse its entries."""
    return _edits_fund(user, fund)


def can_import_donations(user: User | None, fund: Fund) -> bool:
    """Whether `user` may import a donation list into `fund`."""
    return _edits_fund(user, fund)
