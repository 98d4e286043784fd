"""/api/v1/crosschecks: upload a school register (staged, all or nothing), compare it, read the
runs (the ledgers' history) and their lists. Reads through the selectors (`restrict`), writes
through the services."""

import datetime as dt

from django.utils import timezone
from ninja import File, Form, Router
from ninja.files import UploadedFile

from reach.accounts.permissions import may_see_unmasked
from reach.common.masking import mask_id, mask_name
from reach.common.schemas import ERRORS, READ_ERRORS, Error
from reach.common.uploads import UploadRefused
from reach.crosscheck import selectors, services
from reach.crosscheck.models import CrosscheckRun
from reach.crosscheck.register import RegisterRejected
from reach.crosscheck.schemas import (
    CrosscheckDueOut,
    CrosscheckRunOut,
    FindingOut,
    RegisterRejectedOut,
)
from reach.geo.selectors import unit_for_user_or_404

router = Router(tags=["crosschecks"])


def _run_out(run: CrosscheckRun) -> dict:
    fields = (
        "id month school_year status filename register_rows matched outside_unit school_age "
        "not_in_register not_attending suspected dropouts poor_dropouts cases_opened"
    ).split()
    return {"unit": run.unit.code, **{name: getattr(run, name) for name in fields}}


@router.get("/crosschecks", response={200: list[CrosscheckRunOut], **READ_ERRORS})
def list_runs(request, unit: str = "", limit: int = 100):
    """The runs the caller sees (of `unit`, when given), newest month first."""
    runs = selectors.list_runs_for_user(request.user, unit_for_user_or_404(request.user, unit))
    return [_run_out(run) for run in runs[: max(1, min(limit, 1000))]]


@router.get("/crosschecks/due", response={200: list[CrosscheckDueOut], **READ_ERRORS})
def list_units_due(request, month: str = "", unit: str = ""):
    """The units the caller sees (under `unit`, when given) due to compare a school register in
    `month` (YYYY-MM; this month by default): the list of the history page and of
    `reach crosscheck_due`."""
    scope = unit_for_user_or_404(request.user, unit)
    try:
        day = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate()
    except ValueError:
        return 422, {"detail": "month: YYYY-MM"}
    return [
        {
            "unit": row.code,
            "name": row.name,
            "level": row.level,
            "last_compared": row.last_compared,
            "every_months": rhythm.every_months,
            "source": rhythm.source,
            "confidence": rhythm.confidence,
        }
        for row, rhythm in selectors.list_units_due_for_user(request.user, day, scope)
    ]


@router.get("/crosschecks/{check_id}", response={200: CrosscheckRunOut, **READ_ERRORS})
def get_run(request, check_id: int):
    return _run_out(selectors.get_run_for_user(request.user, check_id))


@router.get("/crosschecks/{check_id}/findings", response={200: list[FindingOut], **READ_ERRORS})
def list_findings(request, check_id: int, list: str = "not_in_register", limit: int = 1000):  # noqa: A002
    """One list of a run: not_in_register, not_attending, poor_dropouts or dropouts."""
    run = selectors.get_run_for_user(request.user, check_id)
    if list not in selectors.LIST_KEYS:
        list = "not_in_register"  # noqa: A001
    masked = not may_see_unmasked(request.user, run.unit)
    findings = selectors.list_findings_for_user(request.user, run, list)
    return [
        {
            "person_id": f.person_id,
            "full_name": mask_name(f.person.full_name) if masked else f.person.full_name,
            "national_id": mask_id(f.person.national_id) if masked else f.person.national_id or "",
            "household_status": f.household_status,
            "poor": f.poor,
            "mismatch": f.mismatch,
            "school_code": f.register_row.school_code if f.register_row else "",
            "masked": masked,
        }
        for f in findings[: max(1, min(limit, 10000))]
    ]


@router.post(
    "/crosschecks",
    response={200: CrosscheckRunOut, 413: Error, **ERRORS, 422: RegisterRejectedOut},
)
def upload_register(request, unit: Form[str], month: Form[str], file: File[UploadedFile]):
    """Stage a school register (.xlsx or .csv) for `unit` and `month` (YYYY-MM). 422: nothing
    was kept: every bad row. 413: the file is over the size limit."""
    scope = unit_for_user_or_404(request.user, unit)
    try:
        day = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        return 422, {"detail": "month: YYYY-MM", "errors": []}
    if scope is None:
        return 422, {"detail": "unit", "errors": []}
    try:
        run = services.stage_register(
            actor=request.user, unit=scope, month=day, file=file, filename=file.name or ""
        )
    except UploadRefused as refused:
        return refused.status, {"detail": str(refused), "errors": []}
    except RegisterRejected as rejected:
        return 422, {"detail": str(rejected), "errors": rejected.errors}
    return _run_out(run)


@router.post("/crosschecks/{check_id}/compare", response={200: CrosscheckRunOut, **ERRORS})
def compare_register(request, check_id: int):
    """Compare a staged register with the registry; opens cases for the suspected dropouts."""
    run = selectors.get_run_for_user(request.user, check_id)
    return _run_out(services.compare_register(actor=request.user, run=run))
