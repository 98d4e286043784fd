"""Reads of funds. A fund is seen by the members of its unit and the units above it, and by
the staff of the schools in its unit (`restrict` over funds); its donations, restrictions and
ledger follow the fund. A recipient pupil is named only to a user who may see that pupil.

Balances are derived: the sum of an account's entries (read from the covering index on
(account, amount)), never a stored figure."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.errors import found
from reach.funds.choices import HELD_KINDS, AccountKind, DonationKind
from reach.funds.models import (
    Account,
    AccountCheckpoint,
    Donation,
    Donor,
    Entry,
    Fund,
    Transaction,
)
from reach.registry.models import Person


def funds_for_user(user: User | None) -> QuerySet[Fund]:
    """The funds `user` may see."""
    return restrict(Fund.objects.all(), user)


def get_fund_for_user(user: User | None, fund_id: int) -> Fund | None:
    return funds_for_user(user).select_related("unit", "organisation").filter(pk=fund_id).first()


def fund_for_user_or_404(user: User | None, fund_id: int) -> Fund:
    """A fund the user may see, else `OutOfScope` (404, as if it did not exist)."""
    return found(get_fund_for_user(user, fund_id), _("No such fund"))


def lowest_balance_from(account_id: int, day: dt.date, balance: int | None = None) -> int:
    """The lowest balance the account holds on `day` or any later day, by its transactions'
    dates (`balance`: its balance now, when the caller has it): what a movement dated `day` may
    take out without any day after it going below zero. It adds up the entries dated after
    `day`, day by day."""
    now = balance_of(account_id) if balance is None else balance
    later = list(
        Entry.objects.filter(account_id=account_id, transaction__occurred_on__gt=day)
        .values("transaction__occurred_on")
        .annotate(amount=Sum("amount"))
        .order_by("transaction__occurred_on")
        .values_list("amount", flat=True)
    )
    running = lowest = now - sum(later)  # the balance at the end of `day`
    for amount in later:
        running += amount
        lowest = min(lowest, running)
    return lowest


def balance_of(account_id: int) -> int:
    """An account's balance: its latest checkpoint plus the sum of the entries after it (the
    sum of all its entries when it has no checkpoint; 0 for none)."""
    through, balance = (
        AccountCheckpoint.objects.filter(account_id=account_id)
        .order_by("-through_entry_id")
        .values_list("through_entry_id", "balance")
        .first()
    ) or (0, 0)
    tail = Entry.objects.filter(account_id=account_id, id__gt=through).aggregate(
        total=Sum("amount")
    )["total"]
    return int(balance + (tail or 0))


def with_balances(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """`accounts`, each with its balance (`total`) and the number of entries after its latest
    checkpoint (`tail_count`): per account, the checkpoint and the sum of the entries after it
    read from their indexes."""
    latest = AccountCheckpoint.objects.filter(account=OuterRef("pk")).order_by("-through_entry_id")
    tail = Entry.objects.filter(account=OuterRef("pk"), id__gt=OuterRef("through")).order_by()
    return accounts.annotate(
        through=Coalesce(Subquery(latest.values("through_entry_id")[:1]), Value(0)),
        checkpoint=Coalesce(Subquery(latest.values("balance")[:1]), Value(0)),
    ).annotate(
        total=F("checkpoint")
        + Coalesce(
            Subquery(
                tail.values("account").annotate(s=Sum("amount")).values("s"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        tail_count=Coalesce(
            Subquery(
                tail.values("account").annotate(c=Count("id")).values("c"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def list_funds_for_user(user: User | None) -> list[Fund]:
    """The funds `user` may see, each with its free and restricted cash (`free_minor`,
    `restricted_minor`): two statements whatever the number of funds."""
    funds = list(funds_for_user(user).select_related("unit", "organisation"))
    totals: dict[tuple[int, str], int] = {}
    accounts = with_balances(
        Account.objects.filter(
            fund__in=[fund.pk for fund in funds],
            kind__in=(AccountKind.FREE_CASH, AccountKind.RESTRICTED_CASH),
        )
    ).values_list("fund_id", "kind", "total")  # type: ignore[misc]  # annotated above
    for fund_id, kind, total in accounts:
        totals[(fund_id, kind)] = totals.get((fund_id, kind), 0) + total
    for fund in funds:
        fund.free_minor = totals.get((fund.pk, AccountKind.FREE_CASH), 0)  # type: ignore[attr-defined]
        fund.restricted_minor = totals.get(  # type: ignore[attr-defined]
            (fund.pk, AccountKind.RESTRICTED_CASH), 0
        )
    return funds


@dataclass(frozen=True)
class AccountBalance:
    account: Account
    balance: int


def account_balances(fund: Fund, *, held_only: bool = True) -> list[AccountBalance]:
    """Every account of `fund` with its balance (the cash and stock it holds when
    `held_only`), one statement."""
    accounts = Account.objects.filter(fund=fund).select_related(
        "restriction__school", "restriction__unit"
    )
    if held_only:
        accounts = accounts.filter(kind__in=HELD_KINDS)
    return [
        AccountBalance(account=a, balance=a.total)  # type: ignore[attr-defined]  # annotated
        for a in with_balances(accounts)
    ]


def verify_checkpoints(fund: Fund) -> list[AccountCheckpoint]:
    """The checkpoints of `fund` that differ from the sum of their account's entries through
    their entry (none, unless the ledger was tampered with outside Reach)."""
    wrong = []
    for checkpoint in AccountCheckpoint.objects.filter(account__fund=fund):
        total = Entry.objects.filter(
            account_id=checkpoint.account_id, id__lte=checkpoint.through_entry_id
        ).aggregate(total=Sum("amount"))["total"]
        if int(total or 0) != checkpoint.balance:
            wrong.append(checkpoint)
    return wrong


@dataclass(frozen=True)
class EntryRow:
    transaction: Transaction
    entry: Entry
    recipient_name: str | None  # None: no recipient, or one the user may not see


def fund_entries(fund: Fund, user: User | None, *, limit: int = 200) -> list[EntryRow]:
    """The latest entries of `fund`'s held accounts, newest first, each with its transaction;
    a recipient is named only when `user` may see them."""
    entries = list(
        Entry.objects.filter(account__fund=fund, account__kind__in=HELD_KINDS)
        .select_related("transaction__recipient", "account__restriction")
        .order_by("-transaction__occurred_on", "-transaction_id", "-id")[:limit]
    )
    recipients = {e.transaction.recipient_id for e in entries if e.transaction.recipient_id}
    visible = set(
        restrict(Person.objects.filter(pk__in=recipients), user).values_list("pk", flat=True)
    )
    return [
        EntryRow(
            transaction=entry.transaction,
            entry=entry,
            recipient_name=(
                entry.transaction.recipient.full_name
                if entry.transaction.recipient is not None
                and entry.transaction.recipient_id in visible
                else None
            ),
        )
        for entry in entries
    ]


def donations_for_user(user: User | None) -> QuerySet[Donation]:
    return restrict(Donation.objects.all(), user)


def get_donation_for_user(user: User | None, donation_id: int) -> Donation | None:
    return (
        donations_for_user(user)
        .select_related("fund__unit", "fund__organisation", "donor", "restriction")
        .filter(pk=donation_id)
        .first()
    )


def fund_donations(fund: Fund, *, limit: int = 200) -> QuerySet[Donation]:
    return fund.donations.select_related("donor", "restriction").order_by("-received_on", "-id")[
        :limit
    ]


def fund_donors(fund: Fund) -> QuerySet[Donor]:
    """The named donors of `fund`, each with the cash its receipts brought (`given_minor`) and
    its number of gifts (`gifts`); anonymous gifts are counted under no donor."""
    return (
        Donor.objects.filter(donations__fund=fund, donations__anonymous=False)
        .annotate(
            given_minor=Coalesce(
                Sum("donations__amount_minor", filter=Q(donations__kind=DonationKind.RECEIPT)),
                Value(0),
            ),
            gifts=Count("donations"),
        )
        .order_by("name")
    )


def donors_for_user(user: User | None) -> QuerySet[Donor]:
    return restrict(Donor.objects.all(), user)
