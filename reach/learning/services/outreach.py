"""Outreach (communication) activities: each is done in a unit for a plan task or a campaign
the actor sees, by a ward officer or an office over the unit; audited."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.models import Campaign
from reach.common.errors import OutOfScope
from reach.geo.models import Unit
from reach.learning.choices import OutreachChannel
from reach.learning.models import OutreachActivity
from reach.learning.permissions import can_record_outreach
from reach.learning.services.titles import LearningError
from reach.plans.models import PlanTask


def _within(unit: Unit, over: Unit) -> bool:
    return unit.path == over.path or unit.path.startswith(over.path + ".")


@transaction.atomic
def record_outreach(
    *,
    actor: User,
    unit: Unit,
    on: dt.date,
    channel: str,
    audience: str,
    name: str,
    task: PlanTask | None = None,
    campaign: Campaign | None = None,
    articles: int = 0,
    clips: int = 0,
    publications: int = 0,
    note: str = "",
) -> OutreachActivity:
    """Record an activity of `unit` for `task` (a task of a plan of the unit or above it) or
    `campaign` (a campaign over the unit), with the products it made."""
    require(can_record_outreach(actor, unit), _("Your role cannot record outreach in this unit."))
    if task is None and campaign is None:
        raise LearningError(_("An outreach activity is done for a plan task or a campaign."))
    if task is not None:
        if not restrict(PlanTask.objects.filter(pk=task.pk), actor).exists():
            raise OutOfScope(_("No such task"))
        if task.is_section:
            raise LearningError(_("Choose a task, not a section of the plan."))
        if not _within(unit, task.plan.unit):
            raise LearningError(_("The task belongs to a plan of another unit."))
    if campaign is not None:
        if not restrict(Campaign.objects.filter(pk=campaign.pk), actor).exists():
            raise OutOfScope(_("No such campaign"))
        if not _within(unit, campaign.unit):
            raise LearningError(_("The campaign does not cover this unit."))
    if channel not in OutreachChannel.values:
        raise LearningError(_("Unknown channel %(channel)s.") % {"channel": channel})
    if min(articles, clips, publications) < 0:
        raise LearningError(_("Products are counted from zero up."))
    if not name.strip() or not audience.strip():
        raise LearningError(_("Name the activity and its audience."))
    activity = OutreachActivity.objects.create(
        unit=unit,
        on=on,
        channel=channel,
        audience=audience.strip(),
        name=name.strip(),
        task=task,
        campaign=campaign,
        articles=articles,
        clips=clips,
        publications=publications,
        note=note.strip(),
    )
    record_audit_event(
        actor=actor, action=AuditAction.CREATE, obj=activity, after=snapshot(activity)
    )
    return activity
