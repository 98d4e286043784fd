"""Posting to a fund's ledger, the one path every movement of money or goods takes.

`post` is called inside the caller's transaction with the fund locked (`lock_fund`): on
PostgreSQL the fund's row is taken with SELECT ... FOR UPDATE, on SQLite every transaction
begins IMMEDIATE (the settings' `transaction_mode`), so the write lock is held before any
balance is read. Two spends of one fund therefore run one after the other: the second reads
the balance the first left, and no balance goes below zero.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.services import record_audit_event
from reach.common.errors import Conflict, DomainError
from reach.common.money import format_major
from reach.funds.choices import HELD_KINDS, AccountKind
from reach.funds.models import (
    Account,
    AccountCheckpoint,
    Entry,
    Fund,
    Restriction,
    Transaction,
)
from reach.funds.selectors import lowest_balance_from, with_balances
from reach.registry.models import Person


class FundError(DomainError):
    """A movement the fund refuses; the message says why."""


class InsufficientBalance(FundError, Conflict):
    """The movement would take an account of the fund below zero."""


class UnbalancedTransaction(FundError):
    """The entries of a transaction do not sum to zero (a fault of the caller)."""


@dataclass(frozen=True)
class Line:
    account: Account
    amount: int


def lock_fund(fund_id: int) -> Fund:
    """The fund, its row locked until the end of the caller's transaction."""
    return Fund.objects.select_for_update(of=("self",)).select_related("unit").get(pk=fund_id)


def account_for(
    fund: Fund,
    kind: str,
    *,
    restriction: Restriction | None = None,
    item: str = "",
    item_unit: str = "",
) -> Account:
    """The fund's account of `kind` (for `restriction` and `item`), opened on first use; the
    caller holds the fund's lock, so two movements never open it twice."""
    account, _created = Account.objects.get_or_create(
        fund=fund,
        kind=kind,
        restriction=restriction,
        item=item,
        defaults={"item_unit": item_unit},
    )
    return account


def describe_account(account: Account) -> str:
    label = str(AccountKind(account.kind).label)
    return f"{label} ({account.item})" if account.item else label


def show_amount(amount: int, account: Account, currency: str) -> str:
    if account.item:
        return f"{amount} {account.item_unit}".strip()
    return f"{format_major(amount, currency, lang='en')} {currency}"


def checkpoint_every() -> int:
    """An account gets a new balance checkpoint once this many entries follow its last."""
    return getattr(settings, "REACH_FUNDS_CHECKPOINT_EVERY", 10_000)


def balances(account_ids: list[int]) -> dict[int, tuple[int, int]]:
    """The balance of each account and the number of its entries after its latest
    checkpoint: one statement (`selectors.with_balances`)."""
    rows = with_balances(Account.objects.filter(pk__in=account_ids)).values_list(
        "pk",
        "total",  # type: ignore[misc]  # annotated by with_balances
        "tail_count",
    )
    found = {pk: (int(total), int(tail)) for pk, total, tail in rows}
    return {account_id: found.get(account_id, (0, 0)) for account_id in account_ids}


def take_checkpoint(*, account_id: int, through_entry_id: int) -> AccountCheckpoint:
    """A checkpoint of the account through `through_entry_id`, summed from its entries (the
    caller holds the fund's lock, or no movement runs, as in a benchmark or a repair)."""
    total = Entry.objects.filter(account_id=account_id, id__lte=through_entry_id).aggregate(
        total=Sum("amount")
    )["total"]
    return AccountCheckpoint.objects.create(
        account_id=account_id, through_entry_id=through_entry_id, balance=int(total or 0)
    )


def check_lines(
    fund: Fund, lines: list[Line], occurred_on: dt.date | None = None
) -> dict[int, tuple[int, int]]:
    """Refuse entries that do not sum to zero per commodity, or that would take an account the
    fund holds (free, restricted cash, stock) below zero: now, and on `occurred_on` or any day
    after it (a movement dated in the past may not spend a gift received later). Returns the
    held accounts' balances and entries since their checkpoint, as `balances`."""
    per_item: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.account.fund_id != fund.pk or line.amount == 0:
            raise UnbalancedTransaction(_("an entry of another fund, or of no amount"))
        per_item[line.account.item] += line.amount
    if any(per_item.values()):
        raise UnbalancedTransaction(_("the entries of a transaction must sum to zero"))
    held = {line.account.pk: line.account for line in lines if line.account.kind in HELD_KINDS}
    change: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.account.pk in held:
            change[line.account.pk] += line.amount
    current = balances(list(held))
    for account_id, delta in change.items():
        if delta >= 0:
            continue
        available = current[account_id][0]
        if occurred_on is not None:
            available = lowest_balance_from(account_id, occurred_on, available)
        if available + delta < 0:
            account = held[account_id]
            raise InsufficientBalance(
                _("%(account)s of the fund holds %(balance)s: %(amount)s cannot be taken from it")
                % {
                    "account": describe_account(account),
                    "balance": show_amount(available, account, fund.currency),
                    "amount": show_amount(-delta, account, fund.currency),
                }
            )
    return current


def _checkpoint(lines: list[Line], before: dict[int, tuple[int, int]]) -> None:
    """A new checkpoint for each held account whose entries since its last reach
    `checkpoint_every()`, taken with the fund locked: its balance after these lines, through
    its newest entry."""
    change: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.account.pk in before:
            change[line.account.pk] += line.amount
    for account_id, delta in change.items():
        balance, since = before[account_id]
        if since + 1 < checkpoint_every():
            continue
        through = Entry.objects.filter(account_id=account_id).aggregate(last=Max("id"))["last"]
        AccountCheckpoint.objects.create(
            account_id=account_id, through_entry_id=through, balance=balance + delta
        )


def post(
    *,
    fund: Fund,
    kind: str,
    lines: list[Line],
    actor: User | None,
    occurred_on: dt.date,
    recipient: Person | None = None,
    purpose: str = "",
    idempotency_key: str | None = None,
    reverses: Transaction | None = None,
    reason: str = "",
    reference_type: str = "",
    reference_id: int | None = None,
) -> Transaction:
    """Check and write one transaction of the locked `fund`, and audit it."""
    before = check_lines(fund, lines, occurred_on)
    txn = Transaction.objects.create(
        fund=fund,
        kind=kind,
        occurred_on=occurred_on,
        purpose=purpose,
        recipient=recipient,
        idempotency_key=idempotency_key or None,
        reverses=reverses,
        reason=reason,
        reference_type=reference_type,
        reference_id=reference_id,
        recorded_by=actor if actor is not None and actor.pk else None,
    )
    Entry.objects.bulk_create(
        [Entry(transaction=txn, account=line.account, amount=line.amount) for line in lines]
    )
    _checkpoint(lines, before)
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=txn,
        household_id=recipient.household_id if recipient is not None else None,
        reason=reason,
        after={
            "fund": fund.code,
            "kind": kind,
            "occurred_on": occurred_on.isoformat(),
            "currency": fund.currency,
            "recipient": recipient.pk if recipient is not None else None,
            "purpose": purpose,
            "idempotency_key": idempotency_key,
            "reverses": reverses.pk if reverses is not None else None,
            "reference": f"{reference_type}:{reference_id}" if reference_type else "",
            "entries": [
                {
                    "account": line.account.pk,
                    "kind": line.account.kind,
                    "restriction": line.account.restriction_id,
                    "item": line.account.item,
                    "amount": line.amount,
                }
                for line in lines
            ],
        },
    )
    return txn
