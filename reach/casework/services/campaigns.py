"""Campaigns (after the summer holidays, after Tet) over a unit, with targets per sub-unit."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.choices import CampaignKind
from reach.casework.models import Campaign, CampaignTarget
from reach.casework.permissions import can_manage_campaign
from reach.casework.services._common import CaseError, create_checked, user_or_none
from reach.geo.models import Unit, is_under


@transaction.atomic
def create_campaign(
    *,
    actor: User,
    name: str,
    kind: str,
    unit: Unit,
    school_year: int,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Campaign:
    require(can_manage_campaign(actor, unit), _("Your role cannot run a campaign in this unit."))
    if not name.strip():
        raise CaseError(_("A campaign needs a name."))
    if kind not in CampaignKind.values:
        raise CaseError(_("Unknown period: %(kind)s") % {"kind": kind})
    if ends_on < starts_on:
        raise CaseError(_("A campaign cannot end before it starts."))
    campaign = create_checked(
        Campaign,
        name=name.strip(),
        kind=kind,
        unit=unit,
        school_year=school_year,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    record_audit_event(
        actor=user_or_none(actor),
        action=AuditAction.CREATE,
        obj=campaign,
        after=snapshot(campaign),
    )
    return campaign


@transaction.atomic
def set_campaign_target(
    *, actor: User, campaign: Campaign, unit: Unit, target_returns: int
) -> CampaignTarget:
    """The number of children a unit under the campaign's unit aims to bring back."""
    require(
        can_manage_campaign(actor, campaign), _("Your role cannot set this campaign's targets.")
    )
    if not is_under(unit.path, campaign.unit.path):
        raise CaseError(_("%(unit)s is not under the campaign's unit.") % {"unit": unit.name})
    if target_returns < 0:
        raise CaseError(_("A target cannot be negative."))
    target = CampaignTarget.objects.filter(campaign=campaign, unit=unit).first()
    before = snapshot(target) if target else None
    if target is None:
        target = CampaignTarget(campaign=campaign, unit=unit)
    target.target_returns = target_returns
    target.save()
    record_audit_event(
        actor=user_or_none(actor),
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        obj=target,
        before=before,
        after=snapshot(target),
    )
    return target
