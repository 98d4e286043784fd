"""Payments (record one, import a payment-result file, list), payment lists, reconciliation
(counts, amounts, the lists behind them), coverage and the budget by funding source, scoped by
the caller's units."""

from dataclasses import asdict

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import File, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile

from reach.common.errors import DomainError
from reach.common.schemas import ERRORS, READ_ERRORS, Error, SchoolYear
from reach.common.uploads import UploadRefused
from reach.geo.selectors import unit_for_user_or_404
from reach.payments import budget as budgets
from reach.payments import lists, selectors
from reach.payments.choices import Gap
from reach.payments.schemas import (
    BudgetOut,
    CoverageOut,
    DisbursementIn,
    DisbursementOut,
    GapPage,
    PaymentImportOut,
    PaymentImportRejectedOut,
    PaymentListOut,
    ReconciliationOut,
)
from reach.payments.services import PaymentInput, record_disbursement
from reach.payments.services.imports import PaymentImportRejected
from reach.payments.services.jobs import request_payment_import
from reach.registry.schemas import ImportQueuedOut

router = Router(tags=["payments"])


def _unit(request, code: str):
    return unit_for_user_or_404(request.user, code)


def _payment_out(payment) -> dict:
    return {
        "id": payment.pk,
        "line": payment.line_id,
        "person": payment.person_id,
        "school_year": payment.school_year,
        "purpose": payment.purpose,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "method": payment.method,
        "voucher": payment.voucher,
        "paid_on": payment.paid_on,
        "recorded_by": payment.recorded_by.username if payment.recorded_by_id else None,
    }


@router.post("/disbursements", response={201: DisbursementOut, **ERRORS})
def create_disbursement(request, body: DisbursementIn):
    """Record a payment against a line in force; 404 for a line the caller may not see, 403
    when they may not pay it, 409 when it would pay a line not in force, above its amount, a
    purpose already paid, or a voucher already recorded, 422 for a bad amount or method."""
    payment = record_disbursement(
        payment=PaymentInput(
            line_id=body.line,
            amount_minor=body.amount_minor,
            method=body.method,
            voucher=body.voucher,
            paid_on=body.paid_on,
            note=body.note,
        ),
        actor=request.user,
    )
    return 201, _payment_out(payment)


@router.post(
    "/payment-imports",
    response={
        200: PaymentImportOut,
        202: ImportQueuedOut,
        413: Error,
        **ERRORS,
        422: PaymentImportRejectedOut,
    },
)
def import_payments(request, file: File[UploadedFile]):
    """Record a payment-result file (.xlsx or .csv, one payment per row), all or nothing.
    200: every payment recorded. 202: a large file is recorded in the background; read
    `status_url` until its status is no longer "queued" or "checking" ("committed": its
    `summary` counts the payments; "rejected": its `errors` list every bad row). 413: the file
    is over the size limit. 422: nothing was recorded: every bad row, or why the file was
    refused. 403: the caller's role records no payments."""
    try:
        requested = request_payment_import(file=file, filename=file.name or "", actor=request.user)
    except UploadRefused as refused:
        return refused.status, {"detail": str(refused), "errors": []}
    except PaymentImportRejected as rejection:
        return 422, {"detail": str(rejection), "errors": [asdict(e) for e in rejection.errors]}
    if requested.batch is not None:
        url = reverse("api-v1:get_household_import", kwargs={"batch_id": requested.batch.pk})
        return 202, {"id": requested.batch.pk, "status": requested.batch.status, "status_url": url}
    return {"recorded": requested.recorded}


@router.get("/disbursements", response={200: list[DisbursementOut], **READ_ERRORS})
def list_disbursements(request, year: SchoolYear | None = None, limit: int = 100):
    payments = selectors.list_disbursements_for_user(request.user, school_year=year)
    return [_payment_out(payment) for payment in payments[: max(1, min(limit, 1000))]]


@router.get("/reconciliation", response={200: ReconciliationOut, **READ_ERRORS})
def reconciliation(request, year: SchoolYear, unit: str = ""):
    scope = _unit(request, unit)
    result = selectors.reconcile(user=request.user, school_year=year, unit=scope)
    return {
        "school_year": year,
        "unit": scope.code if scope else None,
        "counts": result.counts,
        "amounts": result.amounts,
        "by_unit": result.by_unit,
    }


@router.get("/reconciliation/{gap}", response={200: GapPage, **READ_ERRORS})
def reconciliation_list(request, gap: str, year: SchoolYear, unit: str = "", page: int = 1):
    if gap not in Gap.values:
        raise HttpError(404, "Unknown gap")
    rows = selectors.list_gaps(
        user=request.user, school_year=year, gap=gap, unit=_unit(request, unit)
    )
    found = Paginator(rows, 100).get_page(page)
    if gap == Gap.NOT_ENTITLED:
        items = [
            {
                "person": claim.person_id,
                "unit": claim.person.household.unit.code,
                "line": None,
                "purpose": claim.purpose,
                "entitled_minor": None,
                "paid_minor": claim.paid_minor,
                "currency": claim.currency,
            }
            for claim in found.object_list
        ]
    else:
        items = [
            {
                "person": line.person_id,
                "unit": line.unit.code,
                "line": line.pk,
                "purpose": line.purpose,
                "entitled_minor": line.amount_minor,
                "paid_minor": line.paid,
                "currency": line.currency,
            }
            for line in found.object_list
        ]
    return {"gap": gap, "count": found.paginator.count, "page": found.number, "items": items}


def _coverage_row(row) -> dict:
    return {
        "unit": row.unit.code if row.unit else None,
        "name": row.unit.name if row.unit else None,
        "pupils": row.pupils,
        "entitled": row.entitled,
        "served": row.served,
        "percent": row.percent,
    }


@router.get("/coverage", response={200: CoverageOut, **READ_ERRORS})
def coverage(request, year: SchoolYear, unit: str = ""):
    """The share of pupils of poor and near-poor households entitled and fully served, for the
    scope and each unit one level below it."""
    total, below = selectors.coverage(
        user=request.user, school_year=year, unit=_unit(request, unit)
    )
    return {
        **_coverage_row(total),
        "school_year": year,
        "target": total.target,
        "below": [_coverage_row(row) for row in below],
    }


def _figures(entry) -> dict:
    return {
        "source": entry.source,
        "currency": entry.currency,
        "estimate_minor": entry.estimate,
        "approved_minor": entry.approved,
        "paid_minor": entry.paid,
    }


def _budget_row(row) -> dict:
    return {
        "unit": row.unit.code if row.unit else None,
        "name": row.unit.name if row.unit else None,
        "sources": [_figures(entry) for entry in row.sources],
        "totals": [_figures(entry) for entry in row.totals()],
    }


@router.get("/budget", response={200: BudgetOut, **READ_ERRORS})
def budget(request, year: SchoolYear, unit: str = ""):
    """Estimate (the latest runs, approved or not), approved (lines in force) and paid, by
    funding source and currency, for the scope and each unit one level below it."""
    total, below = budgets.budget(user=request.user, school_year=year, unit=_unit(request, unit))
    return {
        **_budget_row(total),
        "school_year": year,
        "below": [_budget_row(row) for row in below],
    }


def _list_total(total) -> dict:
    return {
        "policy": total.policy_code,
        "benefit": total.benefit_code,
        "currency": total.currency,
        "lines": total.lines,
        "amount_minor": total.amount,
        "paid_minor": total.paid,
        "remaining_minor": total.remaining,
    }


@router.get("/payment-lists", response={200: PaymentListOut, **READ_ERRORS})
def payment_list(
    request, year: SchoolYear, unit: str = "", school: str = "", source: str = "", page: int = 1
):
    """The payment list of a unit or a school (one of them is required), optionally of one
    funding source: totals, and its rows 500 a page (national IDs masked)."""
    scope = _unit(request, unit)
    place = lists.get_school_for_user(request.user, school) if school else None
    if school and place is None:
        raise HttpError(404, "School not found")
    if scope is None and place is None:
        raise DomainError("Give a unit or a school")
    plist = lists.payment_list(
        user=request.user, school_year=year, unit=scope, school=place, source=source
    )
    found = Paginator(plist.rows, 500).get_page(page)
    items = [
        {
            "number": row.number,
            "line": row.line.pk,
            "person": row.line.person_id,
            "full_name": row.line.person.full_name,
            "national_id_masked": row.masked_id,
            "unit": row.line.unit.code,
            "school": row.line.enrolment.school.code if row.line.enrolment.school_id else None,
            "policy": row.line.policy_code,
            "benefit": row.line.benefit_code,
            "sources": row.sources,
            "currency": row.line.currency,
            "amount_minor": row.amount,
            "paid_minor": row.paid,
            "remaining_minor": row.remaining,
        }
        for row in found.object_list
    ]
    return {
        "school_year": year,
        "unit": scope.code if scope else None,
        "school": place.code if place else None,
        "source": source,
        "sources": plist.sources,
        "totals": [_list_total(total) for total in plist.totals],
        "by_benefit": [_list_total(total) for total in plist.by_benefit],
        "count": found.paginator.count,
        "page": found.number,
        "items": items,
    }
