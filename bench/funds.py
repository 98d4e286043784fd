"""Benchmark a fund's balance over a million ledger entries against summing them one record at
a time.

    python -m bench.funds --entries 1000000

Runs on a fresh SQLite file in a temporary directory (DATABASE_URL is ignored) and needs no
demo data. Untimed, with set-based SQL: one ward fund whose free cash takes ENTRIES entries,
alternately a donation of 1,000 and a payment of 500 (each the free-cash line of a transaction
whose other line is the outside account), so the balance is known in advance. Timed: the
selectors the pages and the API use, `balance_of` (one account: SUM over the covering index
on (account, amount)), `account_balances` (every held account of the fund, one GROUP BY) and
`list_funds_for_user` (the fund list with free and restricted cash). The baseline, measured in
the same run, reads every entry of the account as a model instance and adds them in Python.
A balance is its account's latest checkpoint plus the entries after it (posting takes a checkpoint
every REACH_FUNDS_CHECKPOINT_EVERY entries); the benchmark reads the worst case, a checkpoint
one entry short of the next, and prints the plain SUM over every entry beside it.
Goal (issue 19): a balance over 1M entries in under 50 ms.
"""

import argparse
import tempfile
import time

from bench import set_up_django

GIFT, PAYMENT = 1000, 500


def _generate(n: int) -> tuple[int, int, int]:
    """The fund and its free-cash account, filled with `n` entries; returns (fund, free-cash
    account, expected balance)."""
    from django.db import connection

    from reach.funds.models import Account, Fund
    from reach.geo.models import Organisation, Unit

    unit = Unit.objects.create(code="VN", name="Viet Nam", level="country", path="VN")
    organisation = Organisation.objects.create(
        code="KH", name="Hội Khuyến học", kind="learning_association", unit=unit
    )
    fund = Fund.objects.create(
        code="KH-BENCH",
        names={"vi": "Quỹ khuyến học", "zh": "助学基金", "en": "Learning fund"},
        organisation=organisation,
        unit=unit,
        currency="VND",
        purpose="learning_encouragement",
    )
    free = Account.objects.create(fund=fund, kind="free_cash")
    inflow = Account.objects.create(fund=fund, kind="donations_in")
    outflow = Account.objects.create(fund=fund, kind="paid_out")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO funds_transaction (fund_id, kind, occurred_on, purpose, reason,
                reference_type, recorded_at)
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
            SELECT %s, CASE i %% 2 WHEN 1 THEN 'donation' ELSE 'spend' END, '2024-10-01',
                '', '', '', '2024-10-01 00:00:00'
            FROM n
            """,
            [n, fund.pk],
        )
        cursor.execute(
            """
            INSERT INTO funds_entry (transaction_id, account_id, amount)
            SELECT id, %s, CASE kind WHEN 'donation' THEN %s ELSE %s END
            FROM funds_transaction WHERE fund_id = %s
            """,
            [free.pk, GIFT, -PAYMENT, fund.pk],
        )
        cursor.execute(
            """
            INSERT INTO funds_entry (transaction_id, account_id, amount)
            SELECT id, CASE kind WHEN 'donation' THEN %s ELSE %s END,
                CASE kind WHEN 'donation' THEN %s ELSE %s END
            FROM funds_transaction WHERE fund_id = %s
            """,
            [inflow.pk, outflow.pk, -GIFT, PAYMENT, fund.pk],
        )
        cursor.execute("ANALYZE")
    gifts = (n + 1) // 2
    return fund.pk, free.pk, gifts * GIFT - (n - gifts) * PAYMENT


def _timed(function, repeat: int = 5) -> tuple[float, object]:
    """The best of `repeat` runs (a warm cache, as on a server), in milliseconds."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from django.db.models import Sum

        from reach.accounts.permissions import command_line_actor
        from reach.funds.models import Entry, Fund
        from reach.funds.selectors import account_balances, balance_of, list_funds_for_user
        from reach.funds.services.ledger import checkpoint_every, take_checkpoint

        started = time.perf_counter()
        fund_id, account_id, expected = _generate(args.entries)
        total = Entry.objects.count()
        print(
            f"input: one fund, {args.entries:,} entries on its free cash ({total:,} in all), "
            f"generated in {time.perf_counter() - started:.1f} s (untimed)"
        )
        fund = Fund.objects.get(pk=fund_id)
        actor = command_line_actor()

        def full_sum() -> int:
            return Entry.objects.filter(account_id=account_id).aggregate(s=Sum("amount"))["s"]

        full_ms, full = _timed(full_sum)
        # The checkpoints posting takes every REACH_FUNDS_CHECKPOINT_EVERY entries; the worst
        # case is read: the latest is one entry short of the next, the rest summed after it.
        tail = checkpoint_every() - 1
        through = (
            Entry.objects.filter(account_id=account_id).order_by("-id").values_list("id", flat=True)
        )[tail]
        take_checkpoint(account_id=account_id, through_entry_id=through)

        balance_ms, balance = _timed(lambda: balance_of(account_id))
        held_ms, rows = _timed(lambda: account_balances(fund))
        list_ms, funds = _timed(lambda: list(list_funds_for_user(actor)))

        def one_at_a_time() -> int:
            return sum(entry.amount for entry in Entry.objects.filter(account_id=account_id))

        baseline_ms, baseline = _timed(one_at_a_time, repeat=1)
        assert balance == baseline == full == expected, (balance, baseline, full, expected)
        assert [r.balance for r in rows] == [expected]
        assert funds[0].free_minor == expected
        print(f"verified: balance {balance:,} VND = the expected sum of the entries")
        print(
            f"balance_of (one account):          {balance_ms:8.1f} ms  (goal < 50 ms; its "
            f"latest checkpoint and the {tail:,} entries after it)"
        )
        print(f"SUM of all entries (no checkpoint):  {full_ms:8.1f} ms")
        print(f"account_balances (the fund page):   {held_ms:8.1f} ms")
        print(f"list_funds_for_user (the list):     {list_ms:8.1f} ms")
        print(
            f"baseline, record at a time:        {baseline_ms:8.1f} ms  "
            f"({baseline_ms / balance_ms:,.0f}x the set-based balance)"
        )


if __name__ == "__main__":
    main()
