"""The registry's pages: dashboard, units, households, persons, and the household import
(upload, preview with every bad row, confirm, error sheet, template)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.permissions import may_see_unmasked
from reach.accounts.services import record_export
from reach.common.downloads import export_filters
from reach.common.errors import OutOfScope
from reach.common.uploads import MB, UploadRefused, received_file, upload_limits
from reach.common.xlsx import xlsx_response
from reach.geo.selectors import unit_for_user_or_404
from reach.registry import selectors
from reach.registry.choices import HouseholdStatus, ImportStatus
from reach.registry.exports import write_household_export
from reach.registry.imports import jobs
from reach.registry.imports import services as imports
from reach.registry.models import ImportBatch
from reach.registry.permissions import can_import_households


@login_required
def home(request):
    counts = selectors.registry_counts_for_user(request.user)
    units = selectors.list_units_for_user(request.user)
    return render(request, "registry/home.html", {"counts": counts, "units": units})


@login_required
def unit_tree(request):
    units = selectors.list_units_for_user(request.user)
    return render(request, "registry/unit_tree.html", {"units": units})


def _filtered_households(request):
    """The households of the list page's filters, and the unit filtered on."""
    params = request.GET
    unit = unit_for_user_or_404(request.user, params.get("unit"))
    year = params.get("year", "")
    households = selectors.list_households_for_user(
        request.user,
        unit=unit,
        status=params.get("status", ""),
        year=int(year) if year.isdigit() else None,
        q=params.get("q", "").strip(),
    )
    return households, unit


@login_required
def household_list(request):
    params = request.GET
    households, unit = _filtered_households(request)
    page = Paginator(households, 25).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "units": selectors.list_units_for_user(request.user),
        "statuses": HouseholdStatus.choices,
        "filters": params,
        "querystring": query.urlencode(),
        "selected_unit": unit,
    }
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    return render(request, template, context)


@login_required
def household_export(request):
    """The filtered households in the import format; masked unless the user may see the full
    record of every person in it. Audited."""
    households, unit = _filtered_households(request)
    masked = not may_see_unmasked(request.user, unit)
    out = io.BytesIO()
    rows = write_household_export(user=request.user, households=households, out=out, masked=masked)
    record_export(
        actor=request.user,
        name="registry.households",
        filters=export_filters(request.GET),
        rows=rows,
        masked=masked,
    )
    return xlsx_response(out, filename="reach-households.xlsx")


@login_required
def household_detail(request, household_id: int):
    household = selectors.get_household_for_user(request.user, household_id)
    if household is None:
        raise OutOfScope(_("No such household"))
    members = list(selectors.list_members_for_user(request.user, household))
    enrolments = list(selectors.list_enrolments_for_user(request.user, members))
    for member in members:
        member.enrolment_list = [e for e in enrolments if e.person_id == member.pk]
    context = {
        "household": household,
        "members": members,
        "statuses": household.statuses.all(),
        "events": selectors.list_audit_events_for_household(request.user, household)[:100],
    }
    return render(request, "registry/household_detail.html", context)


@login_required
def person_detail(request, person_id: int):
    person = selectors.get_person_for_user(request.user, person_id)
    if person is None:
        raise OutOfScope(_("No such person"))
    enrolments = list(selectors.list_enrolments_for_user(request.user, [person]))
    statuses = {s.year: s for s in person.household.statuses.all()}
    years = sorted({e.school_year for e in enrolments} | set(statuses), reverse=True)
    timeline = [
        {
            "year": year,
            "status": statuses.get(year),
            "enrolments": [e for e in enrolments if e.school_year == year],
        }
        for year in years
    ]
    context = {
        "person": person,
        "timeline": timeline,
        "events": selectors.list_audit_events_for_person(person)[:100],
    }
    return render(request, "registry/person_detail.html", context)


def _batch_or_404(user, batch_id: int, kind: str | None = "households") -> ImportBatch:
    """A batch the user may read; of `kind` (None: any, for the progress bar that the
    payment-result files share)."""
    batch = selectors.get_import_batch_for_user(user, batch_id)
    if batch is None or (kind is not None and batch.kind != kind):
        raise OutOfScope(_("No such import"))
    return batch


@login_required
def import_start(request):
    """The upload form; the import service refuses an upload by a user without an importing
    role (403), and the upload check a file past its limits (413 or 422, the reason on the
    form, no batch kept). A large file is checked in the background: its preview page shows
    the progress."""
    refusal, status = "", 200
    if request.method == "POST":
        try:
            upload = received_file(request)
            if upload is not None:
                batch = jobs.request_household_import(
                    file=upload, filename=upload.name or "", user=request.user
                )
                return redirect("registry:import-preview", batch_id=batch.pk)
        except UploadRefused as refused:
            refusal, status = str(refused), refused.status
    context = {
        "recent": selectors.list_import_batches_for_user(request.user).filter(kind="households")[
            :10
        ],
        "may_import": can_import_households(request.user),
        "refusal": refusal,
        "limits": {"size": upload_limits().size // MB, "rows": upload_limits().rows},
    }
    return render(request, "registry/import_start.html", context, status=status)


@login_required
def import_progress(request, batch_id: int):
    """The progress bar of a file checked (or a batch committed) in the background, polled by
    htmx while it is waiting, being checked or being committed; once that has ended the page
    reloads to show the preview."""
    batch = _batch_or_404(request.user, batch_id, kind=None)
    if not batch.is_active and request.GET.get("active"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "registry/_import_progress.html", {"batch": batch})


@login_required
def import_preview(request, batch_id: int):
    batch = _batch_or_404(request.user, batch_id)
    return render(
        request,
        "registry/import_preview.html",
        {"batch": batch, "errors": batch.errors[:500], "duplicates": batch.duplicates[:500]},
    )


@login_required
@require_POST
def import_commit(request, batch_id: int):
    """Merge a staged batch; a large one is merged by the background worker, its preview page
    polling until it is done."""
    batch = _batch_or_404(request.user, batch_id)
    try:
        batch = jobs.request_household_commit(batch=batch, user=request.user)
    except imports.ImportRejected as rejection:
        messages.error(request, str(rejection))
    else:
        if batch.status == ImportStatus.COMMIT_QUEUED:
            messages.info(request, _("The import is being merged in the background."))
        else:
            messages.success(request, _("The import was merged into the registry."))
    return redirect("registry:import-preview", batch_id=batch.pk)


@login_required
def import_error_sheet(request, batch_id: int):
    batch = _batch_or_404(request.user, batch_id)
    out = io.BytesIO()
    imports.write_error_sheet(batch, out)
    record_export(
        actor=request.user,
        name="registry.import_errors",
        filters={"batch": batch.pk},
        rows=len(batch.errors) + len(batch.duplicates),
        masked=False,
    )
    return xlsx_response(out, filename=f"import-{batch.pk}-errors.xlsx")


@login_required
def import_template(request):
    out = io.BytesIO()
    imports.write_household_template(out)
    return xlsx_response(out, filename="reach-households-template.xlsx")
