"""Recording payments against entitlement lines: one at a time (web UI, API) or a whole
payment-result file, all or nothing. Every payment is audited on the pupil's household.

Only lines in force (of an approved run, not superseded) are paid; a payment is positive, its
voucher number is new, and it never takes the purpose above the line's amount; a pupil is paid
once per benefit purpose and months of a school year, whichever run or policy granted it. Who
may pay a line is `permissions.can_pay`, checked here.

The months are told apart by the line's `first_month` (0: the whole year, or its months from
the start): in a year a benefit hands over to its successor by months in force, the
predecessor's line (September-October 2020, first month 0) and the successor's (November-May,
first month 2) are each paid up to their own amount, while two lines granting the same months
(two policies, two runs) still meet on one claim (`claim_key`). Lines whose months merely
overlap (a whole-year line beside a line from November) have claims of their own, so the
service refuses to pay one while another claim of the purpose covering any of its months is
paid (`overlapping`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event
from reach.common.errors import Conflict, DomainError, OutOfScope
from reach.common.money import format_major
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.payments.choices import DisbursementMethod
from reach.payments.models import Disbursement, PaymentClaim
from reach.payments.permissions import can_pay
from reach.payments.selectors import line_visible
from reach.plans.tasks import request_figure_refresh
from reach.policy.timing import month_days

YEAR_MONTHS = 12  # a line of the whole year pays its months from the first to the twelfth


class PaymentError(DomainError):
    """A payment that cannot be recorded; the message says why."""


class LineNotPayable(PaymentError, Conflict):
    """The line is not in force: still a draft, or superseded by a correction."""


class PaidTwice(PaymentError, Conflict):
    """The pupil's purpose for the year is paid under another line."""


class OverPaid(PaymentError, Conflict):
    """The payment would take the purpose above the line's amount."""


class DuplicateVoucher(PaymentError, Conflict):
    """The voucher number is already recorded."""


class PaymentRaced(PaymentError, Conflict):
    """Another payment was recorded at the same moment; the database kept them apart."""


@dataclass(frozen=True)
class PaymentInput:
    """One payment as read from a form, the API or a row of a payment-result file."""

    line_id: int
    amount_minor: int
    method: str
    voucher: str
    paid_on: dt.date
    note: str = ""


def purpose_of(line: EntitlementLine) -> str:
    return line.benefit.purpose or line.benefit_code


def claim_key(line: EntitlementLine) -> tuple[int, int, str, int]:
    """What a pupil is paid once for: (person, school year, purpose, first month)."""
    return (line.person_id, line.school_year, purpose_of(line), line.first_month)


def months_of(line: EntitlementLine) -> range:
    """The months of the school year a line pays, as offsets from the month it starts in."""
    return range(
        line.first_month, YEAR_MONTHS if line.months is None else line.first_month + line.months
    )


def share_months(line: EntitlementLine, other: EntitlementLine) -> bool:
    """Whether two lines of other first months pay some month of the year both."""
    months, others = months_of(line), months_of(other)
    return line.first_month != other.first_month and (
        others.start < months.stop and months.start < others.stop
    )


def overlapping(line: EntitlementLine, others: Iterable[PaymentClaim]) -> PaymentClaim | None:
    """Of the other claims of the line's pupil, year and purpose, one that pays some of its
    months under a line in force (None: no such claim)."""
    for claim in others:
        if (
            claim.paid_minor > 0
            and claim.line.status == LineStatus.IN_FORCE
            and share_months(line, claim.line)
        ):
            return claim
    return None


def describe_months(line: EntitlementLine) -> str:
    """The months a line pays, by the first: "months from 11/2020"."""
    start = line.benefit.version.school_year_start
    first = month_days(line.school_year, start, line.first_month + 1)[-1]
    return _("months from %(month)s/%(year)s") % {"month": first.month, "year": first.year}


def _money(minor: int, currency: str) -> str:
    return f"{format_major(minor, currency, lang='en')} {currency}"


def check_payment(
    payment: PaymentInput,
    *,
    line: EntitlementLine | None,
    claim: PaymentClaim | None,
    already: int = 0,
    used_vouchers: AbstractSet[str] = frozenset(),
    others: Sequence[PaymentClaim] = (),
) -> list[PaymentError]:
    """Every reason `payment` cannot be recorded (none: it can). `claim` is the claim of the
    line's purpose and months, `already` what earlier payments of the same file add to it,
    `others` the pupil's claims of the purpose in the year for other months."""
    errors: list[PaymentError] = []
    if line is None:
        return [PaymentError(_("no entitlement line %(id)s") % {"id": payment.line_id})]
    if line.status != LineStatus.IN_FORCE:
        errors.append(
            LineNotPayable(
                _(
                    "line %(id)s is not in force (%(status)s): "
                    "only lines of an approved run are paid"
                )
                % {"id": line.pk, "status": line.get_status_display()}
            )
        )
    if payment.amount_minor <= 0:
        errors.append(PaymentError(_("the amount must be more than 0")))
    if payment.method not in DisbursementMethod.values:
        errors.append(
            PaymentError(
                _("unknown method %(method)r; one of %(methods)s")
                % {"method": payment.method, "methods": ", ".join(DisbursementMethod.values)}
            )
        )
    voucher = payment.voucher.strip()
    if not voucher:
        errors.append(PaymentError(_("the voucher number is missing")))
    elif voucher in used_vouchers or Disbursement.objects.filter(voucher=voucher).exists():
        errors.append(
            DuplicateVoucher(_("voucher %(voucher)s is already recorded") % {"voucher": voucher})
        )
    if claim is not None and claim.line_id != line.pk and claim.line.status == LineStatus.IN_FORCE:
        errors.append(_paid_twice(claim))
        return errors
    if (neighbour := overlapping(line, others)) is not None:
        errors.append(_paid_twice(neighbour))
        return errors
    paid = (claim.paid_minor if claim is not None else 0) + already
    if payment.amount_minor > 0 and paid + payment.amount_minor > line.amount_minor:
        errors.append(
            OverPaid(
                _("paying %(amount)s would take the line above its %(due)s (%(paid)s paid)")
                % {
                    "amount": _money(payment.amount_minor, line.currency),
                    "due": _money(line.amount_minor, line.currency),
                    "paid": _money(paid, line.currency),
                }
            )
        )
    return errors


def _paid_twice(claim: PaymentClaim) -> PaidTwice:
    other = claim.line
    return PaidTwice(
        _(
            "this pupil's %(purpose)s of %(year)s (%(months)s) is already paid under "
            "line %(line)s (%(policy)s, run %(run)s)"
        )
        % {
            "purpose": claim.purpose,
            "year": claim.school_year,
            "months": describe_months(other),
            "line": other.pk,
            "policy": other.policy_code,
            "run": other.run_id,
        }
    )


def other_claims(line: EntitlementLine, *, lock: bool = False) -> list[PaymentClaim]:
    """The pupil's claims of the line's purpose in its year for other months."""
    person_id, school_year, purpose, first_month = claim_key(line)
    claims = PaymentClaim.objects.select_related("line")
    if lock:
        claims = claims.select_for_update()
    return list(
        claims.filter(person_id=person_id, school_year=school_year, purpose=purpose).exclude(
            first_month=first_month
        )
    )


def _claim_for(line: EntitlementLine) -> PaymentClaim:
    """The claim of the line's purpose and months, locked; created for `line`, or moved to it
    from a superseded line of the same purpose and months (the correction that replaced it
    keeps what was paid)."""
    person_id, school_year, purpose, first_month = claim_key(line)
    key = {
        "person_id": person_id,
        "school_year": school_year,
        "purpose": purpose,
        "first_month": first_month,
    }
    claims = PaymentClaim.objects.select_for_update().select_related("line")
    claim = claims.filter(**key).first()
    if claim is None:
        try:
            with transaction.atomic():
                claim = PaymentClaim.objects.create(
                    **key, line=line, currency=line.currency, amount_minor=line.amount_minor
                )
        except IntegrityError:  # created meanwhile by another payment: use that one
            claim = claims.get(**key)
    if claim.line_id != line.pk and claim.line.status != LineStatus.IN_FORCE:
        if claim.paid_minor <= line.amount_minor:
            claim.line, claim.amount_minor = line, line.amount_minor
            claim.save(update_fields=["line", "amount_minor"])
    return claim


def apply_payment(
    *, payment: PaymentInput, line: EntitlementLine, actor: User | None
) -> Disbursement:
    """Inside the caller's transaction: lock the purpose's claim, check, pay, audit."""
    claim = _claim_for(line)
    errors = check_payment(payment, line=line, claim=claim, others=other_claims(line, lock=True))
    if errors:
        first = errors[0]
        raise type(first)("; ".join(str(error) for error in errors))
    claim.paid_minor += payment.amount_minor
    claim.save(update_fields=["paid_minor"])
    disbursement = Disbursement.objects.create(
        claim=claim,
        line=line,
        person_id=line.person_id,
        unit_id=line.unit_id,
        school_year=line.school_year,
        purpose=claim.purpose,
        amount_minor=payment.amount_minor,
        currency=line.currency,
        method=payment.method,
        voucher=payment.voucher.strip(),
        paid_on=payment.paid_on,
        note=payment.note,
        recorded_by=actor if actor is not None and actor.pk else None,
    )
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=disbursement,
        household_id=line.household_id,
        after={
            "line": line.pk,
            "purpose": claim.purpose,
            "amount_minor": payment.amount_minor,
            "currency": line.currency,
            "method": payment.method,
            "voucher": disbursement.voucher,
            "paid_on": payment.paid_on.isoformat(),
            "paid_minor": claim.paid_minor,
        },
    )
    return disbursement


def _payable_line(line_id: int) -> EntitlementLine | None:
    return (
        EntitlementLine.objects.select_related("benefit", "unit", "enrolment", "run")
        .filter(pk=line_id)
        .first()
    )


def record_disbursement(*, payment: PaymentInput, actor: User) -> Disbursement:
    """Record one payment; raises OutOfScope (no line the actor may see), NotAllowed,
    LineNotPayable, PaidTwice, OverPaid, DuplicateVoucher, PaymentRaced or PaymentError."""
    line = _payable_line(payment.line_id)
    if line is None or not line_visible(actor, line.pk):
        raise OutOfScope(_("no entitlement line %(id)s") % {"id": payment.line_id})
    require(can_pay(actor, line), _("you may not record payments for this pupil"))
    try:
        with transaction.atomic():
            request_figure_refresh()  # a claim paid in full counts in the tuition figure
            return apply_payment(payment=payment, line=line, actor=actor)
    except IntegrityError as error:  # a constraint caught a race the checks could not see
        raise PaymentRaced(
            _("another payment of this pupil was recorded at the same moment: try again")
        ) from error
