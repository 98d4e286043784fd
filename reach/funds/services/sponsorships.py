"""Sponsorships (đỡ đầu / 点对点): a donor sponsors a named student through a fund.

- `create_sponsorship` records who, whom, how much, at which rhythm (monthly, per term, per
  school year), from when to when and the fallback the donor chose; `generate_schedule` writes
  the instalments (idempotent: a due date is written once, a run again adds only the missing).
- `attach_receipt`: a receipt of the sponsor (a `Donation` of the fund) that arrived off
  schedule or for another amount is attached to an instalment by a clerk (audited); more or
  less than the instalment's amount is shown on the pages, never refused.
- `pay_instalment`: the instalment is paid to the student once: a spend of the fund's free
  cash with the key `sponsorship-instalment-<id>` (a double click pays once: the same voucher
  returns the first payment; another voucher for a paid instalment is refused), a voucher
  used once, the amount the instalment's; the ledger refuses to go below zero.
- `apply_fallbacks` (`reach sponsorship_fallbacks`): when the student left school, moved out
  of the fund's area or finished, apply the donor's fallback (the next candidate of the same
  school, the office's proposal, or a refund of what was received and not paid out) and write
  a notice to the donor (a letter PDF in their language). Idempotent: a sponsorship is acted
  on once per student, each notice is keyed by its event.

Entitlement payments (`reach.payments`) are tied to an entitlement line, which an instalment
has not; the same guarantees (once, never over, voucher once, audited) are kept here."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, OutOfScope
from reach.common.schoolyear import school_year_of
from reach.funds.choices import (
    AccountKind,
    DonationForm,
    DonationKind,
    FundPurpose,
    SponsorNoticeKind,
    SponsorshipFallback,
    SponsorshipRhythm,
    SponsorshipStatus,
    TransactionKind,
)
from reach.funds.models import (
    Donation,
    Donor,
    Fund,
    Instalment,
    InstalmentPayment,
    SponsorNotice,
    SponsorReceipt,
    Sponsorship,
)
from reach.funds.permissions import can_sponsor_through
from reach.funds.services.ledger import FundError, Line, account_for, lock_fund, post
from reach.funds.services.spending import _recipient, spend_to_student
from reach.geo.models import is_under
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Enrolment, HouseholdYearStatus, Person

INSTALMENT_REFERENCE = "funds.instalment"
SPONSORSHIP_REFERENCE = "funds.sponsorship"

# The months a term begins in, per country (to confirm: the school calendars of each
# province; Vietnam's second semester begins in January, China's spring term in February or
# March). A school year begins in September in both.
TERM_MONTHS = {"VN": (9, 1), "CN": (9, 3)}
YEAR_MONTH = 9


class AlreadyPaid(FundError, Conflict):
    """The instalment was paid already (under another voucher)."""


class VoucherUsed(FundError, Conflict):
    """The voucher number was used for another payment."""


class AlreadyAttached(FundError, Conflict):
    """The receipt is attached to an instalment already."""


def _first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def schedule_dates(
    *, starts_on: dt.date, ends_on: dt.date, rhythm: str, country: str
) -> list[dt.date]:
    """The due dates: the start, then the first day of each later month (monthly), of each
    term's first month (per term) or of each September (per school year), up to the end."""
    if rhythm not in SponsorshipRhythm.values:
        raise FundError(_("unknown rhythm %(value)r") % {"value": rhythm})
    months = {
        SponsorshipRhythm.MONTHLY: tuple(range(1, 13)),
        SponsorshipRhythm.TERM: TERM_MONTHS.get(country, TERM_MONTHS["VN"]),
        SponsorshipRhythm.YEAR: (YEAR_MONTH,),
    }[SponsorshipRhythm(rhythm)]
    dates = [starts_on]
    day = _first_of_next_month(starts_on)
    while day <= ends_on:
        if day.month in months:
            dates.append(day)
        day = _first_of_next_month(day)
    return dates


def generate_schedule(sponsorship: Sponsorship) -> int:
    """Write the instalments of `sponsorship` that are missing; returns how many were written
    (0 the second time)."""
    country = sponsorship.fund.unit.path.split(".")[0]
    dates = schedule_dates(
        starts_on=sponsorship.starts_on,
        ends_on=sponsorship.ends_on,
        rhythm=sponsorship.rhythm,
        country=country,
    )
    existing = dict(sponsorship.instalments.values_list("due_on", "number"))
    number = max(existing.values(), default=0)
    written = []
    for due_on in dates:
        if due_on in existing:
            continue
        number += 1
        written.append(
            Instalment(
                sponsorship=sponsorship,
                number=number,
                due_on=due_on,
                amount_minor=sponsorship.amount_minor,
            )
        )
    Instalment.objects.bulk_create(written)
    return len(written)


def _school_of(person: Person, on: dt.date) -> int | None:
    return (
        Enrolment.objects.filter(person=person, school_year__lte=school_year_of(on))
        .order_by("-school_year")
        .values_list("school_id", flat=True)
        .first()
    )


def create_sponsorship(
    *,
    actor: User,
    fund: Fund,
    donor_id: int,
    person_id: int,
    amount_minor: int,
    rhythm: str,
    starts_on: dt.date,
    ends_on: dt.date,
    fallback: str,
    note: str = "",
) -> Sponsorship:
    """Record a sponsorship of the student `person_id` by `donor_id` through `fund` and its
    schedule. Raises NotAllowed, OutOfScope (a donor or student the actor may not see) or
    FundError."""
    require(
        can_sponsor_through(actor, fund), _("Your role cannot set up sponsorships in this fund.")
    )
    if amount_minor <= 0:
        raise FundError(_("the amount must be more than 0"))
    if ends_on < starts_on:
        raise FundError(_("a sponsorship ends after it starts"))
    if fallback not in SponsorshipFallback.values:
        raise FundError(_("unknown fallback %(value)r") % {"value": fallback})
    if rhythm not in SponsorshipRhythm.values:
        raise FundError(_("unknown rhythm %(value)r") % {"value": rhythm})
    donor = restrict(Donor.objects.all(), actor).filter(pk=donor_id).first()
    if donor is None:
        raise OutOfScope(_("no donor %(id)s") % {"id": donor_id})
    person = _recipient(actor, fund, person_id)
    with transaction.atomic():
        sponsorship = Sponsorship.objects.create(
            fund=fund,
            donor=donor,
            person=person,
            school_id=_school_of(person, starts_on),
            amount_minor=amount_minor,
            rhythm=rhythm,
            starts_on=starts_on,
            ends_on=ends_on,
            fallback=fallback,
            note=note.strip(),
            created_by=actor if actor.pk else None,
        )
        generate_schedule(sponsorship)
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=sponsorship,
            after=snapshot(sponsorship),
            household_id=person.household_id,
        )
    return sponsorship


def _open_instalment(sponsorship: Sponsorship, instalment_id: int) -> Instalment:
    instalment = sponsorship.instalments.filter(pk=instalment_id).first()
    if instalment is None:
        raise FundError(_("no instalment %(id)s in this sponsorship") % {"id": instalment_id})
    if instalment.cancelled_at is not None:
        raise FundError(_("instalment %(number)s is cancelled") % {"number": instalment.number})
    return instalment


def unattached_receipts(sponsorship: Sponsorship) -> QuerySet[Donation]:
    """The sponsor's cash receipts in the fund that no instalment holds yet."""
    return Donation.objects.filter(
        fund_id=sponsorship.fund_id,
        donor_id=sponsorship.donor_id,
        kind=DonationKind.RECEIPT,
        form=DonationForm.CASH,
        sponsor_receipt__isnull=True,
    ).order_by("received_on", "id")


def attach_receipt(
    *, actor: User, sponsorship: Sponsorship, donation_id: int, instalment_id: int
) -> SponsorReceipt:
    """Attach the sponsor's receipt `donation_id` to the instalment `instalment_id`. Raises
    NotAllowed, AlreadyAttached or FundError (not the sponsor's receipt in this fund)."""
    require(
        can_sponsor_through(actor, sponsorship.fund),
        _("Your role cannot attach receipts in this fund."),
    )
    with transaction.atomic():
        lock_fund(sponsorship.fund_id)
        donation = Donation.objects.filter(pk=donation_id).first()
        if donation is not None and SponsorReceipt.objects.filter(donation=donation).exists():
            raise AlreadyAttached(
                _("receipt %(number)s is attached already") % {"number": donation.receipt_number}
            )
        if donation is None or not unattached_receipts(sponsorship).filter(pk=donation_id).exists():
            raise FundError(
                _("no receipt %(id)s of this sponsor in this fund") % {"id": donation_id}
            )
        instalment = _open_instalment(sponsorship, instalment_id)
        link = SponsorReceipt.objects.create(
            sponsorship=sponsorship,
            instalment=instalment,
            donation=donation,
            attached_by=actor if actor.pk else None,
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=link,
            after={
                **snapshot(link),
                "amount_minor": donation.amount_minor,
                "instalment_amount_minor": instalment.amount_minor,
            },
            household_id=sponsorship.person.household_id,
        )
    return link


def pay_instalment(
    *, actor: User, instalment: Instalment, voucher: str, paid_on: dt.date
) -> InstalmentPayment:
    """Pay `instalment` to the sponsored student from the fund's free cash. The same voucher
    again returns the first payment (a double click); raises AlreadyPaid (paid under another
    voucher), VoucherUsed, InsufficientBalance, NotAllowed, OutOfScope or FundError."""
    sponsorship = instalment.sponsorship
    require(
        can_sponsor_through(actor, sponsorship.fund),
        _("Your role cannot pay sponsorships of this fund."),
    )
    voucher = voucher.strip()
    if not voucher:
        raise FundError(_("a payment needs a voucher number"))

    def already() -> InstalmentPayment | None:
        paid = InstalmentPayment.objects.filter(instalment=instalment).first()
        if paid is None:
            return None
        if paid.voucher != voucher:
            raise AlreadyPaid(
                _("instalment %(number)s is paid already (voucher %(voucher)s)")
                % {"number": instalment.number, "voucher": paid.voucher}
            )
        return paid

    try:
        with transaction.atomic():
            lock_fund(sponsorship.fund_id)
            done = already()
            if done is not None:
                return done
            if sponsorship.status != SponsorshipStatus.ACTIVE:
                raise FundError(_("the sponsorship is not active"))
            fresh = _open_instalment(sponsorship, instalment.pk)
            if InstalmentPayment.objects.filter(voucher=voucher).exists():
                raise VoucherUsed(_("voucher %(voucher)s is used already") % {"voucher": voucher})
            txn = spend_to_student(
                actor=actor,
                fund=sponsorship.fund,
                recipient_id=sponsorship.person_id,
                amount_minor=fresh.amount_minor,
                idempotency_key=f"sponsorship-instalment-{fresh.pk}",
                occurred_on=paid_on,
                purpose=FundPurpose.STUDENT_AID,
                reason=_("sponsorship %(id)s, instalment %(number)s")
                % {"id": sponsorship.pk, "number": fresh.number},
                reference_type=INSTALMENT_REFERENCE,
                reference_id=fresh.pk,
            )
            payment = InstalmentPayment.objects.create(
                instalment=fresh,
                person_id=sponsorship.person_id,
                transaction=txn,
                voucher=voucher,
                amount_minor=fresh.amount_minor,
                paid_on=paid_on,
                recorded_by=actor if actor.pk else None,
            )
            record_audit_event(
                actor=actor,
                action=AuditAction.CREATE,
                obj=payment,
                after=snapshot(payment),
                household_id=sponsorship.person.household_id,
            )
            return payment
    except IntegrityError:  # the same instalment or voucher at the same moment
        done = already()
        if done is None:
            raise VoucherUsed(
                _("voucher %(voucher)s is used already") % {"voucher": voucher}
            ) from None
        return done


# --- fallbacks -------------------------------------------------------------------------------

LEFT, MOVED, FINISHED = "left", "moved", "finished"


def reason_labels() -> dict[str, str]:
    return {
        LEFT: _("left school"),
        MOVED: _("moved away"),
        FINISHED: _("finished school"),
    }


def why_ended(sponsorship: Sponsorship, on: dt.date) -> str | None:
    """Why the sponsored student can no longer be supported on `on` ("left", "moved",
    "finished"), from their latest enrolment recorded up to that school year and their home;
    None while they study (a year not yet recorded changes nothing)."""
    person = sponsorship.person
    latest = (
        Enrolment.objects.filter(person=person, school_year__lte=school_year_of(on))
        .select_related("school__unit")
        .order_by("-school_year")
        .first()
    )
    if latest is not None:
        if latest.status == EnrolmentStatus.GRADUATED:
            return FINISHED
        if latest.status == EnrolmentStatus.DROPPED_OUT:
            return LEFT
        if latest.status == EnrolmentStatus.TRANSFERRED:
            return MOVED
    area = sponsorship.fund.unit.path
    studies_here = (
        latest is not None and latest.school is not None and is_under(latest.school.unit.path, area)
    )
    if not (is_under(person.household.unit.path, area) or studies_here):
        return MOVED
    return None


def next_candidate(actor: User, sponsorship: Sponsorship, on: dt.date) -> Person | None:
    """The next candidate of the sponsorship's school: a pupil enrolled there in the school
    year of `on` whom no active sponsorship supports, of a poor household first, then near
    poor, then any; the lowest number first. None when there is none (or no school)."""
    if sponsorship.school_id is None:
        return None
    year = school_year_of(on)
    status = HouseholdYearStatus.objects.filter(
        household=OuterRef("person__household"), year__lte=year
    ).order_by("-year")
    enrolments = (
        Enrolment.objects.filter(
            school_id=sponsorship.school_id,
            school_year=year,
            status=EnrolmentStatus.ENROLLED,
        )
        .exclude(person_id=sponsorship.person_id)
        .exclude(
            person__sponsorships__status__in=(
                SponsorshipStatus.ACTIVE,
                SponsorshipStatus.AWAITING_PROPOSAL,
            )
        )
        .filter(person__in=restrict(Person.objects.all(), actor).values("pk"))
        .annotate(poverty=Subquery(status.values("status")[:1]))
        .annotate(
            rank=Case(
                When(poverty="poor", then=Value(0)),
                When(poverty="near_poor", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "person_id")
        .select_related("person__household")
    )
    first = enrolments.first()
    return first.person if first is not None else None


def received_minor(sponsorship: Sponsorship) -> int:
    return sum(
        r.donation.amount_minor or 0 for r in sponsorship.receipts.select_related("donation")
    )


def paid_minor(sponsorship: Sponsorship) -> int:
    return sum(
        InstalmentPayment.objects.filter(instalment__sponsorship=sponsorship).values_list(
            "amount_minor", flat=True
        )
    )


def _notify(
    sponsorship: Sponsorship,
    *,
    kind: str,
    key: str,
    former: Person | None = None,
    new: Person | None = None,
    reason: str = "",
    refund_minor: int | None = None,
) -> SponsorNotice:
    notice, _created = SponsorNotice.objects.get_or_create(
        key=key,
        defaults={
            "sponsorship": sponsorship,
            "kind": kind,
            "language": sponsorship.donor.language,
            "former_person": former,
            "new_person": new,
            "reason": reason,
            "refund_minor": refund_minor,
        },
    )
    return notice


def _cancel_open(sponsorship: Sponsorship) -> int:
    return sponsorship.instalments.filter(payment__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )


@dataclass(frozen=True)
class FallbackResult:
    sponsorship_id: int
    reason: str
    outcome: str  # transferred, awaiting_proposal, refunded
    notice_id: int


def apply_fallback(*, actor: User, sponsorship: Sponsorship, on: dt.date) -> FallbackResult | None:
    """Apply the donor's fallback to `sponsorship` if its student left, moved or finished by
    `on`; None when the student still studies or the sponsorship is not active."""
    require(
        can_sponsor_through(actor, sponsorship.fund),
        _("Your role cannot change sponsorships of this fund."),
    )
    with transaction.atomic():
        lock_fund(sponsorship.fund_id)
        current = (
            Sponsorship.objects.select_related("fund__unit", "donor", "person__household__unit")
            .filter(pk=sponsorship.pk)
            .first()
        )
        if current is None or current.status != SponsorshipStatus.ACTIVE:
            return None
        reason = why_ended(current, on)
        if reason is None:
            return None
        former = current.person
        before = snapshot(current)
        outcome = current.fallback
        candidate = None
        if outcome == SponsorshipFallback.NEXT_CANDIDATE:
            candidate = next_candidate(actor, current, on)
            if candidate is None:  # no one to move to: the office proposes
                outcome = SponsorshipFallback.OFFICE_PROPOSES
        key = f"sponsorship-{current.pk}-person-{former.pk}"
        if candidate is not None:
            current.person = candidate
            current.save(update_fields=["person"])
            notice = _notify(
                current,
                kind=SponsorNoticeKind.TRANSFERRED,
                key=key,
                former=former,
                new=candidate,
                reason=reason,
            )
            result = "transferred"
        elif outcome == SponsorshipFallback.OFFICE_PROPOSES:
            current.status = SponsorshipStatus.AWAITING_PROPOSAL
            current.save(update_fields=["status"])
            notice = _notify(
                current,
                kind=SponsorNoticeKind.AWAITING_PROPOSAL,
                key=key,
                former=former,
                reason=reason,
            )
            result = "awaiting_proposal"
        else:
            refund = max(received_minor(current) - paid_minor(current), 0)
            if refund:
                post(
                    fund=current.fund,
                    kind=TransactionKind.REFUND,
                    lines=[
                        Line(account_for(current.fund, AccountKind.FREE_CASH), -refund),
                        Line(account_for(current.fund, AccountKind.REFUNDED), refund),
                    ],
                    actor=actor,
                    occurred_on=on,
                    idempotency_key=f"sponsorship-{current.pk}-refund",
                    reason=_("refund of sponsorship %(id)s") % {"id": current.pk},
                    reference_type=SPONSORSHIP_REFERENCE,
                    reference_id=current.pk,
                )
            _cancel_open(current)
            current.status = SponsorshipStatus.REFUNDED
            current.save(update_fields=["status"])
            notice = _notify(
                current,
                kind=SponsorNoticeKind.REFUNDED,
                key=key,
                former=former,
                reason=reason,
                refund_minor=refund,
            )
            result = "refunded"
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=current,
            before=before,
            after=snapshot(current),
            household_id=former.household_id,
            reason=f"fallback {result}: {reason}",
        )
        return FallbackResult(current.pk, reason, result, notice.pk)


@dataclass
class FallbackRun:
    applied: list[FallbackResult]
    refused: list[tuple[int, str]]  # sponsorship id, why (e.g. the fund cannot refund)


def apply_fallbacks(*, actor: User, on: dt.date) -> FallbackRun:
    """Apply the fallback of every active sponsorship the actor may change whose student left,
    moved or finished by `on` (idempotent: a second run finds nothing to do). A sponsorship
    the ledger refuses (a refund above the fund's free cash) is reported and left active, so
    a later run tries again."""
    run = FallbackRun(applied=[], refused=[])
    for sponsorship in Sponsorship.objects.filter(status=SponsorshipStatus.ACTIVE).select_related(
        "fund__unit", "fund__organisation"
    ):
        if not can_sponsor_through(actor, sponsorship.fund):
            continue
        try:
            done = apply_fallback(actor=actor, sponsorship=sponsorship, on=on)
        except FundError as error:
            run.refused.append((sponsorship.pk, str(error)))
            continue
        if done is not None:
            run.applied.append(done)
    return run


def propose_student(
    *, actor: User, sponsorship: Sponsorship, person_id: int, on: dt.date
) -> Sponsorship:
    """The office's proposal for a sponsorship waiting for one: the student `person_id` (in
    the fund's area, visible to the actor) takes it over; the donor is told."""
    require(
        can_sponsor_through(actor, sponsorship.fund),
        _("Your role cannot change sponsorships of this fund."),
    )
    if sponsorship.status != SponsorshipStatus.AWAITING_PROPOSAL:
        raise FundError(_("the sponsorship is not waiting for a proposal"))
    person = _recipient(actor, sponsorship.fund, person_id)
    with transaction.atomic():
        before = snapshot(sponsorship)
        former = sponsorship.person
        sponsorship.person = person
        sponsorship.school_id = _school_of(person, on)
        sponsorship.status = SponsorshipStatus.ACTIVE
        sponsorship.save(update_fields=["person", "school", "status"])
        _notify(
            sponsorship,
            kind=SponsorNoticeKind.PROPOSED,
            key=f"sponsorship-{sponsorship.pk}-proposed-{person.pk}-after-{former.pk}",
            former=former,
            new=person,
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=sponsorship,
            before=before,
            after=snapshot(sponsorship),
            household_id=person.household_id,
            reason="office proposal",
        )
    return sponsorship
