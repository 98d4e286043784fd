"""Who may change reports. Seeing a report is `restrict` over its unit; changing it is a role.

- Preparing and submitting (open, write the narrative, submit, resubmit): the reporter's own
  staff: an office or ward officer whose membership is of the report's unit itself (not of a
  unit above it: the level above checks, it does not sign for the level below), or of the
  unit's own administration placed there (its education office or people's committee); for an
  organisation's report, an editing member of that organisation; administrators.
- Accepting or returning: an office or ward officer over the unit above the report's unit (for
  an organisation's report, above the organisation's unit; the organisations' own chain is to
  confirm); administrators. Nobody accepts a report they submitted.
"""

from reach.accounts.choices import EDITING_ROLES, Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.accounts.scoping import grants_of, is_administrator
from reach.geo.choices import OrganisationKind
from reach.geo.models import Organisation, Unit
from reach.reports.models import Report

REPORTING_ROLES = {Role.OFFICE.value, Role.WARD_OFFICER.value}
# The organisations that are a unit's own administration: their officers sign the unit's report.
ADMINISTRATIONS = (OrganisationKind.EDUCATION_OFFICE, OrganisationKind.PEOPLES_COMMITTEE)


def can_prepare_report(
    user: User | None, unit: Unit, organisation: Organisation | None = None
) -> bool:
    """Whether `user` may open, fill and submit the report of `unit` (or `organisation`)."""
    if is_administrator(user):
        return True
    grants = grants_of(user)
    if organisation is not None:
        editing = {str(role) for role in EDITING_ROLES}
        return any(g.organisation_id == organisation.pk and g.role in editing for g in grants)
    own = [g for g in grants if g.unit_path == unit.path and g.role in REPORTING_ROLES]
    if any(g.organisation_id is None for g in own):
        return True
    through = [g.organisation_id for g in own if g.organisation_id is not None]
    return (
        bool(through)
        and Organisation.objects.filter(pk__in=through, kind__in=ADMINISTRATIONS).exists()
    )


def can_submit_report(user: User | None, report: Report) -> bool:
    return can_prepare_report(user, report.unit, report.organisation)


def can_decide_report(user: User | None, report: Report) -> bool:
    """Whether `user` may accept or return `report`: the level above it."""
    if (
        user is not None
        and report.submitted_by_id is not None
        and user.pk == report.submitted_by_id
    ):
        return False
    if is_administrator(user):
        return True
    parent = report.unit.parent
    if parent is None:
        return False
    return holds_role(user, REPORTING_ROLES, over=parent.path)


def can_export_dhis2(user: User | None) -> bool:
    """Whether `user` may download the DHIS2 export of the accepted reports they see: an office
    or ward officer (counts only, but a country's official figures); administrators."""
    return is_administrator(user) or any(g.role in REPORTING_ROLES for g in grants_of(user))
