"""Concurrent spending on PostgreSQL: 20 requests spend from one fund at the same moment, each
in its own connection. The fund's row lock puts them in line, so the fund pays exactly what it
holds and every other request is refused with a clear error. (SQLite takes its write lock at
the start of every transaction, IMMEDIATE, so it has no such race to test; its in-memory test
database is also one connection.)"""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, transaction

from reach.funds.choices import AccountKind
from reach.funds.models import Account, Entry, Transaction
from reach.funds.selectors import balance_of
from reach.funds.services import (
    DonationInput,
    InsufficientBalance,
    record_donation,
    spend_to_student,
)
from reach.funds.tests.factories import DonorFactory, FundFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent connections need PostgreSQL (DATABASE_URL=postgres://...)",
    ),
]
DAY = dt.date(2024, 10, 1)


def test_20_simultaneous_spends_of_100000_from_1050000_pay_10_and_refuse_10(world):
    office = world.users["district"]
    fund = FundFactory(code="KH-761", unit=world.units["d12"])
    record_donation(
        actor=office,
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=DAY,
            donor_id=DonorFactory(unit=fund.unit).pk,
            amount_minor=1_050_000,
        ),
    )
    pupil = world.persons["ward1"]
    start = threading.Barrier(20)
    paid, refused, other = [], [], []

    def spend(n: int) -> None:
        try:
            start.wait()
            txn = spend_to_student(
                actor=office,
                fund=fund,
                recipient_id=pupil.pk,
                amount_minor=100_000,
                idempotency_key=f"thread-{n}",
                occurred_on=DAY,
            )
            paid.append(txn.pk)
        except InsufficientBalance as error:
            refused.append(str(error))
        except Exception as error:  # noqa: BLE001  # any other outcome fails the test below
            other.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other == []
    assert len(paid) == 10 and len(refused) == 10
    # Each refusal names the balance left and the amount asked (in the server's language).
    assert all("50,000 VND" in text and "100,000 VND" in text for text in refused)
    free = Account.objects.get(fund=fund, kind=AccountKind.FREE_CASH)
    assert balance_of(free.pk) == 1_050_000 - 10 * 100_000


def test_20_simultaneous_clicks_with_one_key_spend_once(world):
    office = world.users["district"]
    fund = FundFactory(code="KH-761b", unit=world.units["d12"])
    record_donation(
        actor=office,
        fund=fund,
        gift=DonationInput(
            kind="receipt", form="cash", received_on=DAY, anonymous=True, amount_minor=1_000_000
        ),
    )
    start = threading.Barrier(20)
    results, other = [], []

    def click() -> None:
        try:
            start.wait()
            txn = spend_to_student(
                actor=office,
                fund=fund,
                recipient_id=world.persons["ward1"].pk,
                amount_minor=100_000,
                idempotency_key="one-click",
                occurred_on=DAY,
            )
            results.append(txn.pk)
        except Exception as error:  # noqa: BLE001
            other.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other == []
    assert len(set(results)) == 1 and len(results) == 20
    free = Account.objects.get(fund=fund, kind=AccountKind.FREE_CASH)
    assert balance_of(free.pk) == 1_000_000 - 100_000


def test_the_database_refuses_a_transaction_that_does_not_sum_to_zero(world):
    fund = FundFactory(code="KH-raw", unit=world.units["d12"])
    account = Account.objects.create(fund=fund, kind=AccountKind.FREE_CASH)
    with pytest.raises(DatabaseError, match="does not sum to zero"), transaction.atomic():
        txn = Transaction.objects.create(fund=fund, kind="donation", occurred_on=DAY)
        Entry.objects.create(transaction=txn, account=account, amount=5)
    assert not Entry.objects.exists()
