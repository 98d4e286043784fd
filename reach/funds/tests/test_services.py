"""The ledger's rules as the services keep them: balances are sums of entries, never below
zero, restricted money only for pupils who meet the restriction, a spend recorded once per
idempotency key, nothing deleted (reversals only), every movement audited."""

import datetime as dt

import pytest

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed, OutOfScope
from reach.funds.choices import AccountKind
from reach.funds.models import Account, Entry, LedgerIsAppendOnly, Transaction
from reach.funds.selectors import account_balances, balance_of, verify_checkpoints
from reach.funds.services import (
    DonationInput,
    DuplicateReceipt,
    InsufficientBalance,
    KeyReused,
    NotReversible,
    RestrictionInput,
    RestrictionNotMet,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.tests.factories import DonorFactory, FundFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 10, 1)  # school year 2024


@pytest.fixture
def ward_fund(world):
    return FundFactory(code="KH-26734", unit=world.units["ward1"])


@pytest.fixture
def district_fund(world):
    return FundFactory(code="KH-761", unit=world.units["d12"])


def give(fund, actor, amount, *, wishes=None, number="", donor=None):
    wishes = wishes or RestrictionInput()
    donor = donor or DonorFactory(unit=fund.unit)
    return record_donation(
        actor=actor,
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=DAY,
            donor_id=donor.pk,
            amount_minor=amount,
            wishes=wishes,
            receipt_number=number,
        ),
    )


def free_cash(fund) -> int:
    account = Account.objects.filter(fund=fund, kind=AccountKind.FREE_CASH).first()
    return balance_of(account.pk) if account else 0


def test_a_gift_of_500000_dong_puts_500000_in_free_cash_and_the_entries_sum_to_zero(
    world, ward_fund
):
    donation = give(ward_fund, world.users["ward01"], 500_000)
    assert free_cash(ward_fund) == 500_000
    amounts = sorted(donation.transaction.entries.values_list("amount", flat=True))
    assert amounts == [-500_000, 500_000]
    assert donation.receipt_number == "2024-00001"


def test_paying_300000_of_500000_leaves_200000_and_paying_300000_more_is_refused(world, ward_fund):
    officer = world.users["ward01"]
    give(ward_fund, officer, 500_000)
    pupil = world.persons["ward1"]
    spend_to_student(
        actor=officer,
        fund=ward_fund,
        recipient_id=pupil.pk,
        amount_minor=300_000,
        idempotency_key="k1",
        occurred_on=DAY,
    )
    assert free_cash(ward_fund) == 200_000
    with pytest.raises(InsufficientBalance, match="holds 200,000 VND: 300,000 VND cannot"):
        spend_to_student(
            actor=officer,
            fund=ward_fund,
            recipient_id=pupil.pk,
            amount_minor=300_000,
            idempotency_key="k2",
            occurred_on=DAY,
        )
    assert free_cash(ward_fund) == 200_000


def test_a_spend_dated_before_a_gift_cannot_spend_it_nor_take_a_later_day_below_zero(
    world, ward_fund
):
    """Regression: the balance was checked as it stands now only, so a payment dated last
    year could spend a gift received this year and leave last year's books negative."""
    import datetime as dt

    officer, pupil = world.users["ward01"], world.persons["ward1"]
    give(ward_fund, officer, 500_000)  # received on DAY

    def pay(amount, on, key):
        return spend_to_student(
            actor=officer, fund=ward_fund, recipient_id=pupil.pk, amount_minor=amount,
            idempotency_key=key, occurred_on=on,
        )  # fmt: skip

    with pytest.raises(InsufficientBalance, match="holds 0 VND"):
        pay(100_000, DAY - dt.timedelta(days=1), "before the gift")
    pay(300_000, DAY + dt.timedelta(days=10), "later")
    # 500,000 on DAY: paying 300,000 on DAY + 5 would leave -100,000 after DAY + 10
    with pytest.raises(InsufficientBalance, match="holds 200,000 VND"):
        pay(300_000, DAY + dt.timedelta(days=5), "in between")
    pay(200_000, DAY + dt.timedelta(days=5), "in between, covered")
    assert free_cash(ward_fund) == 0


def test_a_gift_restricted_to_school_a_cannot_pay_a_pupil_of_school_b(world, district_fund):
    office = world.users["district"]
    school_a = world.schools["ward1"]
    give(district_fund, office, 1_000_000, wishes=RestrictionInput(school_id=school_a.pk))
    restriction = district_fund.restrictions.get()
    with pytest.raises(RestrictionNotMet, match="Pupil ward2 does not meet the restriction"):
        spend_to_student(
            actor=office,
            fund=district_fund,
            recipient_id=world.persons["ward2"].pk,  # at the school of ward 2
            amount_minor=400_000,
            idempotency_key="b",
            occurred_on=DAY,
            restriction_id=restriction.pk,
        )
    spend_to_student(
        actor=office,
        fund=district_fund,
        recipient_id=world.persons["ward1"].pk,  # at school A
        amount_minor=400_000,
        idempotency_key="a",
        occurred_on=DAY,
        restriction_id=restriction.pk,
    )
    (held,) = [b for b in account_balances(district_fund) if b.account.restriction_id]
    assert held.balance == 1_000_000 - 400_000


def test_a_gift_restricted_to_bicycles_cannot_pay_for_books(world, ward_fund):
    officer = world.users["ward01"]
    give(ward_fund, officer, 2_000_000, wishes=RestrictionInput(purpose="bicycles"))
    restriction = ward_fund.restrictions.get()
    with pytest.raises(RestrictionNotMet, match="for Bicycles only"):
        spend_to_student(
            actor=officer,
            fund=ward_fund,
            recipient_id=world.persons["ward1"].pk,
            amount_minor=100_000,
            idempotency_key="books",
            occurred_on=DAY,
            purpose="school_supplies",
            restriction_id=restriction.pk,
        )


def test_restricted_money_does_not_pay_from_free_cash_nor_free_money_from_the_restriction(
    world, ward_fund
):
    officer = world.users["ward01"]
    give(ward_fund, officer, 1_000_000, wishes=RestrictionInput(purpose="bicycles"))
    with pytest.raises(InsufficientBalance, match="Free cash"):
        spend_to_student(
            actor=officer,
            fund=ward_fund,
            recipient_id=world.persons["ward1"].pk,
            amount_minor=1,
            idempotency_key="free",
            occurred_on=DAY,
        )


def test_a_double_click_spends_once(world, ward_fund):
    officer = world.users["ward01"]
    give(ward_fund, officer, 500_000)
    spend = {
        "actor": officer,
        "fund": ward_fund,
        "recipient_id": world.persons["ward1"].pk,
        "amount_minor": 200_000,
        "idempotency_key": "click-1",
        "occurred_on": DAY,
    }
    first = spend_to_student(**spend)
    second = spend_to_student(**spend)
    assert first.pk == second.pk
    assert free_cash(ward_fund) == 500_000 - 200_000
    with pytest.raises(KeyReused):
        spend_to_student(**{**spend, "amount_minor": 100_000})


def test_reversing_a_spend_of_200000_gives_it_back_once(world, ward_fund):
    officer = world.users["ward01"]
    give(ward_fund, officer, 500_000)
    spend = spend_to_student(
        actor=officer,
        fund=ward_fund,
        recipient_id=world.persons["ward1"].pk,
        amount_minor=200_000,
        idempotency_key="r",
        occurred_on=DAY,
    )
    reversal = reverse_transaction(
        actor=officer,
        fund=ward_fund,
        transaction_id=spend.pk,
        reason="wrong pupil",
        occurred_on=DAY,
    )
    assert reversal.reverses_id == spend.pk
    assert free_cash(ward_fund) == 500_000
    with pytest.raises(NotReversible):
        reverse_transaction(
            actor=officer, fund=ward_fund, transaction_id=spend.pk, reason="again", occurred_on=DAY
        )
    with pytest.raises(NotReversible):
        reverse_transaction(
            actor=officer,
            fund=ward_fund,
            transaction_id=reversal.pk,
            reason="undo",
            occurred_on=DAY,
        )


def test_a_gift_already_spent_cannot_be_reversed(world, ward_fund):
    officer = world.users["ward01"]
    gift = give(ward_fund, officer, 500_000)
    spend_to_student(
        actor=officer,
        fund=ward_fund,
        recipient_id=world.persons["ward1"].pk,
        amount_minor=100_000,
        idempotency_key="s",
        occurred_on=DAY,
    )
    with pytest.raises(InsufficientBalance):
        reverse_transaction(
            actor=officer,
            fund=ward_fund,
            transaction_id=gift.transaction_id,
            reason="bounced",
            occurred_on=DAY,
        )


def test_entries_and_transactions_are_never_changed_or_deleted(world, ward_fund):
    give(ward_fund, world.users["ward01"], 500_000)
    entry = Entry.objects.first()
    entry.amount = 1
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        Entry.objects.all().update(amount=1)
    with pytest.raises(LedgerIsAppendOnly):
        Transaction.objects.all().delete()
    assert free_cash(ward_fund) == 500_000


def test_the_database_refuses_to_change_an_entry(world, ward_fund):
    from django.db import DatabaseError, connection, transaction

    give(ward_fund, world.users["ward01"], 500_000)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE funds_entry SET amount = amount * 2")
    assert free_cash(ward_fund) == 500_000


def test_50_bicycles_in_kind_hand_over_2_leaves_48_and_49_more_are_refused(world, ward_fund):
    officer = world.users["ward01"]
    record_donation(
        actor=officer,
        fund=ward_fund,
        gift=DonationInput(
            kind="receipt",
            form="in_kind",
            received_on=DAY,
            anonymous=True,
            item="bicycle",
            quantity=50,
            item_unit="pieces",
        ),
    )
    hand = {
        "actor": officer,
        "fund": ward_fund,
        "recipient_id": world.persons["ward1"].pk,
        "item": "bicycle",
        "occurred_on": DAY,
    }
    hand_over_items(**hand, quantity=2, idempotency_key="h1")
    (stock,) = [b for b in account_balances(ward_fund) if b.account.kind == AccountKind.STOCK]
    assert stock.balance == 50 - 2
    with pytest.raises(InsufficientBalance, match="holds 48 pieces: 49 pieces"):
        hand_over_items(**hand, quantity=49, idempotency_key="h2")


def test_a_receipt_number_is_used_once_per_fund(world, ward_fund, district_fund):
    give(ward_fund, world.users["ward01"], 1000, number="R-1")
    with pytest.raises(DuplicateReceipt):
        give(ward_fund, world.users["ward01"], 1000, number="R-1")
    give(district_fund, world.users["district"], 1000, number="R-1")  # another fund's numbers


def test_school_staff_and_other_wards_may_not_move_a_wards_money(world, ward_fund):
    give(ward_fund, world.users["ward01"], 500_000)
    with pytest.raises(NotAllowed):
        give(ward_fund, world.users["school01"], 1000)
    with pytest.raises(NotAllowed):
        spend_to_student(
            actor=world.users["county"],
            fund=ward_fund,
            recipient_id=world.persons["ward1"].pk,
            amount_minor=1000,
            idempotency_key="x",
            occurred_on=DAY,
        )


def test_a_pupil_the_officer_may_not_see_is_no_pupil(world, ward_fund):
    officer = world.users["ward01"]
    give(ward_fund, officer, 500_000)
    with pytest.raises(OutOfScope):
        spend_to_student(
            actor=officer,
            fund=ward_fund,
            recipient_id=world.persons["town"].pk,
            amount_minor=1000,
            idempotency_key="t",
            occurred_on=DAY,
        )


def test_every_movement_is_audited_with_its_entries(world, ward_fund):
    give(ward_fund, world.users["ward01"], 500_000)
    spend = spend_to_student(
        actor=world.users["ward01"],
        fund=ward_fund,
        recipient_id=world.persons["ward1"].pk,
        amount_minor=1000,
        idempotency_key="a",
        occurred_on=DAY,
    )
    events = AuditEvent.objects.filter(object_type="funds.transaction")
    assert events.count() == 2
    event = events.get(object_id=str(spend.pk))
    assert event.household_id == world.households["ward1"].pk
    assert sorted(e["amount"] for e in event.after["entries"]) == [-1000, 1000]


def test_with_a_checkpoint_every_3_entries_the_balance_is_still_the_sum_of_all_entries(
    world, ward_fund, settings
):
    settings.REACH_FUNDS_CHECKPOINT_EVERY = 3
    officer = world.users["ward01"]
    for amount in (100, 200, 300, 400, 500):
        give(ward_fund, officer, amount)
    for n, amount in enumerate((50, 60, 70)):
        spend_to_student(
            actor=officer,
            fund=ward_fund,
            recipient_id=world.persons["ward1"].pk,
            amount_minor=amount,
            idempotency_key=f"c{n}",
            occurred_on=DAY,
        )
    free = Account.objects.get(fund=ward_fund, kind=AccountKind.FREE_CASH)
    assert free.checkpoints.count() >= 2
    assert balance_of(free.pk) == sum(free.entries.values_list("amount", flat=True))
    assert balance_of(free.pk) == 1500 - 180
    assert verify_checkpoints(ward_fund) == []
