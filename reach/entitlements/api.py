"""Entitlement runs (start or join, status and progress, totals, difference, lines), their
public notice and the objections to its lines, and a student's entitlements with the reasons
for each benefit."""

import io

from django.core.paginator import Paginator
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import HttpError

from reach.common.errors import DomainError, found
from reach.common.pdf import PDF, pdf_response
from reach.common.schemas import ERRORS, READ_ERRORS, SchoolYear, file_response
from reach.common.xlsx import XLSX, xlsx_response
from reach.entitlements import selectors
from reach.entitlements.explain import explain_person
from reach.entitlements.notice import (
    NoticePlace,
    masked_line,
    notice_filename,
    record_notice_export,
    render_notice_pdf,
    write_notice_xlsx,
)
from reach.entitlements.schemas import (
    LinePage,
    NoticeOut,
    ObjectionIn,
    ObjectionOut,
    PersonEntitlements,
    ResolutionIn,
    RunDetail,
    RunOut,
    RunRequestIn,
    RunStarted,
)
from reach.entitlements.services import objections, workflow
from reach.entitlements.services.jobs import request_rerun, request_run
from reach.geo.selectors import unit_for_user_or_404
from reach.registry.selectors import get_person_for_user

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


@router.get("/runs", response={200: list[RunOut], **READ_ERRORS})
def list_runs(request, limit: int = 50):
    runs = selectors.list_runs_for_user(request.user)[: max(1, min(limit, 500))]
    return [_run_out(run) for run in runs]


@router.post("/runs", response={202: RunStarted, **ERRORS})
def start_run(request, body: RunRequestIn):
    """Queue a run as a background job (or join the one of the same key already going); poll
    GET /runs/{id} for its progress. 403 when the caller may not run over the unit, 409 when
    the key is approved (start a correction) or a submitted run holds lines it would replace,
    422 for a policy not loaded."""
    outcome = request_run(
        policy_codes=body.policies,
        school_year=body.school_year,
        unit=unit_for_user_or_404(request.user, body.unit),
        actor=request.user,
    )
    return 202, {**_run_out(outcome.run), "joined": outcome.joined}


@router.get("/runs/{run_id}", response={200: RunDetail, **READ_ERRORS})
def get_run(request, run_id: int):
    run = found(selectors.get_run_for_user(request.user, run_id))
    totals, whole = selectors.run_totals_for_user(request.user, run)
    return {
        **_run_out(run),
        "totals": totals or {},
        "whole": whole,
        "diff": selectors.run_diff_for_user(request.user, run),
    }


@router.get("/runs/{run_id}/lines", response={200: LinePage, **READ_ERRORS})
def list_run_lines(request, run_id: int, page: int = 1, page_size: int = 100):
    run = found(selectors.get_run_for_user(request.user, run_id))
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    lines = selectors.list_lines_for_user(request.user, run).select_related("benefit__version")
    paginator = Paginator(lines, page_size)
    shown = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": shown.number,
        "page_size": page_size,
        "items": [_line_out(line) for line in shown.object_list],
    }


@router.get("/persons/{person_id}/entitlements", response={200: PersonEntitlements, **READ_ERRORS})
def person_entitlements(request, person_id: int, year: SchoolYear | None = None, lang: str = ""):
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
    return _run_out(step(found(selectors.get_run_for_user(request.user, run_id))))


@router.post("/runs/{run_id}/submit", response={200: RunOut, **ERRORS})
def submit(request, run_id: int):
    return _transition(
        request, run_id, lambda run: workflow.submit_run(run=run, actor=request.user)
    )


@router.post("/runs/{run_id}/approve", response={200: RunOut, **ERRORS})
def approve(request, run_id: int):
    """Approve a submitted run (not by its submitter): its lines come into force."""
    return _transition(
        request, run_id, lambda run: workflow.approve_run(run=run, actor=request.user)
    )


@router.post("/runs/{run_id}/return", response={200: RunOut, **ERRORS})
def return_(request, run_id: int, body: ReasonIn):
    return _transition(
        request,
        run_id,
        lambda run: workflow.return_run(run=run, actor=request.user, reason=body.reason),
    )


@router.post("/runs/{run_id}/publish", response={200: RunOut, **ERRORS})
def publish(request, run_id: int, body: PublishIn):
    return _transition(
        request,
        run_id,
        lambda run: workflow.publish_run(
            run=run, actor=request.user, objection_days=body.objection_days
        ),
    )


@router.post("/runs/{run_id}/close", response={200: RunOut, **ERRORS})
def close(request, run_id: int):
    return _transition(request, run_id, lambda run: workflow.close_run(run=run, actor=request.user))


@router.post("/runs/{run_id}/corrections", response={202: RunStarted, **ERRORS})
def correct(request, run_id: int, body: ReasonIn):
    """Start a correction of an approved run: a new run of the same key that says why."""
    run = found(selectors.get_run_for_user(request.user, run_id))
    outcome = request_rerun(run=run, actor=request.user, correction_reason=body.reason)
    return 202, {**_run_out(outcome.run), "joined": outcome.joined}


# -- public notice and objections -----------------------------------------------------------


def _published_run_for(request, run_id: int):
    run = found(selectors.get_run_for_user(request.user, run_id))
    if not selectors.has_notice(run):
        raise HttpError(404, "The run has no public notice (it is not published)")
    return run


def _notice_place(request, run, school: int | None, ward: str):
    schools = selectors.list_notice_schools_for_user(request.user, run)
    wards = selectors.list_notice_wards_for_user(request.user, run)
    place = None
    if school is not None:
        found = next((s for s in schools if s.pk == school), None)
        if found is None:
            raise HttpError(404, "School not in this notice")
        place = NoticePlace(school=found)
    elif ward:
        found = next((w for w in wards if w.code == ward), None)
        if found is None:
            raise HttpError(404, "Ward not in this notice")
        place = NoticePlace(ward=found)
    return schools, wards, place


def _notice_lines(request, run, place):
    return selectors.list_notice_lines_for_user(
        request.user, run, school=place.school, ward=place.ward
    )


@router.get("/runs/{run_id}/notice", response={200: NoticeOut, **READ_ERRORS})
def get_notice(request, run_id: int, school: int | None = None, ward: str = ""):
    """The public notice of a published run: the schools and wards the caller may choose and,
    with `school` (an id) or `ward` (a code), that place's lines with personal data masked."""
    run = _published_run_for(request, run_id)
    schools, wards, place = _notice_place(request, run, school, ward)
    lines = [masked_line(line) for line in _notice_lines(request, run, place)] if place else []
    return {
        "run": run.pk,
        "stage": run.stage,
        "published_at": run.published_at,
        "objections_until": run.objections_until,
        "schools": [{"id": s.pk, "code": s.code, "name": s.name} for s in schools],
        "wards": [{"code": w.code, "name": w.name} for w in wards],
        "place": place.query if place else None,
        "lines": lines,
    }


def _notice_document(request, run_id: int, school: int | None, ward: str):
    run = _published_run_for(request, run_id)
    _schools, _wards, place = _notice_place(request, run, school, ward)
    if place is None:
        raise DomainError("Give a school or a ward")
    return run, place, _notice_lines(request, run, place)


@router.get("/runs/{run_id}/notice/xlsx", response=READ_ERRORS, openapi_extra=file_response(XLSX))
def get_notice_xlsx(request, run_id: int, school: int | None = None, ward: str = ""):
    """The notice of one school or ward as .xlsx (in the caller's language)."""
    run, place, lines = _notice_document(request, run_id, school, ward)
    out = io.BytesIO()
    rows = write_notice_xlsx(out, run=run, place=place, lines=lines)
    record_notice_export(request.user, run, place, rows, "xlsx")
    return xlsx_response(out, filename=notice_filename(run, place, "xlsx"))


@router.get("/runs/{run_id}/notice/pdf", response=READ_ERRORS, openapi_extra=file_response(PDF))
def get_notice_pdf(request, run_id: int, school: int | None = None, ward: str = ""):
    """The notice of one school or ward as PDF (in the caller's language)."""
    run, place, lines = _notice_document(request, run_id, school, ward)
    lines = list(lines)
    content = render_notice_pdf(run=run, place=place, lines=lines)
    record_notice_export(request.user, run, place, len(lines), "pdf")
    return pdf_response(content, filename=notice_filename(run, place, "pdf"))


def _objection_out(objection) -> dict:
    return {
        "id": objection.pk,
        "line": objection.line_id,
        "run": objection.line.run_id,
        "person": objection.line.person_id,
        "raised_by": objection.raised_by,
        "contact": objection.contact,
        "reason": objection.reason,
        "recorded_by": objection.recorded_by.get_username(),
        "recorded_at": objection.recorded_at,
        "status": objection.status,
        "resolution": objection.resolution,
        "resolved_by": objection.resolved_by.get_username() if objection.resolved_by else None,
        "resolved_at": objection.resolved_at,
        "correction": objection.correction_id,
    }


@router.get("/runs/{run_id}/objections", response={200: list[ObjectionOut], **READ_ERRORS})
def list_objections(request, run_id: int):
    run = found(selectors.get_run_for_user(request.user, run_id))
    return [_objection_out(o) for o in selectors.list_objections_for_user(request.user, run=run)]


@router.post("/runs/{run_id}/objections", response={201: ObjectionOut, **ERRORS})
def create_objection(request, run_id: int, body: ObjectionIn):
    """Record an objection to a line of the run's notice, while the objection period lasts."""
    run = found(selectors.get_run_for_user(request.user, run_id))
    line = selectors.get_line_for_user(request.user, body.line)
    if line is None or line.run_id != run.pk:
        raise HttpError(404, "Line not found in this run")
    objection = objections.record_objection(
        line=line,
        actor=request.user,
        raised_by=body.raised_by,
        contact=body.contact,
        reason=body.reason,
    )
    return 201, _objection_out(selectors.get_objection_for_user(request.user, objection.pk))


def _objection_for(request, objection_id: int):
    objection = selectors.get_objection_for_user(request.user, objection_id)
    if objection is None:
        raise HttpError(404, "Not found")
    return objection


@router.post("/objections/{objection_id}/uphold", response={200: ObjectionOut, **ERRORS})
def uphold(request, objection_id: int, body: ResolutionIn):
    """Uphold an open objection: a correction run of its run starts (see `correction`)."""
    objection = _objection_for(request, objection_id)
    objections.uphold_objection(objection=objection, actor=request.user, resolution=body.resolution)
    return _objection_out(_objection_for(request, objection_id))


@router.post("/objections/{objection_id}/dismiss", response={200: ObjectionOut, **ERRORS})
def dismiss(request, objection_id: int, body: ResolutionIn):
    """Dismiss an open objection; `resolution` says why (required)."""
    objection = _objection_for(request, objection_id)
    objections.dismiss_objection(objection=objection, actor=request.user, reason=body.resolution)
    return _objection_out(_objection_for(request, objection_id))
