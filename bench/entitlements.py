"""Benchmark the set-based entitlement run against evaluating and saving one student at a time.

    python -m bench.entitlements --students 1000000

Runs on a fresh SQLite file in a temporary directory (DATABASE_URL is ignored). It loads the
demo units and schools and the shipped policies, writes N enrolled pupils of school year 2024
spread over District 12 (Ho Chi Minh City) and Guiding county with varied household statuses,
levels, grades, boarding, flags and school days (a few INSERT ... SELECT statements over a
counter, not timed), then times one run of both policies over everything. The baseline takes a
sample of the same pupils, evaluates each one's conditions in Python (the evaluation loop behind
the explanation and `reach calc`), computes each amount and saves every line with its own
`.save()`, inside a transaction that is rolled back, and is extrapolated to N.

The set-based run is timed `--repeat` times, each on the same pupils with no lines before it
(the previous attempt's run and lines are deleted, not timed); the fastest is reported, as a
shared machine's other work only ever slows a run down, and every time is printed, with the
seconds of each stage of the fastest run (the engine's steps, timed from outside).

The physical limit, measured in the same run on the same file: a raw-SQL probe that reads the
facts of every enrolment once (the run's own facts subquery) and writes as many lines into a
copy of the lines table (its columns, checks, foreign keys and every index the lines keep), in
one INSERT ... SELECT and one commit; it judges nothing and computes nothing. `limit_ratio` is
the run's fastest time over the probe's fastest.
"""

import argparse
import os
import platform
import re
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager, nullcontext

from bench import postgres, set_up_django
from bench.pupils import SCHOOL_YEAR, copy_pupils, generate_pupils, lines_digest

__all__ = ["SCHOOL_YEAR", "generate_pupils"]

POLICIES = ("cn-guiding-2015", "vn-poverty-education")
BENCH_DATABASE = "reach_bench"


def baseline(*, sample: int, students: int) -> tuple[int, int, float]:
    """Pupils evaluated, lines saved and seconds taken by a record-at-a-time run of a sample
    spread over all pupils: each pupil's facts evaluated in Python, each line its own INSERT."""
    from django.db import transaction
    from django.db.models import F

    from reach.entitlements.choices import RunStatus
    from reach.entitlements.engine import funding_parts
    from reach.entitlements.explain import plan_rules
    from reach.entitlements.models import EntitlementLine, EntitlementRun
    from reach.entitlements.plan import plan_benefits, run_key
    from reach.policy.evaluate import granted, judge_benefits
    from reach.policy.facts import enrolment_facts, facts_of
    from reach.policy.selectors import get_current_policy_version, get_reference_book

    step = max(1, students // sample)
    ids = list(range(1, students + 1, step))[:sample]
    lines = 0
    with transaction.atomic():
        started = time.perf_counter()
        run = EntitlementRun.objects.create(
            policy_codes=run_key(POLICIES), school_year=SCHOOL_YEAR, status=RunStatus.RUNNING
        )
        book = get_reference_book()
        versions = [get_current_policy_version(code) for code in POLICIES]
        policies = [
            (version, plan_rules(plan_benefits(version, school_year=SCHOOL_YEAR)))
            for version in versions
        ]
        facts_query = enrolment_facts(school_year=SCHOOL_YEAR).annotate(
            line_household=F("person__household"), line_unit=F("person__household__unit")
        )
        # Like the explanation of one pupil: the pupil's facts read, then judged in Python.
        for person_id in ids:
            row = facts_query.filter(person=person_id).values().get()
            for version, rules in policies:
                jurisdiction = version.policy.jurisdiction
                if not row["unit_path"].startswith(jurisdiction + "."):
                    continue
                day = version.reference_date(SCHOOL_YEAR)
                judgements = judge_benefits(
                    rules,
                    facts_rows=[facts_of(row, reference_date=day)],
                    currency=version.policy.currency,
                    book=book,
                    reference_date=day,
                    school_year=SCHOOL_YEAR,
                )
                for plan, amount in granted(judgements):
                    EntitlementLine(
                        run=run,
                        enrolment_id=row["id"],
                        person_id=row["person_id"],
                        household_id=row["line_household"],
                        unit_id=row["line_unit"],
                        benefit=plan.benefit,
                        benefit_code=plan.benefit.code,
                        policy_code=plan.policy_code,
                        school_year=SCHOOL_YEAR,
                        amount_minor=amount.minor,
                        currency=amount.currency,
                        in_kind=[goods.as_dict() for goods in amount.in_kind],
                        funding=funding_parts(amount.minor, plan.benefit.funding),
                    ).save()
                    lines += 1
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return len(ids), lines, elapsed


# The engine's steps as the run calls them (reach.entitlements.services.runs), timed from outside.
STAGES = (
    "keep_previous",
    "delete_lines",
    "fact_keys",
    "add_candidates",
    "has_several_enrolments",
    "drop_later_enrolments",
    "amount_groups",
    "add_amounts",
    "drop_exclusive_losers",
    "write_lines",
    "staged_groups",
    "count_persons",
    "line_diff",
)


@contextmanager
def stage_timer(seconds: dict[str, float]):
    """Time each engine step the run calls into `seconds` (summed over calls), for as long as
    the block lasts."""
    from reach.entitlements import engine

    originals = {name: getattr(engine, name) for name in STAGES}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - started

        return wrapper

    for name, function in originals.items():
        setattr(engine, name, timed(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(engine, name, function)


@contextmanager
def explained():
    """Print the plan of every statement the engine runs (EXPLAIN, without running it twice)
    before running it, for as long as the block lasts."""
    from reach.entitlements import engine

    execute, fetch = engine._execute, engine._fetch

    def explain(sql: str, params) -> None:
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "DELETE", "SELECT", "UPDATE"):
            plan = fetch(f"EXPLAIN {sql}", params)
            print(f"-- {' '.join(sql.split())[:160]}")
            for row, *_ in plan:
                print(f"   {row}")

    def explained_execute(sql, params=()):
        explain(sql, params)
        return execute(sql, params)

    def explained_fetch(sql, params=()):
        explain(sql, params)
        return fetch(sql, params)

    engine._execute, engine._fetch = explained_execute, explained_fetch
    try:
        yield
    finally:
        engine._execute, engine._fetch = execute, fetch


PROBE_TABLE = "bench_probe_line"


def limit_probe(*, lines: int, students: int, fresh: bool = False) -> float:
    """Seconds to read the facts of every enrolment once and write `lines` lines into a copy of
    the lines table with its indexes, in one statement and one commit (the probe's table is
    dropped afterwards, not timed). The enrolments are numbered 1..students (generate_pupils),
    so each fact gives `lines // students` lines and the first `lines % students` one more.
    `fresh`: the lines go into the table bare, and its indexes and foreign keys are added
    afterwards in the same transaction (PostgreSQL checks each key with one join then, instead
    of a look-up per line at the commit)."""
    from django.db import connection, transaction

    from reach.entitlements.engine import FACT_TABLE, facts_source
    from reach.entitlements.models import EntitlementLine

    per_fact, extra = divmod(lines, students)
    slots = per_fact + (1 if extra else 0)
    facts, params = facts_source(school_year=SCHOOL_YEAR, scope_path=None)
    fact = connection.ops.quote_name(FACT_TABLE)
    run_id, benefit_id = _probe_keys()
    insert = (
        f"INSERT INTO {PROBE_TABLE} (run_id, enrolment_id, person_id, household_id, unit_id, "  # noqa: S608
        "benefit_id, benefit_code, policy_code, school_year, first_month, months, amount_minor, "
        "currency, in_kind, funding, status) "
        f"SELECT {run_id}, {fact}.id, {fact}.person_id, {fact}.household_id, {fact}.unit_id, "
        f"{benefit_id}, 'b' || k.k, 'probe', {SCHOOL_YEAR}, 0, NULL, 1000000, 'VND', '[]', "
        f"'[]', 'draft' FROM {facts} CROSS JOIN (WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL "
        f"SELECT k + 1 FROM s WHERE k < {slots - 1}) SELECT k FROM s) k "
        f"WHERE k.k < {per_fact} OR {fact}.id <= {extra}"
    )
    table, keys_and_indexes = _probe_schema(EntitlementLine._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PROBE_TABLE}")
        for sql in table if fresh else table + keys_and_indexes:
            cursor.execute(sql)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, params)
        written = cursor.rowcount
        for sql in keys_and_indexes if fresh else ():
            cursor.execute(sql)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PROBE_TABLE}")
    assert written == lines, (written, lines)
    return elapsed


def _probe_schema(table: str) -> tuple[list[str], list[str]]:
    """The statements making PROBE_TABLE a copy of `table`: its columns and checks, then its
    foreign keys (on SQLite, part of the table) and indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
            indexes = cursor.fetchall()
            rename = re.compile(rf"\b{table}\b")
            return [
                f"CREATE TABLE {PROBE_TABLE} (LIKE {table} INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS INCLUDING IDENTITY)"
            ], [
                rename.sub(PROBE_TABLE, definition).replace(
                    f"INDEX {name} ", f'INDEX "probe_{name}" ', 1
                )
                for name, definition in indexes
            ] + [
                f'ALTER TABLE {PROBE_TABLE} ADD CONSTRAINT "probe_{name}" {definition}'
                for name, definition in keys
            ]
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        schema = cursor.fetchall()
    rename = re.compile(rf'"?{table}"?')
    create = [rename.sub(PROBE_TABLE, sql, count=1) for kind, _, sql in schema if kind == "table"]
    return create, [
        rename.sub(PROBE_TABLE, sql).replace(f'INDEX "{name}"', f'INDEX "probe_{name}"', 1)
        for kind, name, sql in schema
        if kind == "index"
    ]


def _probe_keys() -> tuple[int, int]:
    """A run and a benefit for the probe's lines to refer to."""
    from reach.entitlements.models import EntitlementRun
    from reach.policy.models import Benefit

    run = EntitlementRun.objects.order_by("pk").first()
    benefit = Benefit.objects.order_by("pk").first()
    assert run is not None and benefit is not None
    return run.pk, benefit.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000, help="pupils in the baseline")
    parser.add_argument(
        "--repeat", type=int, default=3, help="set-based runs timed (the fastest is reported)"
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="a fresh SQLite file, or a database of its own (--pg-database) on the PostgreSQL "
        "server of DATABASE_URL (the local one without it), created and dropped by the benchmark",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="PostgreSQL: keep the database afterwards, and reuse its pupils when it already "
        "holds as many (its runs and lines are emptied first)",
    )
    parser.add_argument(
        "--pg-database", default=BENCH_DATABASE, help="PostgreSQL: the benchmark's database"
    )
    parser.add_argument("--no-probe", action="store_true", help="skip the limit probe")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each statement of the first run"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        if args.database == "sqlite":
            set_up_django(var_dir)
            measure(args, where=f"fresh SQLite file in {var_dir}", kept=False)
            return
        url = postgres.bench_url(args.pg_database)
        kept = postgres.create_database(url, keep=args.keep, rows=args.students)
        try:
            set_up_django(var_dir, database_url=url)
            where = f"PostgreSQL database {args.pg_database} ({'kept' if kept else 'fresh'})"
            measure(args, where=where, kept=kept)
        finally:
            if not args.keep:
                postgres.drop_database(url)


def measure(args, *, where: str, kept: bool) -> None:
    """Generate the pupils (unless `kept`), then time the baseline, the runs, the probe and the
    re-run, printing each."""
    from django.db import connection

    from reach.accounts.permissions import command_line_actor
    from reach.entitlements.engine import delete_lines
    from reach.entitlements.models import EntitlementLine
    from reach.entitlements.services import run_entitlements
    from reach.geo.services import DATA_DIR, load_schools, load_units
    from reach.policy.calc import default_policies_dir
    from reach.policy.services import load_policies_dir
    from reach.registry.models import Household, HouseholdYearStatus

    on_postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    if kept:
        postgres.empty_runs()
        households = Household.objects.count()
    else:
        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        load_policies_dir(path=default_policies_dir())
        households = (copy_pupils if on_postgres else generate_pupils)(args.students)
        if on_postgres:
            postgres.vacuum_analyze()
    statuses = HouseholdYearStatus.objects.count()
    version = postgres.server_version() if on_postgres else connection.Database.sqlite_version
    database = f"{'PostgreSQL' if on_postgres else 'SQLite'} {version}"
    print(f"database: {where}, {database}; {os.cpu_count()} cores, {platform.machine()}")
    print(
        f"input: {args.students} pupils enrolled in {SCHOOL_YEAR}, {households} households "
        f"({statuses} with a status that year) over District 12 and Guiding county; "
        f"{'kept from an earlier run' if kept else 'generated'} in "
        f"{time.perf_counter() - started:.1f} s (not timed)"
    )

    pupils, sample_lines, sample_s = baseline(sample=args.sample, students=args.students)
    baseline_s = sample_s / pupils * args.students
    print(
        f"baseline: {pupils} pupils evaluated in Python and {sample_lines} lines saved one "
        f"at a time in {sample_s:.2f} s, extrapolated to {args.students} pupils: "
        f"{baseline_s:.1f} s"
    )
    reported = []

    def progress(done: int, total: int) -> None:
        reported.append(done)

    timings, cpu, server_cpu, stages, run = [], [], [], [], None
    for _ in range(max(1, args.repeat)):
        if run is not None:  # back to no lines at all, not timed
            delete_lines(run.lines.all())
            run.delete()
            reported.clear()
        stages.append(defaultdict(float))
        server_started = postgres.server_cpu_s() if on_postgres else None
        started, cpu_started = time.perf_counter(), time.process_time()
        explaining = explained() if args.explain and len(stages) == 1 else nullcontext()
        with stage_timer(stages[-1]), explaining:
            run = run_entitlements(
                policy_codes=POLICIES, school_year=SCHOOL_YEAR, unit=None, progress=progress
            )
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        server_ended = postgres.server_cpu_s() if on_postgres else None
        if server_started is not None and server_ended is not None:
            server_cpu.append(server_ended - server_started)
        if on_postgres:
            # As autovacuum does soon after a commit this size (not timed): the statements that
            # follow over the lines (the next attempt's or the re-run's delete of the drafts)
            # are planned for the lines there are, not for the empty table of before.
            postgres.vacuum_analyze(EntitlementLine._meta.db_table)
    set_based_s = min(timings)
    fastest_index = timings.index(set_based_s)
    fastest = stages[fastest_index]
    lines = EntitlementLine.objects.filter(run=run).count()
    print(
        f"set-based run {run.pk} of {', '.join(POLICIES)}: {lines} lines for "
        f"{run.totals['persons']} pupils, {run.progress_total} benefits "
        f"({len(reported)} progress reports); timed {len(timings)} times from no lines: "
        f"{', '.join(f'{seconds:.2f}' for seconds in timings)} s "
        f"(fastest {set_based_s:.2f}, median {statistics.median(timings):.2f}); processor time "
        f"of this process {', '.join(f'{seconds:.2f}' for seconds in cpu)} s"
        + (
            f", of the server's process {', '.join(f'{seconds:.2f}' for seconds in server_cpu)} s"
            if server_cpu
            else ""
        )
    )
    for row in run.totals["by_benefit"]:
        print(f"  {row['policy']}/{row['benefit']}: {row['lines']} lines")
    for warning in run.totals["warnings"]:
        print(f"  warning: {warning}")
    staged = sum(fastest.values())
    print(
        "stages of the fastest run (s): "
        + ", ".join(f"{name} {fastest[name]:.2f}" for name in STAGES if name in fastest)
        + f", the rest (run bookkeeping, totals, audit) {set_based_s - staged:.2f}"
    )
    started = time.perf_counter()
    digest, totals = lines_digest(run.pk)
    print(
        f"lines' digest {digest} (read in {time.perf_counter() - started:.1f} s, not timed); "
        "lines and amount by policy and benefit:"
    )
    for policy, benefit, count, amount in totals:
        print(f"  {policy}/{benefit}: {count} lines, {amount} minor units")

    limit = ""
    if not args.no_probe:
        probes = [limit_probe(lines=lines, students=args.students) for _ in range(2)]
        limit_s = min(probes)
        print(
            f"limit probe: the facts of {args.students} enrolments read once and {lines} lines "
            "written into a copy of the lines table with its indexes, one statement: "
            f"{', '.join(f'{seconds:.2f}' for seconds in probes)} s (fastest {limit_s:.2f})"
        )
        limit = f" limit_s={limit_s:.2f} limit_ratio={set_based_s / limit_s:.1f}"
        fresh_s = limit_probe(lines=lines, students=args.students, fresh=True)
        print(
            f"limit probe, fresh table: the same lines written into the table bare, its indexes "
            f"and foreign keys added afterwards in the same transaction: {fresh_s:.2f} s"
        )
        limit += f" fresh_limit_s={fresh_s:.2f}"

    started = time.perf_counter()
    again = run_entitlements(policy_codes=POLICIES, school_year=SCHOOL_YEAR, unit=None)
    rerun_s = time.perf_counter() - started
    print(
        f"re-run {again.pk} (replaces the draft lines, diff against them): {rerun_s:.2f} s, "
        "difference {added} added, {removed} removed, {changed} changed".format(
            **again.diff["counts"]
        )
    )
    server = f" server_cpu_s={server_cpu[fastest_index]:.2f}" if server_cpu else ""
    print(
        f"students={args.students} lines={lines} set_based_s={set_based_s:.2f} "
        f"cpu_s={cpu[fastest_index]:.2f}{server} rerun_s={rerun_s:.2f} "
        f"baseline_s={baseline_s:.1f} speedup={baseline_s / set_based_s:.1f}{limit} "
        f"database={'postgresql' if on_postgres else 'sqlite'} version={version} "
        f"cores={os.cpu_count()} digest={digest[:16]}"
    )


if __name__ == "__main__":
    main()
