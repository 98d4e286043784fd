"""Work groups and their members."""

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.choices import Affiliation
from reach.casework.models import WorkGroup, WorkGroupMember
from reach.casework.permissions import can_manage_work_group
from reach.casework.services._common import CaseError, create_checked, user_or_none
from reach.geo.models import Unit


@transaction.atomic
def create_work_group(*, actor: User, unit: Unit, name: str) -> WorkGroup:
    require(
        can_manage_work_group(actor, unit), _("Your role cannot set up work groups in this unit.")
    )
    name = name.strip()
    if not name:
        raise CaseError(_("A work group needs a name."))
    if WorkGroup.objects.filter(unit=unit, name=name).exists():
        raise CaseError(_("%(unit)s already has a work group of this name.") % {"unit": unit.name})
    group = create_checked(WorkGroup, unit=unit, name=name)
    record_audit_event(
        actor=user_or_none(actor), action=AuditAction.CREATE, obj=group, after=snapshot(group)
    )
    return group


@transaction.atomic
def add_work_group_member(
    *,
    actor: User,
    work_group: WorkGroup,
    full_name: str,
    affiliation: str,
    organisation: str = "",
    user: User | None = None,
    is_lead: bool = False,
) -> WorkGroupMember:
    require(
        can_manage_work_group(actor, work_group),
        _("Your role cannot change the members of this work group."),
    )
    if not full_name.strip():
        raise CaseError(_("A member needs a name."))
    if affiliation not in Affiliation.values:
        raise CaseError(_("Unknown affiliation: %(value)s") % {"value": affiliation})
    member = create_checked(
        WorkGroupMember,
        work_group=work_group,
        full_name=full_name.strip(),
        affiliation=affiliation,
        organisation=organisation.strip(),
        user=user,
        is_lead=is_lead,
    )
    record_audit_event(
        actor=user_or_none(actor), action=AuditAction.CREATE, obj=member, after=snapshot(member)
    )
    return member
