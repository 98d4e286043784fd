"""Entitlement runs (start or join, status and progress, totals, difference, lines) and a
student's entitlements with the reasons for each benefit."""

from django.core.paginator import Paginator
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import HttpError

from reach.entitlements import selectors, workflow
from reach.entitlements.explain import explain_person
from reach.entitlements.schemas import (
    LinePage,
    PersonEntitlements,
    RunDetail,
    RunOut,
    RunRequestIn,
    RunStarted,
)
from reach.entitlements.services import (
    EntitlementError,
    UnknownPolicy,
    fail_stale_runs,
    request_rerun,
    request_run,
)
from reach.registry.selectors import get_person_for_user, get_unit_for_user

router = Router(tags=["entitlements"])
MAX_PAGE_SIZE = 500


def _run_out(run) -> dict:
    return {
        "id": run.pk,
        "policies": run.policy_codes.split(","),
        "school_year": run.school_year,
        "unit": run.unit.code if run.unit_id else None,
        "status": run.status,
        "progress_done": run.progress_done,
        "progress_total": run.progress_total,
        "percent_done": run.percent_done,
        "error": run.error,
        "versions": run.versions or {},
        "stage": run.stage,
        "corrects": run.corrects_id,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


def _line_out(line) -> dict:
    return {
        "id": line.pk,
        "run": line.run_id,
        "person": line.person_id,
        "household": line.household_id,
        "unit": line.unit.code,
        "policy": line.policy_code,
        "benefit": line.benefit_code,
        "benefit_version": line.benefit.version.number,
        "school_year": line.school_year,
        "amount_minor": line.amount_minor,
        "currency": line.currency,
        "in_kind": line.in_kind,
        "funding": line.funding,
        "status": line.status,
    }


def _run_for(request, run_id: int):
    run = selectors.get_run_for_user(request.user, run_id)
    if run is None:
        raise HttpError(404, "Not found")
    return run


@router.get("/runs", response=list[RunOut])
def list_runs(request, limit: int = 50):
    fail_stale_runs()
    runs = selectors.list_runs_for_user(request.user)[: max(1, min(limit, 500))]
    return [_run_out(run) for run in runs]


@router.post("/runs", response={202: RunStarted})
def start_run(request, body: RunRequestIn):
    """Queue a run as a background job (or join the one of the same key already going); poll
    GET /runs/{id} for its progress."""
    unit = None
    if body.unit:
        unit = get_unit_for_user(request.user, body.unit)
        if unit is None:
            raise HttpError(404, "Unit not found")
    if not selectors.may_run_over(request.user, unit):
        raise HttpError(403, "You may not start runs over this scope")
    try:
        outcome = request_run(
            policy_codes=body.policies, school_year=body.school_year, unit=unit, actor=request.user
        )
    except UnknownPolicy as error:
        raise HttpError(400, str(error)) from None
    return 202, {**_run_out(outcome.run), "joined": outcome.joined}


@router.get("/runs/{run_id}", response=RunDetail)
def get_run(request, run_id: int):
    fail_stale_runs()
    run = _run_for(request, run_id)
    totals, whole = selectors.run_totals_for_user(request.user, run)
    return {
        **_run_out(run),
        "totals": totals or {},
        "whole": whole,
        "diff": selectors.run_diff_for_user(request.user, run),
    }


@router.get("/runs/{run_id}/lines", response=LinePage)
def list_run_lines(request, run_id: int, page: int = 1, page_size: int = 100):
    run = _run_for(request, run_id)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    lines = selectors.list_lines_for_user(request.user, run).select_related("benefit__version")
    paginator = Paginator(lines, page_size)
    found = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": found.number,
        "page_size": page_size,
        "items": [_line_out(line) for line in found.object_list],
    }


@router.get("/persons/{person_id}/entitlements", response=PersonEntitlements)
def person_entitlements(request, person_id: int, year: int | None = None, lang: str = ""):
    """A person's entitlement lines; with `year`, also why each benefit of that school year is
    granted or refused (`lang`: vi, zh-hans or en)."""
    person = get_person_for_user(request.user, person_id)
    if person is None:
        raise HttpError(404, "Not found")
    lines = selectors.list_entitlements_for_user(request.user, person).select_related("unit")
    if year is not None:
        lines = lines.filter(school_year=year)
    data = {
        "person": person.pk,
        "school_year": year,
        "lines": [_line_out(line) for line in lines],
        "notes": [],
        "verdicts": [],
    }
    if year is None:
        return data
    explanation = explain_person(person=person, school_year=year, lang=lang or get_language())
    data["notes"] = explanation.notes
    data["verdicts"] = [
        {
            "policy": verdict.policy_code,
            "benefit": verdict.code,
            "name": verdict.name,
            "outcome": verdict.outcome,
            "rule": verdict.rule,
            "checks": [vars(check) for check in verdict.checks],
            "source": verdict.source,
            "amount_minor": verdict.amount_minor,
            "currency": verdict.currency,
            "amount_words": verdict.amount_words,
            "superseded_by": verdict.superseded_by,
            "note": verdict.note,
            "line_id": verdict.line.pk if verdict.line else None,
        }
        for policy in explanation.policies
        for verdict in policy.verdicts
    ]
    return data


class ReasonIn(Schema):
    reason: str = ""


class PublishIn(Schema):
    objection_days: int = workflow.DEFAULT_OBJECTION_DAYS


def _transition(request, run_id: int, step) -> dict:
    run = _run_for(request, run_id)
    try:
        run = step(run)
    except workflow.NotAllowed as error:
        raise HttpError(403, str(error)) from None
    except EntitlementError as error:
        raise HttpError(409, str(error)) from None
    return _run_out(run)


@router.post("/runs/{run_id}/submit", response=RunOut)
def submit(request, run_id: int):
    return _transition(
        request, run_id, lambda run: workflow.submit_run(run=run, actor=request.user)
    )


@router.post("/runs/{run_id}/approve", response=RunOut)
def approve(request, run_id: int):
    """Approve a submitted run (not by its submitter): its lines come into force."""
    return _transition(
        request, run_id, lambda run: workflow.approve_run(run=run, actor=request.user)
    )


@router.post("/runs/{run_id}/return", response=RunOut)
def return_(request, run_id: int, body: ReasonIn):
    return _transition(
        request,
        run_id,
        lambda run: workflow.return_run(run=run, actor=request.user, reason=body.reason),
    )


@router.post("/runs/{run_id}/publish", response=RunOut)
def publish(request, run_id: int, body: PublishIn):
    return _transition(
        request,
        run_id,
        lambda run: workflow.publish_run(
            run=run, actor=request.user, objection_days=body.objection_days
        ),
    )


@router.post("/runs/{run_id}/close", response=RunOut)
def close(request, run_id: int):
    return _transition(request, run_id, lambda run: workflow.close_run(run=run, actor=request.user))


@router.post("/runs/{run_id}/corrections", response={202: RunStarted})
def correct(request, run_id: int, body: ReasonIn):
    """Start a correction of an approved run: a new run of the same key that says why."""
    run = _run_for(request, run_id)
    if not selectors.may_run_over(request.user, run.unit):
        raise HttpError(403, "You may not start runs over this scope")
    try:
        outcome = request_rerun(run=run, actor=request.user, correction_reason=body.reason)
    except EntitlementError as error:
        raise HttpError(409, str(error)) from None
    return 202, {**_run_out(outcome.run), "joined": outcome.joined}
