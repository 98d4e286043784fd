"""Writes of the entitlements domain. Each function owns its transaction, checks the actor's
permission itself (`reach.entitlements.permissions`) and audits what it changes:

- `runs`: computing a run, set-based, idempotent per key (policy, year, unit);
- `jobs`: a run requested from a page or the API, computed by the background worker;
- `workflow`: submit, approve, return, publish, close;
- `objections`: recorded against a published notice, upheld or dismissed.
"""

from reach.entitlements.services.runs import (
    NO_WORKER,
    STALE_AFTER,
    WORKER_STOPPED,
    correction_target,
    execute_requested_run,
    fail_stale_runs,
    key_runs,
    refuse_lines_under_review,
    replaced_drafts,
    require_run_over,
    run_entitlements,
)

__all__ = [
    "NO_WORKER",
    "STALE_AFTER",
    "WORKER_STOPPED",
    "correction_target",
    "execute_requested_run",
    "fail_stale_runs",
    "key_runs",
    "refuse_lines_under_review",
    "replaced_drafts",
    "require_run_over",
    "run_entitlements",
]
