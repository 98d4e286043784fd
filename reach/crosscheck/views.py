"""Pages of the register cross-checks: upload a school register for a unit and month, its
preview (staged rows or every bad row), the run with its three lists, each list as .xlsx, and
the history of a unit's runs (the ledgers). Services decide who may change what."""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.permissions import may_see_unmasked
from reach.accounts.services import record_export
from reach.common.downloads import export_filters
from reach.common.errors import DomainError
from reach.common.uploads import UploadRefused, received_file
from reach.common.xlsx import xlsx_response
from reach.crosscheck import selectors, services
from reach.crosscheck.choices import FindingKind, RunStatus
from reach.crosscheck.exports import write_list
from reach.crosscheck.permissions import can_crosscheck
from reach.crosscheck.register import RegisterRejected
from reach.geo.selectors import home_unit_for_user, unit_for_user_or_404

PREVIEW_ROWS = 200
PAGE_ROWS = 500


def _titles() -> dict[str, str]:
    return {
        "not_in_register": _("School-age children in no school register"),
        "not_attending": _("On the register but not attending, or the other way round"),
        "poor_dropouts": _("Dropouts of poor or near-poor households"),
        "dropouts": _("Dropouts"),
    }


@login_required
def history(request):
    """The runs of a unit (the user's own by default), with each run's ledger counts, and the
    units under it due to compare this month's register (or `?month=YYYY-MM`'s)."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit")) or home_unit_for_user(
        request.user
    )
    runs = selectors.list_runs_for_user(request.user, unit)[:240]
    try:
        month = dt.date.fromisoformat(f"{request.GET['month']}-01")
    except (KeyError, ValueError):
        month = timezone.localdate().replace(day=1)
    return render(
        request,
        "crosscheck/history.html",
        {
            "unit": unit,
            "runs": runs,
            "may_upload": unit is not None and can_crosscheck(request.user, unit),
            "today": dt.date.today().strftime("%Y-%m"),
            "month": month,
            "due": selectors.list_units_due_for_user(request.user, month, unit),
        },
    )


@login_required
def upload(request):
    """The form (GET) and the staging of an uploaded register (POST): on success the run's
    preview; else every bad row, nothing kept."""
    unit = unit_for_user_or_404(request.user, request.POST.get("unit") or request.GET.get("unit"))
    unit = unit or home_unit_for_user(request.user)
    context: dict[str, object] = {"unit": unit, "errors": [], "month": request.POST.get("month")}
    if request.method == "POST":
        try:
            file = received_file(request)
            if file is None or unit is None:
                raise DomainError(_("Choose a unit and a file."))
            month = dt.date.fromisoformat(f"{request.POST.get('month', '')}-01")
            run = services.stage_register(
                actor=request.user, unit=unit, month=month, file=file, filename=file.name or ""
            )
        except RegisterRejected as rejected:
            context["errors"] = rejected.errors
            messages.error(request, str(rejected))
        except ValueError:
            messages.error(request, _("Give the month as YYYY-MM."))
        except UploadRefused as refused:
            messages.error(request, str(refused))
            return render(request, "crosscheck/upload.html", context, status=refused.status)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            return redirect("crosscheck:run", check_id=run.pk)
        return render(request, "crosscheck/upload.html", context, status=422)
    return render(request, "crosscheck/upload.html", context)


@login_required
def run_detail(request, check_id: int):
    """A staged run's preview, or a compared run's ledgers and lists."""
    run = selectors.get_run_for_user(request.user, check_id)
    context: dict[str, object] = {"run": run, "titles": _titles()}
    if run.status == RunStatus.STAGED:
        context["rows"] = selectors.list_register_rows_for_user(request.user, run)[:PREVIEW_ROWS]
        context["may_compare"] = can_crosscheck(request.user, run.unit)
    else:
        context["lists"] = [
            (
                key,
                _titles()[key],
                selectors.list_findings_for_user(request.user, run, key)[:PAGE_ROWS],
            )
            for key in ("not_in_register", "not_attending", "poor_dropouts")
        ]
        context["unmatched"] = run.rows.filter(unmatched=True)[:PAGE_ROWS]
    context["FindingKind"] = FindingKind
    return render(request, "crosscheck/run.html", context)


@login_required
@require_POST
def compare(request, check_id: int):
    run = selectors.get_run_for_user(request.user, check_id)
    try:
        services.compare_register(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("crosscheck:run", check_id=run.pk)


@login_required
def export_list(request, check_id: int, list_key: str):
    """One list of a run as .xlsx, masked unless the reader may see it unmasked; audited."""
    if list_key not in selectors.LIST_KEYS:
        raise Http404
    run = selectors.get_run_for_user(request.user, check_id)
    findings = selectors.list_findings_for_user(request.user, run, list_key)
    masked = not may_see_unmasked(request.user, run.unit)
    out = io.BytesIO()
    count = write_list(out, run, _titles()[list_key], findings.iterator(), masked=masked)
    record_export(
        actor=request.user,
        name=f"crosscheck.{list_key}",
        filters=export_filters(request.GET, run=run.pk),
        rows=count,
        masked=masked,
    )
    return xlsx_response(out, filename=f"crosscheck-{run.pk}-{list_key}.xlsx")
