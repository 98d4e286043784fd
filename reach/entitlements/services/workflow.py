"""Approval of entitlement runs (maker-checker), public notice and closing.

A computed run moves draft -> submitted (by a ward or school user, or an office, for its scope)
-> approved or returned with a reason (by the district / county office; never by the user who
submitted it) -> published (the public notice, with its objection period) -> closed. Approval
freezes the run: its lines come into force, replacing the lines in force of the run it
corrects; a later change is a correction run. Every transition is audited.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event
from reach.common.errors import Conflict, NotAllowed
from reach.entitlements.choices import (
    OPEN_STAGES,
    LineStatus,
    ObjectionStatus,
    RunStage,
    RunStatus,
)
from reach.entitlements.errors import EntitlementError
from reach.entitlements.models import EntitlementLine, EntitlementRun, Objection
from reach.entitlements.permissions import can_decide_run, can_run_over, can_submit_run
from reach.plans.tasks import request_figure_refresh

DEFAULT_OBJECTION_DAYS = 7


class WorkflowError(EntitlementError):
    """A request the workflow refuses (a reason missing, a period out of range); the message
    says why."""


class WrongStage(WorkflowError, Conflict):
    """The run or objection is not at the stage the step needs."""


class SelfApproval(NotAllowed):
    """The submitter of a run may not approve or return it (maker-checker)."""


def _locked(run: EntitlementRun) -> EntitlementRun:
    return (
        EntitlementRun.objects.select_for_update(of=("self",)).select_related("unit").get(pk=run.pk)
    )


def _move(
    run: EntitlementRun, *, actor: User, to: RunStage, reason: str = "", **changes: object
) -> None:
    before = {"stage": run.stage}
    run.stage = to
    for name, value in changes.items():
        setattr(run, name, value)
    run.save(update_fields=["stage", *changes])
    after = {"stage": to.value, **{k: _jsonable(v) for k, v in changes.items() if k != "stage"}}
    record_audit_event(
        actor=actor, action=AuditAction.UPDATE, obj=run, before=before, after=after, reason=reason
    )


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return getattr(value, "pk", value)


def _require_stage(run: EntitlementRun, *stages: RunStage) -> None:
    if run.stage not in stages:
        raise WrongStage(
            _("run %(id)s is %(stage)s; this needs it to be %(needed)s")
            % {
                "id": run.pk,
                "stage": run.get_stage_display(),
                "needed": " / ".join(str(stage.label) for stage in stages),
            }
        )


def submit_run(*, run: EntitlementRun, actor: User) -> EntitlementRun:
    """A computed draft (or returned) run goes to the office for approval."""
    with transaction.atomic():
        run = _locked(run)
        require(can_submit_run(actor, run), _("you may not submit runs of this scope"))
        if run.status != RunStatus.DONE:
            raise WrongStage(_("only a finished run can be submitted"))
        _require_stage(run, RunStage.DRAFT, RunStage.RETURNED)
        _move(
            run,
            actor=actor,
            to=RunStage.SUBMITTED,
            submitted_by=actor,
            submitted_at=timezone.now(),
            return_reason="",
        )
    return run


def _decide(run: EntitlementRun, actor: User) -> EntitlementRun:
    run = _locked(run)
    require(
        can_decide_run(actor, run),
        _("only the office over this scope may approve or return the run"),
    )
    _require_stage(run, RunStage.SUBMITTED)
    if run.submitted_by_id == actor.pk:
        raise SelfApproval(_("the user who submitted a run may not approve or return it"))
    return run


def approve_run(*, run: EntitlementRun, actor: User) -> EntitlementRun:
    """Approve a submitted run: its lines come into force, and the lines in force that they
    replace (those of the run it corrects, and any other of the same pupil, benefit and year)
    are superseded. The run is frozen from now on."""
    with transaction.atomic():
        run = _decide(run, actor)
        same = run.lines.filter(
            person=OuterRef("person"),
            policy_code=OuterRef("policy_code"),
            benefit_code=OuterRef("benefit_code"),
        )
        in_force = EntitlementLine.objects.filter(
            status=LineStatus.IN_FORCE,
            school_year=run.school_year,
            policy_code__in=run.policy_codes.split(","),
        )
        superseded = in_force.filter(Exists(same)).update(status=LineStatus.SUPERSEDED)
        if run.corrects is not None:
            superseded += run.corrects.lines.filter(status=LineStatus.IN_FORCE).update(
                status=LineStatus.SUPERSEDED
            )
        in_force_count = run.lines.update(status=LineStatus.IN_FORCE)
        _move(
            run,
            actor=actor,
            to=RunStage.APPROVED,
            reason=_("%(lines)s lines in force, %(superseded)s superseded")
            % {"lines": in_force_count, "superseded": superseded},
            decided_by=actor,
            decided_at=timezone.now(),
        )
        request_figure_refresh()  # the lines in force count in the tuition figure
    return run


def return_run(*, run: EntitlementRun, actor: User, reason: str) -> EntitlementRun:
    """Send a submitted run back with the reason; it can be re-run and submitted again."""
    if not reason.strip():
        raise WorkflowError(_("say why the run is returned"))
    with transaction.atomic():
        run = _decide(run, actor)
        _move(
            run,
            actor=actor,
            to=RunStage.RETURNED,
            reason=reason.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
            return_reason=reason.strip(),
        )
    return run


def publish_run(
    *, run: EntitlementRun, actor: User, objection_days: int = DEFAULT_OBJECTION_DAYS
) -> EntitlementRun:
    """Publish the public notice of an approved run; objections are taken until the end of
    the objection period."""
    if not 1 <= objection_days <= 90:
        raise WorkflowError(_("the objection period is 1 to 90 days"))
    with transaction.atomic():
        run = _locked(run)
        require(
            can_decide_run(actor, run), _("only the office over this scope may publish the run")
        )
        _require_stage(run, RunStage.APPROVED)
        now = timezone.now()
        _move(
            run,
            actor=actor,
            to=RunStage.PUBLISHED,
            published_at=now,
            objections_until=timezone.localdate(now) + dt.timedelta(days=objection_days),
        )
    return run


def close_run(*, run: EntitlementRun, actor: User, today: dt.date | None = None) -> EntitlementRun:
    """Close a published run once its objection period is over and every objection to it is
    resolved."""
    today = today or timezone.localdate()
    with transaction.atomic():
        run = _locked(run)
        require(can_decide_run(actor, run), _("only the office over this scope may close the run"))
        _require_stage(run, RunStage.PUBLISHED)
        if run.objections_until and today <= run.objections_until:
            raise WrongStage(
                _("objections are taken until %(day)s: the run can be closed after that")
                % {"day": run.objections_until.isoformat()}
            )
        still_open = Objection.objects.filter(line__run=run, status=ObjectionStatus.OPEN).count()
        if still_open:
            raise WrongStage(
                _("%(count)s objections are still open: resolve them before closing the run")
                % {"count": still_open}
            )
        _move(run, actor=actor, to=RunStage.CLOSED, closed_at=timezone.now())
    return run


def available_steps(user: User, run: EntitlementRun) -> set[str]:
    """The transitions `user` may take on `run` now (for the run's page)."""
    steps: set[str] = set()
    if run.status != RunStatus.DONE:
        return steps
    if run.stage in (RunStage.DRAFT, RunStage.RETURNED) and can_submit_run(user, run):
        steps.add("submit")
    if can_decide_run(user, run):
        if run.stage == RunStage.SUBMITTED and run.submitted_by_id != user.pk:
            steps |= {"approve", "return"}
        if run.stage == RunStage.APPROVED:
            steps.add("publish")
        if run.stage == RunStage.PUBLISHED:
            steps.add("close")
    correcting = run.corrections.filter(stage__in=OPEN_STAGES).exists()
    if run.is_frozen and not correcting and can_run_over(user, run.unit):
        steps.add("correct")
    return steps
