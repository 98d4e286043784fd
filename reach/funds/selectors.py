"""Reads of funds. A fund is seen by the members of its unit and the units above it, and by
the staff of the schools in its unit (`restrict` over funds); its donations, restrictions and
ledger follow the fund. A recipient pupil is named only to a user who may see that pupil.

Balances are derived: the sum of an account's entries (read from the covering index on
(account, amount)), never a stored figure."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.funds.choices import HELD_KINDS, AccountKind, DonationKind
from reach.funds.models import Account, Donation, Donor, Entry, Fund, Transaction
from reach.registry.models import Person


def funds_for_user(user: User | None) -> QuerySet[Fund]:
    """The funds `user` may see."""
    return restrict(Fund.objects.all(), user)


def get_fund_for_user(user: User | None, fund_id: int) -> Fund | None:
    return funds_for_user(user).select_related("unit", "organisation").filter(pk=fund_id).first()


def balance_of(account_id: int) -> int:
    """An account's balance: the sum of its entries (0 for none)."""
    total = Entry.objects.filter(account_id=account_id).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def _cash_sum(kind: str) -> Subquery:
    entries = (
        Entry.objects.filter(account__fund=OuterRef("pk"), account__kind=kind)
        .order_by()
        .values("account__fund")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(entries, output_field=IntegerField())


def list_funds_for_user(user: User | None) -> QuerySet[Fund]:
    """The funds `user` may see, each with its free and restricted cash (`free_minor`,
    `restricted_minor`): one statement whatever the number of funds."""
    return (
        funds_for_user(user)
        .select_related("unit", "organisation")
        .annotate(
            free_minor=Coalesce(_cash_sum(AccountKind.FREE_CASH), Value(0)),
            restricted_minor=Coalesce(_cash_sum(AccountKind.RESTRICTED_CASH), Value(0)),
        )
    )


@dataclass(frozen=True)
class AccountBalance:
    account: Account
    balance: int


def account_balances(fund: Fund, *, held_only: bool = True) -> list[AccountBalance]:
    """Every account of `fund` with its balance (the cash and stock it holds when
    `held_only`), one GROUP BY."""
    accounts = Account.objects.filter(fund=fund).select_related(
        "restriction__school", "restriction__unit"
    )
    if held_only:
        accounts = accounts.filter(kind__in=HELD_KINDS)
    accounts = accounts.annotate(total=Coalesce(Sum("entries__amount"), Value(0)))
    return [AccountBalance(account=account, balance=account.total) for account in accounts]


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
                if entry.transaction.recipient_id in visible
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
