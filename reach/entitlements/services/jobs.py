"""Runs requested from the web UI or the API: queued as background jobs (`tasks.py`, run by
`reach db_worker`), or joined when a run of the same key is already waiting or going. The
request is refused up front when the user may not run over the scope, the key is approved (a
correction must say what it corrects) or a submitted run holds lines it would replace."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.services import record_audit_event
from reach.entitlements.choices import ACTIVE_STATUSES, RunStatus
from reach.entitlements.errors import UnknownPolicy
from reach.entitlements.models import EntitlementRun
from reach.entitlements.plan import run_key
from reach.entitlements.services.runs import (
    correction_target,
    fail_stale_runs,
    key_runs,
    refuse_lines_under_review,
    replaced_drafts,
    require_run_over,
)
from reach.entitlements.tasks import execute_run_task
from reach.geo.models import Unit
from reach.policy.selectors import get_current_policy_version


@dataclass(frozen=True)
class RunRequest:
    run: EntitlementRun
    joined: bool  # True: a run of the same key was already waiting or going


def request_run(
    *,
    policy_codes: Sequence[str],
    school_year: int,
    unit: Unit | None,
    actor: User | None,
    corrects: EntitlementRun | None = None,
    correction_reason: str = "",
) -> RunRequest:
    """Queue a run of `policy_codes` for `school_year` over `unit` as a background job, or
    join the run of the same key that is already waiting or going. Raises NotAllowed,
    UnknownPolicy, FrozenRun when the key is approved and this is not a correction naming it,
    or RunUnderReview when a submitted run holds lines it would replace."""
    require_run_over(actor, unit)
    key = run_key(policy_codes)
    if not key:
        raise UnknownPolicy(_("no policy given"))
    for code in key.split(","):
        if get_current_policy_version(code) is None:
            raise UnknownPolicy(_("unknown policy %(code)s (not loaded)") % {"code": code})
    target, reason = correction_target(
        key=key, school_year=school_year, unit=unit, corrects=corrects, reason=correction_reason
    )
    refuse_lines_under_review(
        replaced_drafts(key=key, school_year=school_year, unit=unit), school_year=school_year
    )
    fail_stale_runs()
    with transaction.atomic():
        active = (
            key_runs(key=key, school_year=school_year, unit=unit)
            .filter(status__in=ACTIVE_STATUSES)
            .first()
        )
        if active is not None:
            return RunRequest(active, joined=True)
        try:
            with transaction.atomic():
                run = EntitlementRun.objects.create(
                    policy_codes=key,
                    school_year=school_year,
                    unit=unit,
                    status=RunStatus.PENDING,
                    requested_by=actor if actor is not None and actor.pk else None,
                    corrects=target,
                    correction_reason=reason,
                )
        except IntegrityError:
            joined = key_runs(key=key, school_year=school_year, unit=unit).get(
                status__in=ACTIVE_STATUSES
            )
            return RunRequest(joined, joined=True)
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            after={"status": run.status, "policies": key, "school_year": school_year},
            reason="requested",
        )
        transaction.on_commit(lambda: execute_run_task.enqueue(run_id=run.pk))
    return RunRequest(run, joined=False)


def request_rerun(
    *, run: EntitlementRun, actor: User | None, correction_reason: str | None = None
) -> RunRequest:
    """Queue `run`'s key again: a retry of a failed run, or (with `correction_reason`) a
    correction of an approved one."""
    return request_run(
        policy_codes=run.policy_codes.split(","),
        school_year=run.school_year,
        unit=run.unit,
        actor=actor,
        corrects=run if correction_reason is not None else None,
        correction_reason=correction_reason or "",
    )
