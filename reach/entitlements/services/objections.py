"""Objections to the lines of a public notice: recorded while the run is published and its
objection period lasts, then resolved once: upheld (a correction run of the run's key starts,
saying which objection it answers) or dismissed (with the reason). Every change is audited."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.entitlements.choices import ObjectionStatus, RunStage
from reach.entitlements.models import EntitlementLine, EntitlementRun, Objection
from reach.entitlements.permissions import can_record_objection, can_resolve_objection
from reach.entitlements.services.jobs import request_rerun
from reach.entitlements.services.workflow import WorkflowError, WrongStage


def record_objection(
    *,
    line: EntitlementLine,
    actor: User,
    raised_by: str,
    reason: str,
    contact: str = "",
    today: dt.date | None = None,
) -> Objection:
    """Record an objection to `line`, raised by `raised_by`, while the line's run is published
    and its objection period has not ended."""
    today = today or timezone.localdate()
    if not raised_by.strip() or not reason.strip():
        raise WorkflowError(_("say who objects and why"))
    with transaction.atomic():
        line = EntitlementLine.objects.select_related("run__unit", "unit", "enrolment").get(
            pk=line.pk
        )
        require(can_record_objection(actor, line), _("you may not record objections to this line"))
        run = line.run
        if run.stage != RunStage.PUBLISHED:
            raise WrongStage(_("objections are taken only on the lines of a published notice"))
        if run.objections_until is None or today > run.objections_until:
            raise WrongStage(
                _("the objection period ended on %(day)s")
                % {"day": run.objections_until.isoformat() if run.objections_until else "—"}
            )
        objection = Objection.objects.create(
            line=line,
            raised_by=raised_by.strip(),
            contact=contact.strip(),
            reason=reason.strip(),
            recorded_by=actor,
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=objection,
            after=snapshot(objection),
            household_id=line.household_id,
        )
    return objection


def _locked_open(objection: Objection, actor: User) -> Objection:
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("line__run__unit", "line__unit", "line__enrolment")
        .get(pk=objection.pk)
    )
    require(
        can_resolve_objection(actor, objection),
        _("only the office over the run's scope may resolve its objections"),
    )
    if objection.status != ObjectionStatus.OPEN:
        raise WrongStage(
            _("objection %(id)s is already %(status)s")
            % {"id": objection.pk, "status": objection.get_status_display()}
        )
    return objection


def _resolve(
    objection: Objection,
    *,
    actor: User,
    status: str,
    resolution: str,
    correction: EntitlementRun | None = None,
) -> Objection:
    before = {"status": objection.status, "resolution": objection.resolution}
    objection.status = status
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.correction = correction
    objection.save(
        update_fields=["status", "resolution", "resolved_by", "resolved_at", "correction"]
    )
    after = {
        "status": status,
        "resolution": resolution,
        "resolved_by": actor.pk,
        "resolved_at": objection.resolved_at.isoformat(),
        "correction": correction.pk if correction else None,
    }
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=objection,
        before=before,
        after=after,
        household_id=objection.line.household_id,
        reason=resolution[:200],
    )
    return objection


def uphold_objection(*, objection: Objection, actor: User, resolution: str) -> Objection:
    """Uphold an open objection: a correction run of the line's run starts (or the one already
    waiting is joined), stating which objection and line it answers."""
    if not resolution.strip():
        raise WorkflowError(_("say what is to be corrected"))
    with transaction.atomic():
        objection = _locked_open(objection, actor)
        line = objection.line
        reason = _(
            "objection %(objection)s upheld (line %(line)s, %(benefit)s): %(resolution)s"
        ) % {
            "objection": objection.pk,
            "line": line.pk,
            "benefit": f"{line.policy_code}/{line.benefit_code}",
            "resolution": resolution.strip(),
        }
        outcome = request_rerun(run=line.run, actor=actor, correction_reason=reason)
        return _resolve(
            objection,
            actor=actor,
            status=ObjectionStatus.UPHELD,
            resolution=resolution.strip(),
            correction=outcome.run,
        )


def dismiss_objection(*, objection: Objection, actor: User, reason: str) -> Objection:
    """Dismiss an open objection with the reason given to the person who raised it."""
    if not reason.strip():
        raise WorkflowError(_("say why the objection is dismissed"))
    with transaction.atomic():
        objection = _locked_open(objection, actor)
        return _resolve(
            objection, actor=actor, status=ObjectionStatus.DISMISSED, resolution=reason.strip()
        )
