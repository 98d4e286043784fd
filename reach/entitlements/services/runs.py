"""Entitlement runs: every benefit of a policy set over a scope and school year, set-based.

A run reads the facts of its scope once, adds every benefit's pupils with one INSERT ... SELECT
filtered by the compiled conditions, computes each amount once per group of pupils sharing it
(the fee table by level and unit, or the school days), keeps the largest line of each
exclusive group and writes all its lines with one more statement (engine.py). The lines of a run
replace, in one transaction, the draft lines the previous run left for the same policies, year
and pupils, and the run records the difference and its totals (DESIGN.md, "The policy engine",
"Runs are idempotent and explainable"). The drafts of a run submitted for approval are never
replaced: what the office approves is what was submitted.

A run is started by whoever may run over its scope (`permissions.can_run_over`); an `actor` of
None is the system itself: the `reach run` command, typed by the operator at the server.
"""

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import under_paths
from reach.accounts.services import record_audit_event
from reach.common.errors import DomainError, report_database_error
from reach.entitlements import engine
from reach.entitlements.choices import (
    ACTIVE_STATUSES,
    FROZEN_STAGES,
    OPEN_STAGES,
    LineStatus,
    RunStage,
    RunStatus,
)
from reach.entitlements.errors import (
    EntitlementError,
    FrozenRun,
    RunFailed,
    RunUnderReview,
    UnknownPolicy,
)
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.entitlements.permissions import can_run_over
from reach.entitlements.plan import plan_benefits, run_key
from reach.entitlements.totals import DIFF_LIMIT, run_totals
from reach.geo.models import Unit
from reach.policy.models import PolicyVersion
from reach.policy.selectors import (
    get_current_policy_version,
    get_reference_book,
)

STALE_AFTER = dt.timedelta(minutes=10)  # a running run silent this long has lost its worker
WORKER_STOPPED = "worker stopped"

Progress = Callable[[int, int], None]


def require_run_over(actor: User | None, unit: Unit | None) -> None:
    require(
        actor is None or can_run_over(actor, unit),
        _("you may not start runs over this scope"),
    )


def run_entitlements(
    *,
    policy_codes: Sequence[str],
    school_year: int,
    unit: Unit | None,
    actor: User | None = None,
    progress: Progress | None = None,
    corrects: EntitlementRun | None = None,
    correction_reason: str = "",
) -> EntitlementRun:
    """Run the current versions of `policy_codes` for `school_year` over `unit` (None: every
    unit). A request while a run of the same key is running joins it (returns that run); a
    running run silent for STALE_AFTER is marked failed and a new attempt starts. Once a run
    of the key is approved its lines are frozen: a new run must be a correction that names it
    (`corrects`) and says why. Raises NotAllowed, UnknownPolicy, FrozenRun, RunUnderReview, or
    RunFailed (the run marked failed, the previous lines kept)."""
    require_run_over(actor, unit)
    key = run_key(policy_codes)
    if not key:
        raise UnknownPolicy(_("no policy given"))
    versions = []
    for code in key.split(","):
        version = get_current_policy_version(code)
        if version is None:
            raise UnknownPolicy(_("unknown policy %(code)s (not loaded)") % {"code": code})
        versions.append(version)
    target, reason = correction_target(
        key=key, school_year=school_year, unit=unit, corrects=corrects, reason=correction_reason
    )
    run, claimed = _claim_run(key=key, school_year=school_year, unit=unit, actor=actor)
    if not claimed:
        return run
    if target is not None and run.corrects_id is None:
        run.corrects, run.correction_reason = target, reason
        run.save(update_fields=["corrects", "correction_reason"])
    try:
        with transaction.atomic():
            _compute_run(run, versions=versions, actor=actor, progress=progress)
    except Exception as error:
        if isinstance(error, DomainError):
            reason = str(error)
        elif isinstance(error, DatabaseError):  # its text may quote a row: logged, not shown
            reason = report_database_error(error, during=f"entitlement run {run.pk}")
        else:
            reason = f"{type(error).__name__}: {error}"
        _mark_failed(run, reason=reason, actor=actor)
        raise RunFailed(
            _("run %(id)s failed: %(reason)s") % {"id": run.pk, "reason": run.error}, run=run
        ) from error
    return run


# -- claiming a key -------------------------------------------------------------------------


def correction_target(
    *,
    key: str,
    school_year: int,
    unit: Unit | None,
    corrects: EntitlementRun | None,
    reason: str,
) -> tuple[EntitlementRun | None, str]:
    """The frozen run a new run of the key corrects, and why (None: nothing is frozen yet).
    Re-running a correction keeps what it corrects."""
    runs = key_runs(key=key, school_year=school_year, unit=unit)
    frozen = runs.filter(stage__in=FROZEN_STAGES).order_by("-pk").first()
    if corrects is None:
        if frozen is None:
            return None, ""
        pending = runs.filter(stage__in=OPEN_STAGES, corrects=frozen).order_by("-pk").first()
        if pending is not None:
            return frozen, pending.correction_reason
        raise FrozenRun(
            _(
                "run %(id)s of these policies, year and scope is %(stage)s and its lines are "
                "frozen: a new run must be a correction that says what it corrects"
            )
            % {"id": frozen.pk, "stage": frozen.get_stage_display()}
        )
    if frozen is None or corrects.pk != frozen.pk:
        raise EntitlementError(
            _("run %(id)s is not the approved run of these policies, year and scope")
            % {"id": corrects.pk}
        )
    if not reason.strip():
        raise EntitlementError(_("a correction must say what it corrects"))
    return frozen, reason.strip()


def key_runs(*, key: str, school_year: int, unit: Unit | None) -> QuerySet[EntitlementRun]:
    runs = EntitlementRun.objects.filter(policy_codes=key, school_year=school_year)
    return runs.filter(unit=unit) if unit is not None else runs.filter(unit__isnull=True)


def _is_stale(run: EntitlementRun, now: dt.datetime) -> bool:
    last_sign = run.heartbeat_at or run.started_at
    return last_sign is None or last_sign < now - STALE_AFTER


def _claim_run(
    *, key: str, school_year: int, unit: Unit | None, actor: User | None
) -> tuple[EntitlementRun, bool]:
    """The run to work on and whether this caller runs it (False: it joins a running run)."""
    requested_by = actor if actor is not None and actor.pk else None
    with transaction.atomic():
        now = timezone.now()
        active = (
            key_runs(key=key, school_year=school_year, unit=unit)
            .select_for_update()
            .filter(status__in=ACTIVE_STATUSES)
            .first()
        )
        if active is not None and active.status == RunStatus.PENDING:
            active.status, active.started_at, active.heartbeat_at = RunStatus.RUNNING, now, now
            active.save(update_fields=["status", "started_at", "heartbeat_at"])
            return active, True
        if active is not None and not _is_stale(active, now):
            return active, False
        if active is not None:
            active.status, active.error, active.finished_at = RunStatus.FAILED, WORKER_STOPPED, now
            active.save(update_fields=["status", "error", "finished_at"])
            _audit_failure(active, actor=actor)
        try:
            with transaction.atomic():
                run = EntitlementRun.objects.create(
                    policy_codes=key,
                    school_year=school_year,
                    unit=unit,
                    status=RunStatus.RUNNING,
                    started_at=now,
                    heartbeat_at=now,
                    requested_by=requested_by,
                )
        except IntegrityError:
            # Another worker claimed the key between our read and our insert: join it.
            return key_runs(key=key, school_year=school_year, unit=unit).get(
                status__in=ACTIVE_STATUSES
            ), False
    return run, True


def _mark_failed(run: EntitlementRun, *, reason: str, actor: User | None) -> None:
    run.status, run.error, run.finished_at = RunStatus.FAILED, reason, timezone.now()
    with transaction.atomic():
        run.save(update_fields=["status", "error", "finished_at", "progress_done"])
        _audit_failure(run, actor=actor)


def _audit_failure(run: EntitlementRun, *, actor: User | None) -> None:
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=run,
        after={"status": RunStatus.FAILED.value, "error": run.error},
        reason="reach run",
    )


# -- computing ------------------------------------------------------------------------------


def _compute_run(
    run: EntitlementRun,
    *,
    versions: Sequence[PolicyVersion],
    actor: User | None,
    progress: Progress | None,
) -> None:
    """Inside the run's transaction: replace the previous lines, write the new ones (engine.py),
    record totals and the difference, mark done."""
    book = get_reference_book()
    plans = [
        plan
        for version in versions
        for plan in plan_benefits(version, school_year=run.school_year, tables=book.tables)
    ]
    scope_path = run.unit.path if run.unit is not None else None
    previous_lines = replaced_drafts(
        key=run.policy_codes, school_year=run.school_year, unit=run.unit
    )
    refuse_lines_under_review(previous_lines, school_year=run.school_year, lock=True)
    with engine.run_tables():
        replaced = engine.keep_previous(previous_lines)
        engine.delete_lines(previous_lines)
        # A correction differs from the lines it corrects.
        if not replaced and run.corrects is not None:
            engine.keep_previous(run.corrects.lines.filter(status=LineStatus.IN_FORCE))
        replaced_runs = (
            key_runs(key=run.policy_codes, school_year=run.school_year, unit=run.unit)
            .filter(stage__in=OPEN_STAGES)
            .exclude(pk=run.pk)
        )
        replaced_ids = sorted(replaced_runs.values_list("pk", flat=True))
        replaced_runs.update(stage=RunStage.REPLACED)
        if replaced:
            _audit_replaced_drafts(run, count=replaced, runs=replaced_ids, actor=actor)

        run.versions = {version.policy.code: version.number for version in versions}
        run.progress_done, run.progress_total = 0, len(plans)
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["versions", "progress_done", "progress_total", "heartbeat_at"])
        keys = engine.fact_keys(school_year=run.school_year, scope_path=scope_path)
        engine.add_candidates(plans, keys, school_year=run.school_year, scope_path=scope_path)
        if engine.has_several_enrolments(school_year=run.school_year):
            engine.drop_later_enrolments()
        unavailable = {}
        for plan in plans:
            groups = engine.amount_groups(plan, keys)
            missing = engine.add_amounts(plan, groups, school_year=run.school_year, book=book)
            unavailable[plan.benefit.pk] = missing
            run.progress_done += 1
            run.heartbeat_at = timezone.now()
            run.save(update_fields=["progress_done", "heartbeat_at"])
            if progress:
                progress(run.progress_done, run.progress_total)
        engine.drop_exclusive_losers(plans)
        written = engine.write_lines(run_id=run.pk, school_year=run.school_year)
        staged, without_amount = engine.staged_groups()
        warnings = [
            f"{plan.policy_code}/{plan.benefit.code}: "
            + _("%(count)s pupils left out: %(reason)s")
            % {"count": without_amount[(plan.benefit.pk, key)], "reason": error}
            for plan in plans
            for key, error in unavailable[plan.benefit.pk].items()
            if (plan.benefit.pk, key) in without_amount
        ]
        run.totals = run_totals(
            run,
            benefits=[plan.benefit for plan in plans],
            warnings=warnings,
            groups=staged,
            persons=engine.count_persons(run.pk),
        )
        run.diff = engine.line_diff(run_id=run.pk, lines_written=written, limit=DIFF_LIMIT)
    run.status, run.error, run.finished_at = RunStatus.DONE, "", timezone.now()
    run.save(update_fields=["totals", "diff", "status", "error", "finished_at"])
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=run,
        after={"versions": run.versions, "totals": run.totals, "diff": run.diff["counts"]},
        reason="reach run",
    )


def replaced_drafts(*, key: str, school_year: int, unit: Unit | None) -> QuerySet[EntitlementLine]:
    """The draft lines a run of `key` over `unit` replaces: of its policies and school year,
    left by earlier runs of its key or belonging to pupils now living in its scope (lines in
    force stay)."""
    # Drafts are looked up by their runs (of the year): no index of the year holds them.
    lines = EntitlementLine.objects.filter(
        run__in=EntitlementRun.objects.filter(school_year=school_year).values("pk"),
        policy_code__in=key.split(","),
        school_year=school_year,
        status=LineStatus.DRAFT,
    )
    if unit is None:
        return lines
    same_key = Q(run__policy_codes=key, run__unit=unit.pk)
    return lines.filter(same_key | under_paths("person__household__unit__path", (unit.path,)))


def refuse_lines_under_review(
    lines: QuerySet[EntitlementLine], *, school_year: int, lock: bool = False
) -> None:
    """Raise RunUnderReview when a submitted run of `school_year` holds any of `lines` (the
    drafts a new run would replace). With `lock`, the year's runs that could still be submitted
    are locked first, so that none is submitted while the new run replaces its drafts."""
    runs = EntitlementRun.objects.filter(
        school_year=school_year,
        status=RunStatus.DONE,
        stage__in=(*OPEN_STAGES, RunStage.SUBMITTED),
    )
    if lock:
        runs = runs.select_for_update()
    submitted = [run.pk for run in runs.only("pk", "stage") if run.stage == RunStage.SUBMITTED]
    if not submitted:
        return
    held = list(lines.filter(run__in=submitted).order_by().values_list("run_id", flat=True)[:1])
    if held:
        raise RunUnderReview(
            _(
                "run %(id)s is submitted for approval and holds lines this run would replace: "
                "they stay as submitted until the office approves or returns it"
            )
            % {"id": held[0]}
        )


def _audit_replaced_drafts(
    run: EntitlementRun, *, count: int, runs: list[int], actor: User | None
) -> None:
    """One event for the draft lines a run deleted, however many: their count, and the runs
    of the key it replaced."""
    record_audit_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=run,
        before={"draft_lines": count, "runs_replaced": runs},
        reason="draft lines replaced by the run",
    )


# -- runs computed by the worker (requested in jobs.py) --------------------------------------

NO_WORKER = "no background worker picked the run up"


def fail_stale_runs(*, now: dt.datetime | None = None, sparing: int | None = None) -> int:
    """Mark failed every run whose worker went silent (running) or that no worker took up
    (pending) for STALE_AFTER, so that no run stays in progress forever; returns how many.
    Called where work is written: a run's request, a worker's start of a job (`sparing` the
    run it is about to compute), and `reach fail_stale_runs`; never by a page or API read."""
    now = now or timezone.now()
    stale = EntitlementRun.objects.filter(
        Q(status=RunStatus.RUNNING)
        & (Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at__isnull=True))
        | Q(status=RunStatus.PENDING, created_at__lt=now - STALE_AFTER)
    )
    if sparing is not None:
        stale = stale.exclude(pk=sparing)
    failed = 0
    with transaction.atomic():
        for run in stale.select_for_update():
            reason = WORKER_STOPPED if run.status == RunStatus.RUNNING else NO_WORKER
            run.status, run.error, run.finished_at = RunStatus.FAILED, reason, now
            run.save(update_fields=["status", "error", "finished_at"])
            _audit_failure(run, actor=None)
            failed += 1
    return failed


def execute_requested_run(*, run_id: int) -> EntitlementRun | None:
    """The background job: compute the pending run `run_id`. A run that is no longer pending
    (already taken, failed as stale, or gone) is left alone; returns the run computed. Runs
    that lost their worker are failed first, this one spared."""
    fail_stale_runs(sparing=run_id)
    run = EntitlementRun.objects.select_related("unit", "requested_by").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.PENDING:
        return None
    try:
        return run_entitlements(
            policy_codes=run.policy_codes.split(","),
            school_year=run.school_year,
            unit=run.unit,
            actor=run.requested_by,
            corrects=run.corrects,
            correction_reason=run.correction_reason,
        )
    except RunFailed as error:
        return error.run
    except DomainError as error:  # unloaded, approved, under review or no longer allowed
        _mark_failed(run, reason=str(error), actor=run.requested_by)
        return run
