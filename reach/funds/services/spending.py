"""Paying a pupil from a fund, handing over goods, and reversing a movement.

A spend names its recipient, the pot it comes from (free cash, or the restricted cash of one
restriction, which the recipient must meet) and an idempotency key: the same key again (a
double click, a retried request) returns the spend already recorded and moves nothing more.
Everything happens with the fund locked (`ledger.lock_fund`), so concurrent spends of one fund
never take a balance below zero; every refusal says which balance or which condition stood in
the way."""

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict, under_paths
from reach.common.errors import Conflict, OutOfScope
from reach.funds.choices import AccountKind, TransactionKind
from reach.funds.models import Account, Fund, Restriction, Transaction
from reach.funds.permissions import can_spend_from
from reach.funds.services.ledger import FundError, Line, account_for, lock_fund, post
from reach.funds.services.restrictions import RestrictionNotMet, unmet
from reach.geo.models import is_under
from reach.registry.models import Enrolment, Person


class KeyReused(FundError, Conflict):
    """The idempotency key was used for a different movement."""


class NotReversible(FundError, Conflict):
    """The transaction is a reversal, or already reversed."""


def _recipient(actor: User | None, fund: Fund, person_id: int) -> Person:
    """The pupil, if the actor may see them and they live or study in the fund's area."""
    person = (
        restrict(Person.objects.all(), actor)
        .select_related("household__unit")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise OutOfScope(_("no pupil %(id)s") % {"id": person_id})
    studies_here = Enrolment.objects.filter(
        under_paths("school__unit__path", (fund.unit.path,)), person=person
    ).exists()
    if not (is_under(person.household.unit.path, fund.unit.path) or studies_here):
        raise FundError(_("the pupil neither lives nor studies in the fund's area"))
    return person


def _already(
    key: str, *, fund: Fund, kind: str, recipient: Person, amount: int
) -> Transaction | None:
    """The movement recorded under `key`, if it is this one; KeyReused if it is another."""
    txn = Transaction.objects.filter(idempotency_key=key).first()
    if txn is None:
        return None
    taken = -sum(e.amount for e in txn.entries.all() if e.amount < 0)
    if (txn.fund_id, txn.kind, txn.recipient_id, taken) != (fund.pk, kind, recipient.pk, amount):
        raise KeyReused(_("the key %(key)s was used for another movement") % {"key": key})
    return txn


def _check_restriction(
    restriction: Restriction | None, *, recipient: Person, purpose: str, on: dt.date
) -> None:
    if restriction is None:
        return
    reasons = unmet(restriction, recipient=recipient, purpose=purpose, on=on)
    if reasons:
        raise RestrictionNotMet(
            _("%(pupil)s does not meet the restriction: %(reasons)s")
            % {"pupil": recipient.full_name, "reasons": "; ".join(reasons)}
        )


def _restriction_of(fund: Fund, restriction_id: int | None) -> Restriction | None:
    if restriction_id is None:
        return None
    restriction = (
        fund.restrictions.select_related("unit", "school").filter(pk=restriction_id).first()
    )
    if restriction is None:
        raise FundError(_("no restriction %(id)s in this fund") % {"id": restriction_id})
    return restriction


def _move(
    *,
    actor: User,
    fund: Fund,
    kind: str,
    recipient_id: int,
    amount: int,
    idempotency_key: str,
    occurred_on: dt.date,
    purpose: str,
    restriction_id: int | None,
    accounts: Callable[[Fund, Restriction | None], tuple[Account, Account]],
    reason: str,
    reference_type: str,
    reference_id: int | None,
) -> Transaction:
    require(can_spend_from(actor, fund), _("Your role cannot spend from this fund."))
    key = idempotency_key.strip()
    if not key:
        raise FundError(_("a spend needs an idempotency key"))
    if amount <= 0:
        raise FundError(_("the amount must be more than 0"))
    recipient = _recipient(actor, fund, recipient_id)
    try:
        with transaction.atomic():
            locked = lock_fund(fund.pk)
            done = _already(key, fund=locked, kind=kind, recipient=recipient, amount=amount)
            if done is not None:
                return done
            restriction = _restriction_of(locked, restriction_id)
            _check_restriction(restriction, recipient=recipient, purpose=purpose, on=occurred_on)
            held, outside = accounts(locked, restriction)
            return post(
                fund=locked,
                kind=kind,
                lines=[Line(held, -amount), Line(outside, amount)],
                actor=actor,
                occurred_on=occurred_on,
                recipient=recipient,
                purpose=purpose or (restriction.purpose if restriction else ""),
                idempotency_key=key,
                reason=reason,
                reference_type=reference_type,
                reference_id=reference_id,
            )
    except IntegrityError:  # the same key recorded at the same moment by another request
        done = _already(key, fund=fund, kind=kind, recipient=recipient, amount=amount)
        if done is None:
            raise
        return done


def spend_to_student(
    *,
    actor: User,
    fund: Fund,
    recipient_id: int,
    amount_minor: int,
    idempotency_key: str,
    occurred_on: dt.date,
    purpose: str = "",
    restriction_id: int | None = None,
    reason: str = "",
    reference_type: str = "",
    reference_id: int | None = None,
) -> Transaction:
    """Pay `amount_minor` to a pupil from the fund's free cash, or from the restricted cash of
    `restriction_id` (which the pupil must meet). Raises NotAllowed, OutOfScope (a pupil the
    actor may not see), RestrictionNotMet, InsufficientBalance, KeyReused or FundError."""

    def accounts(locked: Fund, restriction: Restriction | None) -> tuple[Account, Account]:
        kind = AccountKind.RESTRICTED_CASH if restriction else AccountKind.FREE_CASH
        return (
            account_for(locked, kind, restriction=restriction),
            account_for(locked, AccountKind.PAID_OUT),
        )

    return _move(
        actor=actor,
        fund=fund,
        kind=TransactionKind.SPEND,
        recipient_id=recipient_id,
        amount=amount_minor,
        idempotency_key=idempotency_key,
        occurred_on=occurred_on,
        purpose=purpose,
        restriction_id=restriction_id,
        accounts=accounts,
        reason=reason,
        reference_type=reference_type,
        reference_id=reference_id,
    )


def hand_over_items(
    *,
    actor: User,
    fund: Fund,
    recipient_id: int,
    item: str,
    quantity: int,
    idempotency_key: str,
    occurred_on: dt.date,
    purpose: str = "",
    restriction_id: int | None = None,
    reason: str = "",
) -> Transaction:
    """Hand `quantity` of `item` from the fund's stock (free, or of `restriction_id`) to a
    pupil. Raises as `spend_to_student`; InsufficientBalance when the stock is short."""

    def accounts(locked: Fund, restriction: Restriction | None) -> tuple[Account, Account]:
        stock = Account.objects.filter(
            fund=locked, kind=AccountKind.STOCK, restriction=restriction, item=item.strip()
        ).first()
        if stock is None:
            raise FundError(_("the fund holds no %(item)s") % {"item": item})
        return stock, account_for(
            locked, AccountKind.HANDED_OVER, item=stock.item, item_unit=stock.item_unit
        )

    return _move(
        actor=actor,
        fund=fund,
        kind=TransactionKind.HAND_OVER,
        recipient_id=recipient_id,
        amount=quantity,
        idempotency_key=idempotency_key,
        occurred_on=occurred_on,
        purpose=purpose,
        restriction_id=restriction_id,
        accounts=accounts,
        reason=reason,
        reference_type="",
        reference_id=None,
    )


def reverse_transaction(
    *, actor: User, fund: Fund, transaction_id: int, reason: str, occurred_on: dt.date
) -> Transaction:
    """Undo a movement of `fund` by a transaction of the opposite entries (nothing is deleted).
    A reversal is refused when it would take a balance below zero (a gift already spent), for
    a reversal, and for a movement already reversed."""
    require(can_spend_from(actor, fund), _("Your role cannot reverse movements of this fund."))
    if not reason.strip():
        raise FundError(_("a reversal needs a reason"))
    with transaction.atomic():
        locked = lock_fund(fund.pk)
        original = (
            Transaction.objects.select_related("recipient")
            .filter(pk=transaction_id, fund=locked)
            .first()
        )
        if original is None:
            raise OutOfScope(_("no movement %(id)s in this fund") % {"id": transaction_id})
        if original.kind == TransactionKind.REVERSAL:
            raise NotReversible(_("a reversal is not reversed; record the movement again"))
        if Transaction.objects.filter(reverses=original).exists():
            raise NotReversible(_("movement %(id)s is already reversed") % {"id": original.pk})
        lines = [
            Line(entry.account, -entry.amount)
            for entry in original.entries.select_related("account")
        ]
        return post(
            fund=locked,
            kind=TransactionKind.REVERSAL,
            lines=lines,
            actor=actor,
            occurred_on=occurred_on,
            recipient=original.recipient,
            purpose=original.purpose,
            reverses=original,
            reason=reason.strip(),
        )
