"""Web pages of payments: record one payment, import a payment-result file, payment lists
(xlsx, PDF), reconciliation and coverage (drillable from the scope to each pupil)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.accounts.scoping import restrict
from reach.accounts.services import record_export
from reach.common.downloads import export_filters
from reach.common.errors import DomainError
from reach.common.money import format_major, to_minor
from reach.common.pdf import pdf_response, render_pdf
from reach.common.uploads import UploadRefused, received_file
from reach.common.xlsx import xlsx_response
from reach.entitlements.models import EntitlementLine
from reach.geo.selectors import home_unit_for_user, unit_for_user_or_404
from reach.payments import budget as budgets
from reach.payments import lists, selectors
from reach.payments.choices import Gap
from reach.payments.forms import DisbursementForm
from reach.payments.models import PaymentClaim
from reach.payments.services import PaymentInput, purpose_of, record_disbursement
from reach.payments.services.background import KIND as PAYMENTS
from reach.payments.services.imports import PaymentImportRejected
from reach.payments.services.jobs import request_payment_import
from reach.registry.selectors import (
    default_school_year_for_user,
    get_import_batch_for_user,
    list_units_for_user,
)


def _year_and_unit(request):
    """The school year asked for (else the latest with data in the user's scope) and the unit
    (else the user's own: a county office starts at its county)."""
    text, code = request.GET.get("year", ""), request.GET.get("unit", "")
    year = int(text) if text.isdigit() else default_school_year_for_user(request.user)
    if code:
        return year, unit_for_user_or_404(request.user, code)
    return year, home_unit_for_user(request.user)


@login_required
def payment_new(request):
    """Record one payment against a line in force (`?line=ID`)."""
    text = request.GET.get("line", "")
    lines = restrict(EntitlementLine.objects.all(), request.user)
    line = (
        lines.select_related("person", "benefit", "run", "unit").filter(pk=text).first()
        if text.isdigit()
        else None
    )
    if line is None:
        raise Http404(_("No such entitlement line"))
    claim = PaymentClaim.objects.filter(
        person=line.person_id,
        school_year=line.school_year,
        purpose=purpose_of(line),
        first_month=line.first_month,
    ).first()
    paid = claim.paid_minor if claim else 0
    remaining = max(line.amount_minor - paid, 0)
    form = DisbursementForm(
        request.POST or None,
        initial={"amount": format_major(remaining, line.currency)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        amount = to_minor(str(data["amount"]), line.currency)
        try:
            record_disbursement(
                payment=PaymentInput(
                    line_id=line.pk,
                    amount_minor=amount if amount is not None else -1,
                    method=data["method"],
                    voucher=data["voucher"],
                    paid_on=data["paid_on"],
                    note=data["note"],
                ),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("entitlements:run", run_id=line.run_id)
    context = {"line": line, "form": form, "paid": paid, "remaining": remaining}
    return render(request, "payments/payment_new.html", context, status=400 if form.errors else 200)


@login_required
def payment_import(request):
    errors = []
    status = 200
    try:
        upload = received_file(request) if request.method == "POST" else None
    except UploadRefused as refused:  # skipped as too large while it arrived: nothing kept
        upload, status = None, refused.status
        messages.error(request, str(refused))
    if upload is not None:
        try:
            requested = request_payment_import(
                file=upload, filename=upload.name or "", actor=request.user
            )
        except PaymentImportRejected as rejection:
            errors = rejection.errors
            messages.error(request, str(rejection))
        except UploadRefused as refused:  # too large, not what it says, past a cap: nothing kept
            status = refused.status
            messages.error(request, str(refused))
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if requested.batch is not None:  # a large file: recorded in the background
                return redirect(
                    "payments:payment-import-batch", payment_batch_id=requested.batch.pk
                )
            count = requested.recorded
            recorded = ngettext(
                "%(count)s payment recorded.", "%(count)s payments recorded.", count
            )
            messages.success(request, recorded % {"count": count})
            return redirect("payments:reconciliation")
    return render(
        request,
        "payments/payment_import.html",
        {"errors": errors},
        status=400 if errors else status,
    )


@login_required
def payment_import_batch(request, payment_batch_id: int):
    """A payment-result file recorded in the background: its progress while it is waiting or
    being checked (polled), then how many payments were recorded, or every bad row."""
    batch = get_import_batch_for_user(request.user, payment_batch_id)
    if batch is None or batch.kind != PAYMENTS:
        raise Http404(_("No such import"))
    return render(
        request, "payments/payment_import_batch.html", {"batch": batch, "errors": batch.errors}
    )


@login_required
def reconciliation(request):
    year, unit = _year_and_unit(request)
    gap = request.GET.get("gap", Gap.NOT_PAID)
    if gap not in Gap.values:
        gap = Gap.NOT_PAID
    result = selectors.reconcile(user=request.user, school_year=year, unit=unit)
    rows = selectors.list_gaps(user=request.user, school_year=year, gap=gap, unit=unit)
    context = {
        "year": year,
        "unit": unit,
        "result": result,
        "gaps": [(choice, label, result.counts[choice]) for choice, label in Gap.choices],
        "gap": gap,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "units": _units(request),
    }
    return render(request, "payments/reconciliation.html", context)


@login_required
def coverage(request):
    year, unit = _year_and_unit(request)
    total, children = selectors.coverage(user=request.user, school_year=year, unit=unit)
    pupils = None
    if unit is not None and not children:
        listed = selectors.poor_pupils(user=request.user, school_year=year, unit=unit)
        pupils = Paginator(listed.order_by("served", "full_name"), 50).get_page(
            request.GET.get("page")
        )
    context = {
        "year": year,
        "unit": unit,
        "total": total,
        "children": [row for row in children if row.unit is not None],
        "pupils": pupils,
        "units": _units(request),
    }
    return render(request, "payments/coverage.html", context)


@login_required
def budget(request):
    """Estimate, approved and paid by funding source for the scope and each unit below it;
    `?format=xlsx` downloads it."""
    year, unit = _year_and_unit(request)
    total, children = budgets.budget(user=request.user, school_year=year, unit=unit)
    if request.GET.get("format") == "xlsx":
        out = io.BytesIO()
        rows = budgets.write_budget(out, school_year=year, total=total, children=children)
        name = "-".join(part for part in ("budget", str(year), unit.code if unit else "") if part)
        _record(request, "payments.budget", rows)
        return xlsx_response(out, filename=f"{name}.xlsx")
    context = {
        "year": year,
        "unit": unit,
        "total": total,
        "children": children,
        "units": _units(request),
    }
    return render(request, "payments/budget.html", context)


def _record(request, name: str, rows: int) -> None:
    """Audit a download. Payment lists show national IDs only masked, and no birth date or
    address; the budget shows no person at all."""
    record_export(
        actor=request.user,
        name=name,
        filters=export_filters(request.GET),
        rows=rows,
        masked=True,
    )


def _without_format(request) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def _units(request):
    return list_units_for_user(request.user).exclude(level="village")


@login_required
def payment_list(request):
    """The payment list of a unit or a school the user may see (`?unit=` or `?school=`), for
    a school year and optionally one funding source (`?source=`); `?format=xlsx` or `pdf`
    downloads it."""
    year, unit = _year_and_unit(request)
    code = request.GET.get("school", "")
    school = lists.get_school_for_user(request.user, code) if code else None
    if code and school is None:
        raise Http404(_("No such school"))
    source = request.GET.get("source", "")
    plist = None
    if unit is not None or school is not None:
        plist = lists.payment_list(
            user=request.user, school_year=year, unit=unit, school=school, source=source
        )
    fmt = request.GET.get("format", "")
    if plist is not None and fmt in ("xlsx", "pdf"):
        name = "-".join(
            part for part in ("payment-list", str(year), code or unit.code, source) if part
        )
        context = {"plist": plist, "year": year}
        if fmt == "pdf" and len(plist.rows) <= lists.PDF_MAX_ROWS:
            content = render_pdf("payments/print/payment_list.html", context, request=request)
            _record(request, "payments.list.pdf", len(plist.rows))
            return pdf_response(content, filename=f"{name}.pdf")
        if fmt == "pdf":
            too_long = _(
                "The list has %(rows)s rows: print it per ward or school (at most %(max)s "
                "rows), or download the spreadsheet."
            )
            messages.error(request, too_long % {"rows": len(plist.rows), "max": lists.PDF_MAX_ROWS})
            return redirect(request.path + "?" + _without_format(request))
        out = io.BytesIO()
        rows = lists.write_payment_list(out, plist)
        _record(request, "payments.list.xlsx", rows)
        return xlsx_response(out, filename=f"{name}.xlsx")
    context = {
        "year": year,
        "unit": unit,
        "school": school,
        "source": source,
        "plist": plist,
        "page": Paginator(plist.rows, 100).get_page(request.GET.get("page")) if plist else None,
        "units": _units(request),
        "schools": lists.list_schools_for_user(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "payments/payment_list.html", context)
