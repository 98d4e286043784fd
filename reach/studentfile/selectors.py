"""A student's file (one student, one file): per school year, the enrolments and one timeline
of what happened to the student's entitlements: computed, approved or returned, published in a
public notice, paid, objected to and resolved. Reads pass through the scoping of `accounts`.

It reads entitlements, payments and funds, so it sits above them: none imports it.

Beside the policy entitlements, the file lists all the support a student received
(`support_for_user`): what the state budget paid (disbursements of entitlement lines), and
every spend and hand-over of a fund's ledger to the student (scholarships, sponsorship
instalments, in-kind items), with a total per school year and per source (the state budget,
each fund, each sponsor). It reads the ledger's transactions, not the records that caused them,
so another kind of award that pays through `funds.services.spending` appears without change; a
reversed movement does not count."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reach.accounts.models import AuditEvent, User
from reach.accounts.scoping import restrict
from reach.common.errors import OutOfScope
from reach.common.languages import in_language
from reach.common.money import format_major
from reach.common.schoolyear import school_year_of
from reach.entitlements.choices import ObjectionStatus, RunStage
from reach.entitlements.models import EntitlementLine
from reach.entitlements.notice import benefit_name
from reach.entitlements.selectors import list_entitlements_for_user, list_objections_for_user
from reach.funds.choices import AccountKind, TransactionKind
from reach.funds.models import Fund, InstalmentPayment, Transaction
from reach.payments.models import Disbursement
from reach.registry.models import Person
from reach.registry.selectors import get_person_for_user, list_enrolments_for_user

ENTITLEMENT, APPROVAL, NOTICE, PAYMENT, OBJECTION = (
    "entitlement",
    "approval",
    "notice",
    "payment",
    "objection",
)


def kind_labels() -> dict[str, str]:
    return {
        ENTITLEMENT: _("Entitlement"),
        APPROVAL: _("Approval"),
        NOTICE: _("Public notice"),
        PAYMENT: _("Payment"),
        OBJECTION: _("Objection"),
    }


@dataclass(frozen=True)
class FileEvent:
    at: dt.datetime
    kind: str  # entitlement, approval, notice, payment, objection
    text: str
    run_id: int | None = None

    @property
    def label(self) -> str:
        return kind_labels()[self.kind]


STATE, FUND, SPONSOR = "state", "fund", "sponsor"


@dataclass(frozen=True)
class SupportLine:
    """One support the student received: money (`amount_minor` of `currency`) or goods
    (`quantity` of `item` in `item_unit`), from a source."""

    on: dt.date
    source_kind: str  # state, fund, sponsor
    source: str  # "State budget", the fund's name, "<donor> (through <fund>)"
    what: str
    currency: str = ""
    amount_minor: int | None = None
    item: str = ""
    quantity: int | None = None
    item_unit: str = ""

    @property
    def shown(self) -> str:
        if self.amount_minor is not None:
            return _money(self.amount_minor, self.currency)
        return f"{self.quantity} {self.item_unit} {self.item}".strip()


@dataclass(frozen=True)
class SupportTotal:
    source_kind: str
    source: str
    shown: str  # "1.500.000 VND", or "3 chiếc xe đạp"


def support_totals(lines: Iterable[SupportLine]) -> list[SupportTotal]:
    """The lines summed per source and currency (money) or item (goods): state first, then
    the funds, then the sponsors."""
    money: dict[tuple[str, str, str], int] = defaultdict(int)
    goods: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for line in lines:
        if line.amount_minor is not None:
            money[(line.source_kind, line.source, line.currency)] += line.amount_minor
        else:
            goods[(line.source_kind, line.source, line.item, line.item_unit)] += line.quantity or 0
    order = {STATE: 0, FUND: 1, SPONSOR: 2}
    totals = [
        (order[kind], source, SupportTotal(kind, source, _money(amount, currency)))
        for (kind, source, currency), amount in money.items()
    ] + [
        (order[kind], source, SupportTotal(kind, source, f"{quantity} {unit} {item}".strip()))
        for (kind, source, item, unit), quantity in goods.items()
    ]
    return [total for _o, _s, total in sorted(totals, key=lambda t: (t[0], t[1], t[2].shown))]


@dataclass
class FileYear:
    year: int
    enrolments: list = field(default_factory=list)
    events: list[FileEvent] = field(default_factory=list)
    support: list[SupportLine] = field(default_factory=list)

    @property
    def support_totals(self) -> list[SupportTotal]:
        return support_totals(self.support)


def _money(minor: int, currency: str) -> str:
    return f"{format_major(minor, currency, lang=get_language())} {currency}"


def _day(value: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(value, dt.time()))


def _line_events(lines: Iterable[EntitlementLine]) -> list[tuple[int, FileEvent]]:
    return [
        (
            line.school_year,
            FileEvent(
                at=line.run.finished_at or line.run.created_at,
                kind=ENTITLEMENT,
                text=_("%(benefit)s: %(amount)s (run %(run)s, %(status)s)")
                % {
                    "benefit": benefit_name(line),
                    "amount": _money(line.amount_minor, line.currency),
                    "run": line.run_id,
                    "status": line.get_status_display(),
                },
                run_id=line.run_id,
            ),
        )
        for line in lines
    ]


def _stage_text(event: AuditEvent, run_id: str) -> tuple[str, str] | None:
    after = event.after or {}
    stage, user = after.get("stage"), event.actor_name
    values = {"run": run_id, "user": user, "reason": event.reason}
    if stage == RunStage.SUBMITTED:
        return APPROVAL, _("Run %(run)s submitted for approval by %(user)s") % values
    if stage == RunStage.APPROVED:
        return APPROVAL, _("Run %(run)s approved by %(user)s") % values
    if stage == RunStage.RETURNED:
        return APPROVAL, _("Run %(run)s returned by %(user)s: %(reason)s") % values
    if stage == RunStage.PUBLISHED:
        day = after.get("objections_until") or "—"
        return NOTICE, _(
            "Run %(run)s published in a public notice by %(user)s; objections until %(day)s"
        ) % {**values, "day": day}
    if stage == RunStage.CLOSED:
        return NOTICE, _("Run %(run)s closed by %(user)s") % values
    return None


def _run_events(runs: dict[int, int]) -> list[tuple[int, FileEvent]]:
    """The approval and notice steps of the runs (id -> school year), from their audit."""
    events = AuditEvent.objects.filter(
        object_type="entitlements.entitlementrun",
        object_id__in=[str(pk) for pk in runs],
        action="update",
    ).order_by("at", "id")
    found = []
    for event in events:
        described = _stage_text(event, event.object_id)
        if described is not None:
            kind, text = described
            run_id = int(event.object_id)
            found.append((runs[run_id], FileEvent(event.at, kind, text, run_id=run_id)))
    return found


def _payment_events(user: User, person: Person) -> list[tuple[int, FileEvent]]:
    payments = restrict(Disbursement.objects.filter(person=person), user).select_related("line")
    return [
        (
            payment.school_year,
            FileEvent(
                at=_day(payment.paid_on),
                kind=PAYMENT,
                text=_("Paid %(amount)s for %(purpose)s (%(method)s, voucher %(voucher)s)")
                % {
                    "amount": _money(payment.amount_minor, payment.currency),
                    "purpose": payment.purpose,
                    "method": payment.get_method_display(),
                    "voucher": payment.voucher,
                },
                run_id=payment.line.run_id,
            ),
        )
        for payment in payments
    ]


def _objection_events(user: User, person: Person) -> list[tuple[int, FileEvent]]:
    found = []
    for objection in list_objections_for_user(user, person=person):
        year = objection.line.school_year
        values = {
            "id": objection.pk,
            "who": objection.raised_by,
            "reason": objection.reason,
            "line": objection.line_id,
            "user": objection.resolved_by.username if objection.resolved_by else "",
            "resolution": objection.resolution,
            "run": objection.correction_id,
        }
        found.append(
            (
                year,
                FileEvent(
                    objection.recorded_at,
                    OBJECTION,
                    _("Objection %(id)s to line %(line)s raised by %(who)s: %(reason)s") % values,
                    run_id=objection.line.run_id,
                ),
            )
        )
        if objection.status == ObjectionStatus.UPHELD:
            text = _("Objection %(id)s upheld by %(user)s: %(resolution)s (correction run %(run)s)")
        elif objection.status == ObjectionStatus.DISMISSED:
            text = _("Objection %(id)s dismissed by %(user)s: %(resolution)s")
        else:
            continue
        found.append(
            (
                year,
                FileEvent(
                    objection.resolved_at or objection.recorded_at,
                    OBJECTION,
                    text % values,
                    run_id=objection.correction_id,
                ),
            )
        )
    return found


def _fund_name(fund: Fund) -> str:
    return in_language(fund.names, get_language())


def support_for_user(user: User, person: Person) -> list[tuple[int, SupportLine]]:
    """Every support `person` received, each with its school year: the state budget's
    payments the user may see, and the funds' spends and hand-overs to them not reversed."""
    found = [
        (
            payment.school_year,
            SupportLine(
                on=payment.paid_on,
                source_kind=STATE,
                source=_("State budget"),
                what=payment.purpose,
                currency=payment.currency,
                amount_minor=payment.amount_minor,
            ),
        )
        for payment in restrict(Disbursement.objects.filter(person=person), user)
    ]
    moves = list(
        Transaction.objects.filter(
            recipient=person,
            kind__in=(TransactionKind.SPEND, TransactionKind.HAND_OVER),
            reversal__isnull=True,
        )
        .select_related("fund")
        .prefetch_related("entries__account")
        .order_by("occurred_on", "id")
    )
    sponsors = {
        payment.transaction_id: payment.instalment.sponsorship.donor.name
        for payment in InstalmentPayment.objects.filter(
            transaction__in=[m.pk for m in moves]
        ).select_related("instalment__sponsorship__donor")
    }
    for move in moves:
        fund = _fund_name(move.fund)
        outside = [
            entry
            for entry in move.entries.all()
            if entry.account.kind in (AccountKind.PAID_OUT, AccountKind.HANDED_OVER)
        ]
        if not outside:
            continue
        entry = outside[0]
        donor = sponsors.get(move.pk)
        kind, source = (
            (SPONSOR, _("%(donor)s (through %(fund)s)") % {"donor": donor, "fund": fund})
            if donor
            else (FUND, fund)
        )
        what = move.get_purpose_display() if move.purpose else move.get_kind_display()
        if donor:
            what = _("Sponsorship instalment")
        if entry.account.kind == AccountKind.PAID_OUT:
            line = SupportLine(
                move.occurred_on, kind, source, what, move.fund.currency, entry.amount
            )
        else:
            line = SupportLine(
                move.occurred_on,
                kind,
                source,
                what,
                item=entry.account.item,
                quantity=entry.amount,
                item_unit=entry.account.item_unit,
            )
        found.append((school_year_of(move.occurred_on), line))
    return found


def person_for_user_or_404(user: User, person_id: int) -> Person:
    """The person whose file is asked for, if `user` may see them; else `OutOfScope` (404)."""
    person = get_person_for_user(user, person_id)
    if person is None:
        raise OutOfScope(_("No such person"))
    return person


def student_file_for_user(user: User, person: Person) -> list[FileYear]:
    """The person's file as `user` may see it: school years newest first, each with its
    enrolments and its events in the order they happened."""
    lines = list(list_entitlements_for_user(user, person))
    runs = {line.run_id: line.run.school_year for line in lines}
    tagged = [
        *_line_events(lines),
        *_run_events(runs),
        *_payment_events(user, person),
        *_objection_events(user, person),
    ]
    years: dict[int, FileYear] = {}
    for enrolment in list_enrolments_for_user(user, [person]).select_related("school"):
        years.setdefault(enrolment.school_year, FileYear(enrolment.school_year))
        years[enrolment.school_year].enrolments.append(enrolment)
    for year, event in tagged:
        years.setdefault(year, FileYear(year)).events.append(event)
    for year, support in support_for_user(user, person):
        years.setdefault(year, FileYear(year)).support.append(support)
    for file_year in years.values():
        file_year.events.sort(key=lambda event: event.at)
    return [years[year] for year in sorted(years, reverse=True)]
