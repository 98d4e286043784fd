"""The ledger's invariants under any sequence of donations, spends, hand-overs and reversals
(hypothesis state machine): every balance is the sum of its entries and equals what a simple
model of the fund expects, no held balance is ever below zero, every transaction sums to zero
per commodity, and restricted money only ever reaches pupils who meet its restriction."""

import datetime as dt
import itertools
from collections import defaultdict

import hypothesis
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from reach.funds.choices import HELD_KINDS, AccountKind, TransactionKind
from reach.funds.models import Account, Entry, Transaction
from reach.funds.selectors import account_balances
from reach.funds.services import (
    DonationInput,
    InsufficientBalance,
    NotReversible,
    RestrictionInput,
    RestrictionNotMet,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.registry.models import Enrolment

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 10, 1)
codes = itertools.count()


def test_any_sequence_of_movements_keeps_the_ledger_sound(world, settings):
    settings.REACH_FUNDS_CHECKPOINT_EVERY = 4  # many checkpoints: they must never change a sum
    office = world.users["district"]
    school_a = world.schools["ward1"]
    pupils = {"A": world.persons["ward1"], "B": world.persons["ward2"]}

    class Ledger(RuleBasedStateMachine):
        movements = Bundle("movements")

        def __init__(self):
            super().__init__()
            self.fund = FundFactory(code=f"PROP{next(codes)}", unit=world.units["d12"])
            self.donor = DonorFactory(unit=world.units["d12"])
            self.expected = defaultdict(int)  # "free", "school A", "rice" -> balance
            self.effects: dict[int, dict[str, int]] = {}  # transaction -> change per pot
            self.reversed: set[int] = set()
            self.keys = itertools.count()

        def _restriction_id(self):
            restriction = self.fund.restrictions.first()
            return restriction.pk if restriction else None

        @rule(target=movements, amount=st.integers(1, 1_000_000), restricted=st.booleans())
        def donate_cash(self, amount, restricted):
            wishes = RestrictionInput(school_id=school_a.pk) if restricted else RestrictionInput()
            donation = record_donation(
                actor=office,
                fund=self.fund,
                gift=DonationInput(
                    kind="receipt",
                    form="cash",
                    received_on=DAY,
                    donor_id=self.donor.pk,
                    amount_minor=amount,
                    wishes=wishes,
                ),
            )
            pot = "school A" if restricted else "free"
            self.expected[pot] += amount
            self.effects[donation.transaction_id] = {pot: amount}
            return donation.transaction_id

        @rule(target=movements, quantity=st.integers(1, 500))
        def donate_rice(self, quantity):
            donation = record_donation(
                actor=office,
                fund=self.fund,
                gift=DonationInput(
                    kind="receipt",
                    form="in_kind",
                    received_on=DAY,
                    anonymous=True,
                    item="rice",
                    quantity=quantity,
                    item_unit="kg",
                ),
            )
            self.expected["rice"] += quantity
            self.effects[donation.transaction_id] = {"rice": quantity}
            return donation.transaction_id

        @rule(
            target=movements,
            amount=st.integers(1, 1_500_000),
            restricted=st.booleans(),
            pupil=st.sampled_from("AB"),
        )
        def spend(self, amount, restricted, pupil):
            restriction_id = self._restriction_id() if restricted else None
            pot = "school A" if restriction_id else "free"
            may = (pot == "free" or pupil == "A") and self.expected[pot] >= amount
            try:
                txn = spend_to_student(
                    actor=office,
                    fund=self.fund,
                    recipient_id=pupils[pupil].pk,
                    amount_minor=amount,
                    idempotency_key=f"{self.fund.code}-{next(self.keys)}",
                    occurred_on=DAY,
                    restriction_id=restriction_id,
                )
            except (InsufficientBalance, RestrictionNotMet):
                assert not may
                return None
            assert may
            self.expected[pot] -= amount
            self.effects[txn.pk] = {pot: -amount}
            return txn.pk

        @rule(target=movements, quantity=st.integers(1, 500))
        def hand_over_rice(self, quantity):
            if not self.expected["rice"] and not self.fund.accounts.filter(item="rice").exists():
                return None
            try:
                txn = hand_over_items(
                    actor=office,
                    fund=self.fund,
                    recipient_id=pupils["B"].pk,
                    item="rice",
                    quantity=quantity,
                    idempotency_key=f"{self.fund.code}-{next(self.keys)}",
                    occurred_on=DAY,
                )
            except InsufficientBalance:
                assert self.expected["rice"] < quantity
                return None
            self.expected["rice"] -= quantity
            self.effects[txn.pk] = {"rice": -quantity}
            return txn.pk

        @rule(movement=movements)
        def reverse(self, movement):
            if movement is None:
                return
            effect = self.effects[movement]
            may = movement not in self.reversed and all(
                self.expected[pot] - change >= 0 for pot, change in effect.items()
            )
            try:
                reverse_transaction(
                    actor=office,
                    fund=self.fund,
                    transaction_id=movement,
                    reason="property test",
                    occurred_on=DAY,
                )
            except (InsufficientBalance, NotReversible):
                assert not may
                return
            assert may
            self.reversed.add(movement)
            for pot, change in effect.items():
                self.expected[pot] -= change

        @invariant()
        def balances_are_the_sums_of_entries_and_match_the_model(self):
            sums = defaultdict(int)
            for account_id, amount in Entry.objects.filter(account__fund=self.fund).values_list(
                "account_id", "amount"
            ):
                sums[account_id] += amount
            found = defaultdict(int)
            for row in account_balances(self.fund):
                assert row.balance == sums[row.account.pk]
                assert row.balance >= 0
                if row.account.kind == AccountKind.FREE_CASH:
                    found["free"] += row.balance
                elif row.account.kind == AccountKind.RESTRICTED_CASH:
                    found["school A"] += row.balance
                else:
                    found["rice"] += row.balance
            assert {k: v for k, v in found.items() if v} == {
                k: v for k, v in self.expected.items() if v
            }

        @invariant()
        def every_transaction_sums_to_zero_per_commodity(self):
            per = defaultdict(int)
            for txn, item, amount in Entry.objects.filter(transaction__fund=self.fund).values_list(
                "transaction_id", "account__item", "amount"
            ):
                per[(txn, item)] += amount
            assert not any(per.values())

        @invariant()
        def restricted_money_only_reaches_pupils_of_school_a(self):
            spends = Transaction.objects.filter(
                fund=self.fund,
                kind=TransactionKind.SPEND,
                entries__account__kind=AccountKind.RESTRICTED_CASH,
            ).values_list("recipient_id", flat=True)
            for recipient in spends:
                assert Enrolment.objects.filter(
                    person_id=recipient, school=school_a, school_year=2024
                ).exists()

    assert set(HELD_KINDS) == {"free_cash", "restricted_cash", "stock"}
    assert Account.objects.count() == 0
    run_state_machine_as_test(
        Ledger,
        settings=hypothesis.settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
