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

    python -m bench.funds --students 1000000

Scholarship round candidate selection instead (add --entries N to run both): the demo units
and schools and N enrolled pupils as bench/entitlements.py writes them (untimed), one fund of
the country and a round whose criteria and score rules are written in the policy condition
language. Timed: `draw_candidates`, the whole selection (the INSERT ... SELECT of the pupils
meeting the criteria with their scores and amounts, the ranking within quotas and budget, the
outcomes written back), best of --repeat, with its processor time (`cpu_s`). The baseline,
measured in the same run on a sample of --sample pupils spread over all N and scaled to N (said
so in the output), reads each pupil's facts with its own query, evaluates the criteria and
score rules in Python (`criteria_hold`, `score_of`) and saves each candidate with its own
INSERT, in a transaction rolled back. Goal (issue 19): candidate selection over 1M students in
under 5 s on SQLite.
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


ROUND_CRITERIA = {
    "all": [
        {"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
        {"field": "level", "op": "in", "value": ["lower_secondary", "upper_secondary"]},
    ]
}
ROUND_RULES = [
    {"when": {"field": "household_status", "op": "eq", "value": "poor"}, "points": 30},
    {"when": {"field": "household_status", "op": "eq", "value": "near_poor"}, "points": 20},
    {"when": {"field": "ethnic_minority", "op": "is_true"}, "points": 10},
    {"when": {"field": "orphan", "op": "is_true"}, "points": 10},
    {"when": {"field": "disabled", "op": "is_true"}, "points": 10},
    {"when": {"field": "extremely_difficult_commune", "op": "is_true"}, "points": 10},
    {"when": {"field": "returning_dropout", "op": "is_true"}, "points": 15},
]
ROUND_TIERS = [
    {"min_score": 20, "amount_minor": 500_000},
    {"min_score": 30, "amount_minor": 1_000_000},
    {"min_score": 40, "amount_minor": 1_500_000},
]


def _round_baseline(round_, *, sample: int, students: int) -> tuple[int, int, float]:
    """Pupils looked at, candidates saved and seconds taken record at a time over a sample."""
    from django.db import transaction
    from django.db.models import F

    from reach.funds.choices import CandidateOutcome, CandidateSource
    from reach.funds.models import RoundCandidate
    from reach.funds.rounds_criteria import criteria_hold, score_of, tier_amount
    from reach.funds.services.rounds import _python_facts, candidate_facts
    from reach.registry.models import Enrolment

    step = max(1, students // sample)
    ids = list(
        Enrolment.objects.order_by("pk").values_list("pk", flat=True)[:students:step][:sample]
    )
    saved = 0
    facts_query = candidate_facts(round_).annotate(c_unit=F("person__household__unit")).values()
    with transaction.atomic():
        started = time.perf_counter()
        for enrolment_id in ids:
            row = facts_query.filter(pk=enrolment_id).first()
            if row is None:
                continue
            facts = _python_facts(round_, row)
            if not criteria_hold(round_.criteria, facts):
                continue
            score, bits = score_of(round_.score_rules, facts)
            amount = tier_amount(round_.tiers, score)
            RoundCandidate(
                round=round_,
                person_id=row["person_id"],
                enrolment_id=row["id"],
                school_id=row["school_id"],
                unit_id=row["c_unit"],
                source=CandidateSource.REGISTRY,
                score=score,
                rule_bits=bits,
                amount_minor=amount,
                outcome=CandidateOutcome.BUDGET if amount else CandidateOutcome.BELOW_TIERS,
            ).save()
            saved += 1
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return len(ids), saved, elapsed


def bench_rounds(args) -> None:
    import statistics

    from django.db.models import Count

    from bench.entitlements import SCHOOL_YEAR, generate_pupils
    from reach.accounts.permissions import command_line_actor
    from reach.funds.models import Fund, RoundCandidate
    from reach.funds.services.rounds import RoundInput, create_round, draw_candidates
    from reach.geo.models import Organisation, Unit
    from reach.geo.services import DATA_DIR, load_schools, load_units

    actor = command_line_actor()
    load_units(actor=actor, path=DATA_DIR / "units-demo.csv")
    load_schools(actor=actor, path=DATA_DIR / "schools-demo.csv")
    started = time.perf_counter()
    households = generate_pupils(args.students)
    print(
        f"input: {args.students:,} pupils enrolled in {SCHOOL_YEAR}, {households:,} households, "
        f"generated in {time.perf_counter() - started:.1f} s (untimed)"
    )
    unit = Unit.objects.get(code="VN")
    organisation = Organisation.objects.create(
        code="KH-BENCH", name="Hội Khuyến học", kind="learning_association", unit=unit
    )
    fund = Fund.objects.create(
        code="KH-ROUND",
        names={"en": "Scholarship fund"},
        organisation=organisation,
        unit=unit,
        currency="VND",
        purpose="scholarships",
    )
    round_ = create_round(
        actor=actor,
        fund=fund,
        data=RoundInput(
            code="HB-BENCH",
            names={"en": "Bench round"},
            school_year=SCHOOL_YEAR,
            budget_minor=2_000_000_000,
            criteria=ROUND_CRITERIA,
            score_rules=ROUND_RULES,
            tiers=ROUND_TIERS,
            quota_per_school=200,
        ),
    )
    pupils, saved, sample_s = _round_baseline(round_, sample=args.sample, students=args.students)
    baseline_s = sample_s / max(pupils, 1) * args.students
    print(
        f"baseline, record at a time: {pupils:,} pupils of the Vietnamese half and the Chinese "
        f"half read, judged in Python and {saved:,} candidates saved one by one in "
        f"{sample_s:.2f} s; scaled to {args.students:,} pupils: {baseline_s:.1f} s (a sample, "
        "scaled)"
    )
    timings, cpu = [], []
    for _ in range(max(1, args.repeat)):
        started, cpu_started = time.perf_counter(), time.process_time()
        drawn = draw_candidates(actor=actor, round_=round_)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    best = min(timings)
    counts = dict(
        RoundCandidate.objects.filter(round=round_)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("outcome", "n")
    )
    print(
        f"draw_candidates (set-based selection, ranking, outcomes): {drawn:,} candidates; "
        f"timed {len(timings)} times: {', '.join(f'{t:.2f}' for t in timings)} s (best {best:.2f}, "
        f"median {statistics.median(timings):.2f}); goal < 5 s; outcomes {counts}"
    )
    print(
        f"students={args.students} set_based_s={best:.2f} cpu_s={min(cpu):.2f} "
        f"baseline_s={baseline_s:.1f} speedup={baseline_s / best:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=None, help="ledger entries (1M by default)")
    parser.add_argument("--students", type=int, default=0, help="pupils for the round benchmark")
    parser.add_argument("--sample", type=int, default=2000, help="pupils in the round baseline")
    parser.add_argument("--repeat", type=int, default=3, help="draws timed (best reported)")
    args = parser.parse_args()
    if args.entries is None:
        args.entries = 0 if args.students else 1_000_000
    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        if args.students:
            bench_rounds(args)
        if args.entries:
            bench_ledger(args)


def bench_ledger(args) -> None:
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
