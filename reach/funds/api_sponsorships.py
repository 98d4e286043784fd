"""Sponsorships under /api/v1/funds/sponsorships: the sponsorships a caller sees, one with its
schedule (received from the sponsor and paid to the student per instalment) and its notices,
setting one up in a fund, attaching a sponsor's receipt to an instalment and paying one.

The same services as the pages: permission, one transaction and an audit event per write; a
double click on a payment (same voucher) answers the payment already made."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from reach.common.errors import OutOfScope, found
from reach.common.languages import in_language
from reach.common.schemas import ERRORS, READ_ERRORS
from reach.funds import selectors
from reach.funds import sponsorship_selectors as reads
from reach.funds.models import Sponsorship
from reach.funds.services.sponsorships import attach_receipt, create_sponsorship, pay_instalment

router = Router(tags=["sponsorships"])


class SponsorshipIn(Schema):
    donor: int
    person: int
    amount_minor: int = Field(gt=0)
    rhythm: str = Field(description="monthly, term or year")
    starts_on: dt.date
    ends_on: dt.date
    fallback: str = Field(description="next_candidate, office_proposes or refund")
    note: str = ""


class SponsorshipOut(Schema):
    id: int
    fund: int
    fund_name: str
    currency: str
    donor: int
    donor_name: str
    person: int
    full_name: str
    school: int | None
    amount_minor: int
    rhythm: str
    starts_on: dt.date
    ends_on: dt.date
    fallback: str
    status: str
    note: str


class SponsorInstalmentOut(Schema):
    id: int
    number: int
    due_on: dt.date
    amount_minor: int
    cancelled: bool
    received_minor: int = Field(description="The sponsor's receipts attached to it")
    paid_minor: int = Field(description="Paid to the student")
    voucher: str
    receipts: list[str]


class SponsorNoticeOut(Schema):
    id: int
    kind: str
    language: str
    former_person: int | None
    new_person: int | None
    reason: str
    refund_minor: int | None
    created_at: dt.datetime


class SponsorshipDetail(SponsorshipOut):
    due_minor: int
    received_minor: int
    paid_minor: int
    instalments: list[SponsorInstalmentOut]
    notices: list[SponsorNoticeOut]


class SponsorReceiptIn(Schema):
    donation: int
    instalment: int


class SponsorReceiptOut(Schema):
    id: int
    donation: int
    instalment: int


class InstalmentPaymentIn(Schema):
    instalment: int
    voucher: str
    paid_on: dt.date


class InstalmentPaymentOut(Schema):
    id: int
    instalment: int
    person: int
    transaction: int
    voucher: str
    amount_minor: int
    paid_on: dt.date


def _sponsorship(request, sponsorship_id: int) -> Sponsorship:
    return found(
        reads.get_sponsorship_for_user(request.user, sponsorship_id), _("No such sponsorship")
    )


def _out(sponsorship: Sponsorship, language: str) -> dict:
    return {
        "id": sponsorship.pk,
        "fund": sponsorship.fund_id,
        "fund_name": in_language(sponsorship.fund.names, language),
        "currency": sponsorship.fund.currency,
        "donor": sponsorship.donor_id,
        "donor_name": sponsorship.donor.name,
        "person": sponsorship.person_id,
        "full_name": sponsorship.person.full_name,
        "school": sponsorship.school_id,
        "amount_minor": sponsorship.amount_minor,
        "rhythm": sponsorship.rhythm,
        "starts_on": sponsorship.starts_on,
        "ends_on": sponsorship.ends_on,
        "fallback": sponsorship.fallback,
        "status": sponsorship.status,
        "note": sponsorship.note,
    }


def _detail(sponsorship: Sponsorship, language: str) -> dict:
    rows = reads.instalment_rows(sponsorship)
    return {
        **_out(sponsorship, language),
        "due_minor": sum(r.instalment.amount_minor for r in rows if not r.cancelled),
        "received_minor": sum(r.received_minor for r in rows),
        "paid_minor": sum(r.paid_minor for r in rows),
        "instalments": [
            {
                "id": r.instalment.pk,
                "number": r.instalment.number,
                "due_on": r.instalment.due_on,
                "amount_minor": r.instalment.amount_minor,
                "cancelled": r.cancelled,
                "received_minor": r.received_minor,
                "paid_minor": r.paid_minor,
                "voucher": r.voucher,
                "receipts": r.receipts,
            }
            for r in rows
        ],
        "notices": [
            {
                "id": n.pk,
                "kind": n.kind,
                "language": n.language,
                "former_person": n.former_person_id,
                "new_person": n.new_person_id,
                "reason": n.reason,
                "refund_minor": n.refund_minor,
                "created_at": n.created_at,
            }
            for n in reads.notices_of(sponsorship)
        ],
    }


@router.get("/funds/sponsorships", response={200: list[SponsorshipOut], **READ_ERRORS})
def list_sponsorships(request, limit: int = 200, offset: int = 0):
    """The sponsorships whose student and fund the caller may see, latest start first."""
    language = request.LANGUAGE_CODE
    rows = reads.list_sponsorships_for_user(request.user)
    start = max(offset, 0)
    return [_out(s, language) for s in rows[start : start + max(1, min(limit, 1000))]]


@router.get(
    "/funds/sponsorships/{sponsorship_id}", response={200: SponsorshipDetail, **READ_ERRORS}
)
def get_sponsorship(request, sponsorship_id: int):
    """One sponsorship with its schedule (each instalment: due, received, paid, voucher) and
    the notices written to the donor."""
    return _detail(_sponsorship(request, sponsorship_id), request.LANGUAGE_CODE)


@router.post("/funds/{fund_id}/sponsorships", response={201: SponsorshipDetail, **ERRORS})
def post_sponsorship(request, fund_id: int, payload: SponsorshipIn):
    """Set up a sponsorship of a student by a donor through the fund, with its schedule. 403
    for a role that may not, 404 for a donor or student out of the caller's reach, 422 for an
    unknown rhythm or fallback or an end before the start."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    sponsorship = create_sponsorship(
        actor=request.user,
        fund=fund,
        donor_id=payload.donor,
        person_id=payload.person,
        amount_minor=payload.amount_minor,
        rhythm=payload.rhythm,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        fallback=payload.fallback,
        note=payload.note,
    )
    return 201, _detail(sponsorship, request.LANGUAGE_CODE)


@router.post(
    "/funds/sponsorships/{sponsorship_id}/receipts", response={201: SponsorReceiptOut, **ERRORS}
)
def post_receipt(request, sponsorship_id: int, payload: SponsorReceiptIn):
    """Attach a receipt of the sponsor (a cash donation to the fund) to an instalment, whatever
    its date or amount; 409 when the receipt is attached already."""
    link = attach_receipt(
        actor=request.user,
        sponsorship=_sponsorship(request, sponsorship_id),
        donation_id=payload.donation,
        instalment_id=payload.instalment,
    )
    return 201, {"id": link.pk, "donation": link.donation_id, "instalment": link.instalment_id}


@router.post(
    "/funds/sponsorships/{sponsorship_id}/payments",
    response={201: InstalmentPaymentOut, **ERRORS},
)
def post_payment(request, sponsorship_id: int, payload: InstalmentPaymentIn):
    """Pay an instalment to the student from the fund's free cash, once: the same voucher
    again answers the first payment; 409 for an instalment paid under another voucher, a
    voucher used already or a short balance."""
    sponsorship = _sponsorship(request, sponsorship_id)
    instalment = sponsorship.instalments.filter(pk=payload.instalment).first()
    if instalment is None:
        raise OutOfScope(_("No such instalment"))
    payment = pay_instalment(
        actor=request.user, instalment=instalment, voucher=payload.voucher, paid_on=payload.paid_on
    )
    return 201, {
        "id": payment.pk,
        "instalment": payment.instalment_id,
        "person": payment.person_id,
        "transaction": payment.transaction_id,
        "voucher": payment.voucher,
        "amount_minor": payment.amount_minor,
        "paid_on": payment.paid_on,
    }
