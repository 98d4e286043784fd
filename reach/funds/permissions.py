"""Who may change a fund (issue 19, organisation-aware):

- administrators, everywhere;
- the officers (office or ward officer) of the fund's owning organisation: a membership of
  that organisation;
- the office and ward staff of the fund's unit or a unit above it: a membership of the unit
  itself (the state office that oversees funds in its area).

A membership of ANOTHER organisation placed in the same unit (the youth union, when the fund
is the learning association's) does not count, although the shared helper `holds_role` would
place it over the unit: it knows places, not organisations. School staff and viewers see a
fund of their unit but do not move its money.

Every funds service calls its predicate itself with `require(...)`; pages and the API only use
them to offer a form.
"""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.scoping import grants_of, is_administrator
from reach.funds.models import Fund
from reach.geo.models import Organisation, Unit, is_under

FUND_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})
_ROLE_VALUES = frozenset(str(role) for role in FUND_ROLES)


def edits_funds_of(user: User | None, *, unit: Unit, organisation: Organisation | None) -> bool:
    """Whether `user` may move the money of a fund of `organisation` in `unit` (the rule
    above); with `organisation` None, only the unit's own staff and administrators."""
    if user is None or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    for grant in grants_of(user):
        if grant.role not in _ROLE_VALUES:
            continue
        if grant.organisation_id is not None:
            if organisation is not None and grant.organisation_id == organisation.pk:
                return True
        elif grant.unit_path and is_under(unit.path, grant.unit_path):
            return True
    return False


def _edits_fund(user: User | None, fund: Fund) -> bool:
    return edits_funds_of(user, unit=fund.unit, organisation=fund.organisation)


def can_create_fund(user: User | None, organisation: Organisation, unit: Unit) -> bool:
    """Whether `user` may set up a fund of `organisation` in `unit`."""
    return edits_funds_of(user, unit=unit, organisation=organisation)


def can_record_donation(user: User | None, fund: Fund) -> bool:
    """Whether `user` may record a donation (a pledge or a receipt) into `fund`."""
    return _edits_fund(user, fund)


def can_spend_from(user: User | None, fund: Fund) -> bool:
    """Whether `user` may pay a pupil from `fund`, hand over its goods or reverse its entries."""
    return _edits_fund(user, fund)


def can_import_donations(user: User | None, fund: Fund) -> bool:
    """Whether `user` may import a donation list into `fund`."""
    return _edits_fund(user, fund)


def can_manage_restrictions(user: User | None, fund: Fund) -> bool:
    """Whether `user` may add a restriction (a pot) to `fund`."""
    return _edits_fund(user, fund)


def can_sponsor_through(user: User | None, fund: Fund) -> bool:
    """Whether `user` may set up sponsorships paid through `fund`, attach the sponsor's
    receipts to them, pay their instalments and apply their fallbacks."""
    return _edits_fund(user, fund)
