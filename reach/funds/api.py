"""Funds under /api/v1/funds: the funds a caller sees with their derived balances, a fund's
accounts, entries and donations, recording a donation, paying a pupil, handing over goods,
reversing a movement, a donation's receipt (PDF) and a donation list (xlsx)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile

from reach.accounts.services import record_export
from reach.common.errors import found
from reach.common.languages import in_language
from reach.common.pdf import PDF, pdf_response
from reach.common.schemas import ERRORS, READ_ERRORS, file_response
from reach.funds import reports, selectors
from reach.funds.models import Donation, Fund, Transaction
from reach.funds.receipts import receipt_filename, render_receipt_pdf
from reach.funds.schemas import (
    DonationIn,
    DonationOut,
    EntryOut,
    FundDetail,
    FundOut,
    FundReportOut,
    HandOverIn,
    ImportResult,
    ReversalIn,
    SpendIn,
    TransactionOut,
)
from reach.funds.services import (
    DonationInput,
    RestrictionInput,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.services.imports import import_donations
from reach.funds.services.restrictions import describe_restriction

router = Router(tags=["funds"])


def _fund_out(fund: Fund, language: str, free: int | None = None, restricted: int | None = None):
    return {
        "id": fund.pk,
        "code": fund.code,
        "name": in_language(fund.names, language),
        "organisation": fund.organisation.name,
        "unit": fund.unit.name,
        "currency": fund.currency,
        "purpose": fund.purpose,
        "free_minor": getattr(fund, "free_minor", free or 0),
        "restricted_minor": getattr(fund, "restricted_minor", restricted or 0),
    }


def donation_out(donation: Donation) -> dict:
    return {
        "id": donation.pk,
        "fund": donation.fund_id,
        "donor": None if donation.anonymous else donation.donor_id,
        "donor_name": None if donation.anonymous or not donation.donor_id else donation.donor.name,
        "anonymous": donation.anonymous,
        "kind": donation.kind,
        "form": donation.form,
        "amount_minor": donation.amount_minor,
        "item": donation.item,
        "quantity": donation.quantity,
        "item_unit": donation.item_unit,
        "restriction": donation.restriction_id,
        "campaign": donation.campaign,
        "receipt_number": donation.receipt_number,
        "received_on": donation.received_on,
        "transaction": donation.transaction_id,
    }


def transaction_out(txn: Transaction) -> dict:
    return {
        "id": txn.pk,
        "fund": txn.fund_id,
        "kind": txn.kind,
        "occurred_on": txn.occurred_on,
        "recipient": txn.recipient_id,
        "idempotency_key": txn.idempotency_key,
        "reverses": txn.reverses_id,
        "entries": [
            {"account": e.account_id, "amount": e.amount} for e in txn.entries.order_by("id")
        ],
    }


@router.get("/funds", response={200: list[FundOut], **READ_ERRORS})
def list_funds(request):
    """The funds the caller sees, each with its free and restricted cash (sums of entries)."""
    language = request.LANGUAGE_CODE
    return [_fund_out(fund, language) for fund in selectors.list_funds_for_user(request.user)]


@router.get("/funds/{fund_id}", response={200: FundDetail, **READ_ERRORS})
def get_fund(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    rows = selectors.account_balances(fund)
    free = sum(r.balance for r in rows if r.account.kind == "free_cash")
    restricted = sum(r.balance for r in rows if r.account.kind == "restricted_cash")
    return {
        **_fund_out(fund, request.LANGUAGE_CODE, free, restricted),
        "accounts": [
            {
                "id": r.account.pk,
                "kind": r.account.kind,
                "restriction": r.account.restriction_id,
                "restriction_text": (
                    describe_restriction(r.account.restriction) if r.account.restriction else ""
                ),
                "item": r.account.item,
                "item_unit": r.account.item_unit,
                "balance": r.balance,
            }
            for r in rows
        ],
        "restrictions": [
            {"id": r.pk, "text": describe_restriction(r)}
            for r in fund.restrictions.select_related("school", "unit")
        ],
    }


@router.get("/funds/{fund_id}/report", response={200: FundReportOut, **READ_ERRORS})
def get_fund_report(
    request,
    fund_id: int,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[assignment]
):
    """The fund's report for a calendar year: raised, spent, refunded, the free and restricted
    cash held on 1 January and 31 December, the breakdowns and the goods (sums of entries)."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    year = year or timezone.localdate().year
    report = reports.fund_report(fund, year)

    def lines(rows: list[reports.Line]) -> list[dict]:
        return [{"key": r.key, "label": r.label, "amount_minor": r.amount} for r in rows]

    return {
        "fund": fund.pk,
        "year": year,
        "currency": fund.currency,
        "raised_minor": report.raised,
        "spent_minor": report.spent,
        "refunded_minor": report.refunded,
        "opening_free_minor": report.opening_free,
        "opening_restricted_minor": report.opening_restricted,
        "closing_free_minor": report.closing_free,
        "closing_restricted_minor": report.closing_restricted,
        "by_donor_kind": lines(report.by_donor_kind),
        "by_campaign": lines(report.by_campaign),
        "by_purpose": lines(report.by_purpose),
        "by_unit": lines(report.by_unit),
        "goods": [vars(g) for g in report.goods],
    }


@router.get("/funds/{fund_id}/entries", response={200: list[EntryOut], **READ_ERRORS})
def list_entries(request, fund_id: int, limit: int = 200):
    """The latest entries of the fund's cash and stock; a pupil the caller may not see is
    not named."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    rows = selectors.fund_entries(fund, request.user, limit=max(1, min(limit, 1000)))
    return [
        {
            "transaction": row.transaction.pk,
            "kind": row.transaction.kind,
            "occurred_on": row.transaction.occurred_on,
            "account": row.entry.account_id,
            "account_kind": row.entry.account.kind,
            "item": row.entry.account.item,
            "amount": row.entry.amount,
            "recipient": row.transaction.recipient_id if row.recipient_name else None,
            "reverses": row.transaction.reverses_id,
            "reason": row.transaction.reason,
        }
        for row in rows
    ]


@router.get("/funds/{fund_id}/donations", response={200: list[DonationOut], **READ_ERRORS})
def list_donations(request, fund_id: int, limit: int = 200):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    return [donation_out(d) for d in selectors.fund_donations(fund, limit=max(1, min(limit, 1000)))]


@router.post("/funds/{fund_id}/donations", response={201: DonationOut, **ERRORS})
def create_donation(request, fund_id: int, body: DonationIn):
    """Record a pledge or a receipt, in cash or in kind, with the donor's wishes; 403 when the
    caller may not record into the fund, 409 for a receipt number already used, 422 for a gift
    that is not complete."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    wishes = body.wishes
    donation = record_donation(
        actor=request.user,
        fund=fund,
        gift=DonationInput(
            kind=body.kind,
            form=body.form,
            received_on=body.received_on,
            donor_id=body.donor,
            anonymous=body.anonymous,
            amount_minor=body.amount_minor,
            item=body.item,
            quantity=body.quantity,
            item_unit=body.item_unit,
            unit_value_minor=body.unit_value_minor,
            wishes=RestrictionInput(
                purpose=wishes.purpose,
                level=wishes.level,
                school_id=wishes.school,
                unit_id=wishes.unit,
                person_id=wishes.person,
                household_id=wishes.household,
            )
            if wishes
            else RestrictionInput(),
            campaign=body.campaign,
            campaign_note=body.campaign_note,
            receipt_number=body.receipt_number,
            note=body.note,
        ),
    )
    return 201, donation_out(donation)


@router.post("/funds/{fund_id}/spends", response={201: TransactionOut, **ERRORS})
def create_spend(request, fund_id: int, body: SpendIn):
    """Pay a pupil from free cash or from a restriction the pupil meets. The same
    idempotency key again answers the spend already recorded. 409 when the balance is short
    or the key was used for another movement, 422 when the pupil does not meet the
    restriction."""
    txn = spend_to_student(
        actor=request.user,
        fund=selectors.fund_for_user_or_404(request.user, fund_id),
        recipient_id=body.recipient,
        amount_minor=body.amount_minor,
        idempotency_key=body.idempotency_key,
        occurred_on=body.occurred_on,
        purpose=body.purpose,
        restriction_id=body.restriction,
        reason=body.reason,
    )
    return 201, transaction_out(txn)


@router.post("/funds/{fund_id}/hand-overs", response={201: TransactionOut, **ERRORS})
def create_hand_over(request, fund_id: int, body: HandOverIn):
    """Hand goods of the fund's stock to a pupil (quantities, never below zero)."""
    txn = hand_over_items(
        actor=request.user,
        fund=selectors.fund_for_user_or_404(request.user, fund_id),
        recipient_id=body.recipient,
        item=body.item,
        quantity=body.quantity,
        idempotency_key=body.idempotency_key,
        occurred_on=body.occurred_on,
        purpose=body.purpose,
        restriction_id=body.restriction,
        reason=body.reason,
    )
    return 201, transaction_out(txn)


@router.post("/funds/{fund_id}/reversals", response={201: TransactionOut, **ERRORS})
def create_reversal(request, fund_id: int, body: ReversalIn):
    """Undo a movement by its opposite entries; 409 for a reversal, a movement already
    reversed, or one whose money or goods are gone."""
    txn = reverse_transaction(
        actor=request.user,
        fund=selectors.fund_for_user_or_404(request.user, fund_id),
        transaction_id=body.transaction,
        reason=body.reason,
        occurred_on=body.occurred_on,
    )
    return 201, transaction_out(txn)


@router.post("/funds/{fund_id}/donation-lists", response={201: ImportResult, **ERRORS})
def upload_donation_list(request, fund_id: int, file: File[UploadedFile]):
    """A donation list (.xlsx or .csv), recorded all or nothing; a receipt number already
    recorded with the same gift is skipped, so sending the list again records nothing twice.
    422 names every bad row."""
    result = import_donations(
        actor=request.user,
        fund=selectors.fund_for_user_or_404(request.user, fund_id),
        file=file,
        filename=file.name or "",
    )
    return 201, {"recorded": result.recorded, "already": result.already}


@router.get(
    "/funds/donations/{donation_id}/receipt/pdf",
    response=READ_ERRORS,
    openapi_extra=file_response(PDF),
)
def get_receipt_pdf(request, donation_id: int):
    """The donation's numbered receipt, in the donor's language."""
    donation = found(
        selectors.get_donation_for_user(request.user, donation_id), _("No such donation")
    )
    content = render_receipt_pdf(donation)
    record_export(
        actor=request.user,
        name="funds.receipt",
        filters={"donation": donation.pk},
        rows=1,
        masked=False,
    )
    return pdf_response(content, filename=receipt_filename(donation))
