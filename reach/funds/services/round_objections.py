"""Objections to a round's public notice (as the entitlements' notice takes them): recorded
against a pupil listed on the published notice while its objection period lasts, then
resolved once by the fund's officers: upheld, the pupil's award is withdrawn before anything
is paid (the candidate's outcome says so); dismissed, with the reason. The awards are paid
only after the period, with no objection open (`rounds.require_awards_final`). Each step
checks permission, runs in one transaction with the round locked, and is audited."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import OutOfScope
from reach.funds.choices import CandidateOutcome, RoundObjectionStatus
from reach.funds.models import RoundCandidate, RoundObjection, ScholarshipRound
from reach.funds.services.rounds import RoundError, RoundFrozen, _lock_round, can_manage_round


def record_round_objection(
    *,
    actor: User,
    round_: ScholarshipRound,
    candidate_id: int,
    raised_by: str,
    reason: str,
    contact: str = "",
    today: dt.date | None = None,
) -> RoundObjection:
    """Record an objection to the listed pupil `candidate_id` of `round_`'s notice while the
    notice is published and its period lasts. Raises NotAllowed, OutOfScope (a pupil the actor
    may not see or not on the notice), RoundError or RoundFrozen (the period is over)."""
    require(
        can_manage_round(actor, round_.fund),
        _("Your role cannot record objections to this round."),
    )
    if not raised_by.strip() or not reason.strip():
        raise RoundError(_("say who objects and why"))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.published_at is None or locked.objections_until is None:
            raise RoundFrozen(_("objections are taken on a published notice"))
        if today > locked.objections_until:
            raise RoundFrozen(
                _("the objection period ended on %(day)s")
                % {"day": locked.objections_until.isoformat()}
            )
        candidate = (
            restrict(RoundCandidate.objects.filter(round=locked), actor)
            .select_related("person")
            .filter(pk=candidate_id, outcome=CandidateOutcome.SELECTED)
            .first()
        )
        if candidate is None:
            raise OutOfScope(_("no pupil %(id)s on this notice") % {"id": candidate_id})
        objection = RoundObjection.objects.create(
            round=locked,
            candidate=candidate,
            raised_by=raised_by.strip(),
            contact=contact.strip(),
            reason=reason.strip(),
            recorded_by=actor if actor.pk else None,
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=objection,
            after=snapshot(objection),
            household_id=candidate.person.household_id,
        )
    return objection


def _resolve(
    *, actor: User, objection: RoundObjection, status: str, resolution: str
) -> RoundObjection:
    require(
        can_manage_round(actor, objection.round.fund),
        _("Your role cannot resolve objections to this round."),
    )
    if not resolution.strip():
        raise RoundError(_("say why"))
    with transaction.atomic():
        _lock_round(objection.round_id)
        locked = (
            RoundObjection.objects.select_for_update(of=("self",))
            .select_related("candidate__person")
            .get(pk=objection.pk)
        )
        if locked.status != RoundObjectionStatus.OPEN:
            raise RoundFrozen(
                _("objection %(id)s is already %(status)s")
                % {"id": locked.pk, "status": locked.get_status_display()}
            )
        candidate = locked.candidate
        if status == RoundObjectionStatus.UPHELD:
            if hasattr(candidate, "award"):
                raise RoundFrozen(_("the pupil's award is paid already"))
            candidate.outcome = CandidateOutcome.OBJECTION_UPHELD
            candidate.save(update_fields=["outcome"])
        before = {"status": locked.status}
        locked.status = status
        locked.resolution = resolution.strip()
        locked.resolved_by = actor if actor.pk else None
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            before=before,
            after={
                "status": status,
                "resolution": locked.resolution,
                "candidate_outcome": candidate.outcome,
            },
            household_id=candidate.person.household_id,
            reason=locked.resolution[:200],
        )
    return locked


def uphold_round_objection(
    *, actor: User, objection: RoundObjection, resolution: str
) -> RoundObjection:
    """Uphold an open objection: the pupil's award is withdrawn (never paid)."""
    return _resolve(
        actor=actor, objection=objection, status=RoundObjectionStatus.UPHELD, resolution=resolution
    )


def dismiss_round_objection(
    *, actor: User, objection: RoundObjection, reason: str
) -> RoundObjection:
    """Dismiss an open objection with the reason given to whoever raised it."""
    return _resolve(
        actor=actor, objection=objection, status=RoundObjectionStatus.DISMISSED, resolution=reason
    )
