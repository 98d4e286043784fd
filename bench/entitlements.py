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
import re
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager

from bench import set_up_django

SCHOOL_YEAR = 2024
POLICIES = ("cn-guiding-2015", "vn-poverty-education")
DIFFICULT_COMMUNES = ("26734", "26740", "26749", "26761", "522723101000", "522723104000")
PUPILS_PER_HOUSEHOLD = 2
# (level, share in ‰, youngest age, first grade or None, highest grade)
LEVELS = (
    ("preschool", 150, 3, None, 0),
    ("primary", 330, 6, 1, 5),
    ("lower_secondary", 250, 11, 6, 9),
    ("upper_secondary", 150, 15, 10, 12),
    ("vocational_secondary", 60, 16, 1, 4),
    ("higher_education", 60, 18, 1, 4),
)
# (status or None for no status that year, share in ‰)
STATUSES = (
    ("poor", 300),
    ("near_poor", 200),
    ("escaped_poor", 80),
    ("escaped_near_poor", 70),
    ("none", 300),
    (None, 50),
)


def _mix(column: str, salt: int, modulus: int = 1000) -> str:
    """SQL: a well-spread number 0..modulus-1 from the counter `column` (no random(), so a
    given N always gives the same pupils)."""
    return f"((({column} + {salt}) * 2654435761) % 4294967291) % {modulus}"


def _case(pick: str, shares, value) -> str:
    """SQL CASE choosing by cumulative shares in ‰ of `pick` (0..999)."""
    branches, upto = [], 0
    for item in shares:
        upto += item[1]
        branches.append(f"WHEN {pick} < {upto} THEN {value(item)}")
    return "CASE " + " ".join(branches) + " END"


def _quote(value) -> str:
    return "NULL" if value is None else f"'{value}'"


def generate_pupils(students: int) -> int:
    """N pupils enrolled in SCHOOL_YEAR, two to a household, households alternating between the
    two jurisdictions; each table filled by one INSERT ... SELECT over a recursive counter.
    Returns the number of households."""
    from django.db import connection, transaction

    from reach.geo.models import School, Unit, UnitYearAttribute

    communes = {
        country: list(
            Unit.objects.filter(level="commune", path__startswith=f"{country}.")
            .order_by("path")
            .values_list("pk", flat=True)
        )
        for country in ("VN", "CN")
    }
    for unit in Unit.objects.filter(code__in=DIFFICULT_COMMUNES):
        UnitYearAttribute.objects.create(
            unit=unit, year=SCHOOL_YEAR, extremely_difficult_commune=True
        )
    schools = {}
    for pk, unit_id, levels in School.objects.order_by("pk").values_list("pk", "unit_id", "levels"):
        for level in levels:
            schools.setdefault((unit_id, level), pk)

    def commune_of(country: str) -> str:
        ids = communes[country]
        pick = " ".join(f"WHEN {index} THEN {pk}" for index, pk in enumerate(ids))
        return f"CASE {_mix('i', 3, len(ids))} {pick} END"

    households = -(-students // PUPILS_PER_HOUSEHOLD)
    level_pick = _mix("i", 11)  # the same pick for a pupil's birth date and enrolment
    age_in_level = _mix("i", 13, 4)
    birth_year = _case(level_pick, LEVELS, lambda item: f"{SCHOOL_YEAR - item[2]} - {age_in_level}")
    level = _case(level_pick, LEVELS, lambda item: _quote(item[0]))
    grade = _case(
        level_pick,
        LEVELS,
        lambda item: "NULL" if item[3] is None else f"MIN({item[3]} + {age_in_level}, {item[4]})",
    )
    school = " ".join(
        f"WHEN h.unit_id = {unit_id} AND e.level = '{lvl}' THEN {pk}"
        for (unit_id, lvl), pk in schools.items()
    )
    chinese = ", ".join(str(pk) for pk in communes["CN"])
    counter = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
    now = "'2025-01-01 00:00:00'"
    statements = [
        "INSERT INTO registry_household "  # noqa: S608
        f"(id, code, unit_id, head_name, address, created_at, updated_at) {counter} "
        "SELECT i + 1, 'BH' || i, CASE i % 2 WHEN 0 THEN "
        f"{commune_of('VN')} ELSE {commune_of('CN')} END, 'Head ' || i, '', {now}, {now} FROM n",
        "INSERT INTO registry_householdyearstatus "  # noqa: S608
        "(household_id, year, status, decision) "
        f"SELECT id, {SCHOOL_YEAR}, status, '' FROM (SELECT id, "
        f"{_case(_mix('id', 5), STATUSES, lambda item: _quote(item[0]))} AS status "
        "FROM registry_household) WHERE status IS NOT NULL",
        "INSERT INTO registry_person "  # noqa: S608
        "(id, household_id, full_name, sex, birth_date, national_id, ethnicity, "
        "ethnic_minority, disabled, orphan, martyr_child, relation, "
        "education_completed, vocational_certificate, caregiver_name, caregiver_relation, "
        "left_behind, migrant, unsupported) "
        f"{counter} SELECT i + 1, h.id, 'Pupil ' || i, CASE i % 2 WHEN 0 THEN 'm' ELSE 'f' END, "
        f"printf('%%04d-%%02d-%%02d', {birth_year}, 1 + {_mix('i', 17, 12)}, "
        f"1 + {_mix('i', 19, 28)}), NULL, '', "
        f"{_mix('i', 23, 10)} < CASE WHEN h.unit_id IN ({chinese}) THEN 6 ELSE 1 END, "
        f"{_mix('i', 29, 100)} < 3, {_mix('i', 31, 100)} < 2, {_mix('i', 37, 100)} < 1, "
        f"'child', 'none', 0, '', '', 0, 0, 0 FROM n JOIN registry_household h "
        f"ON h.id = i / {PUPILS_PER_HOUSEHOLD} + 1",
        "INSERT INTO registry_enrolment "  # noqa: S608
        "(id, person_id, school_id, school_year, level, grade, boarding, status, "
        "attendance_rate, program, school_days) "
        f"SELECT e.id, e.id, CASE {school} ELSE NULL END, {SCHOOL_YEAR}, e.level, e.grade, "
        f"{_mix('e.id', 41, 100)} < 25, 'enrolled', NULL, "
        f"CASE WHEN e.level = 'higher_education' THEN CASE {_mix('e.id', 43, 2)} "
        "WHEN 0 THEN 'bachelor' ELSE 'associate' END ELSE '' END, "
        f"CASE {_mix('e.id', 47, 3)} WHEN 0 THEN 170 + {_mix('e.id', 53, 40)} ELSE NULL END "
        f"FROM ({counter} SELECT i + 1 AS id, {level} AS level, {grade} AS grade FROM n) e "
        "JOIN registry_person p ON p.id = e.id JOIN registry_household h ON h.id = p.household_id",
    ]
    # Only numbers and this module's constants are interpolated into the statements.
    with transaction.atomic(), connection.cursor() as cursor:
        for statement, count in zip(
            statements, (households, None, students, students), strict=True
        ):
            cursor.execute(statement, [] if count is None else [count - 1])
    return households


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


PROBE_TABLE = "bench_probe_line"


def limit_probe(*, lines: int, students: int) -> float:
    """Seconds to read the facts of every enrolment once and write `lines` lines into a copy of
    the lines table with its indexes, in one statement and one commit (the probe's table is
    dropped afterwards, not timed). The enrolments are numbered 1..students (generate_pupils),
    so each fact gives `lines // students` lines and the first `lines % students` one more."""
    from django.db import connection, transaction

    from reach.entitlements.engine import FACT_TABLE, facts_source
    from reach.entitlements.models import EntitlementLine

    table = EntitlementLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        schema = cursor.fetchall()
    rename = re.compile(rf'"?{table}"?')
    create = [sql for kind, _, sql in schema if kind == "table"]
    indexes = [
        rename.sub(PROBE_TABLE, sql).replace(f'INDEX "{name}"', f'INDEX "probe_{name}"', 1)
        for kind, name, sql in schema
        if kind == "index"
    ]
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
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PROBE_TABLE}")
        cursor.execute(rename.sub(PROBE_TABLE, create[0], count=1))
        for sql in indexes:
            cursor.execute(sql)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, params)
        written = cursor.rowcount
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PROBE_TABLE}")
    assert written == lines, (written, lines)
    return elapsed


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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from reach.accounts.permissions import command_line_actor
        from reach.entitlements.engine import delete_lines
        from reach.entitlements.models import EntitlementLine
        from reach.entitlements.services import run_entitlements
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.policy.calc import default_policies_dir
        from reach.policy.services import load_policies_dir
        from reach.registry.models import HouseholdYearStatus

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        load_policies_dir(path=default_policies_dir())
        started = time.perf_counter()
        households = generate_pupils(args.students)
        statuses = HouseholdYearStatus.objects.count()
        print(f"database: fresh SQLite file in {var_dir}")
        print(
            f"input: {args.students} pupils enrolled in {SCHOOL_YEAR}, {households} households "
            f"({statuses} with a status that year) over District 12 and Guiding county; "
            f"generated in {time.perf_counter() - started:.1f} s (not timed)"
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

        timings, stages, run = [], [], None
        for _ in range(max(1, args.repeat)):
            if run is not None:  # back to no lines at all, not timed
                delete_lines(run.lines.all())
                run.delete()
                reported.clear()
            stages.append(defaultdict(float))
            started = time.perf_counter()
            with stage_timer(stages[-1]):
                run = run_entitlements(
                    policy_codes=POLICIES, school_year=SCHOOL_YEAR, unit=None, progress=progress
                )
            timings.append(time.perf_counter() - started)
        set_based_s = min(timings)
        fastest = stages[timings.index(set_based_s)]
        lines = EntitlementLine.objects.filter(run=run).count()
        print(
            f"set-based run {run.pk} of {', '.join(POLICIES)}: {lines} lines for "
            f"{run.totals['persons']} pupils, {run.progress_total} benefits "
            f"({len(reported)} progress reports); timed {len(timings)} times from no lines: "
            f"{', '.join(f'{seconds:.2f}' for seconds in timings)} s "
            f"(fastest {set_based_s:.2f}, median {statistics.median(timings):.2f})"
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

        probes = [limit_probe(lines=lines, students=args.students) for _ in range(2)]
        limit_s = min(probes)
        print(
            f"limit probe: the facts of {args.students} enrolments read once and {lines} lines "
            "written into a copy of the lines table with its indexes, one statement: "
            f"{', '.join(f'{seconds:.2f}' for seconds in probes)} s (fastest {limit_s:.2f})"
        )

        started = time.perf_counter()
        again = run_entitlements(policy_codes=POLICIES, school_year=SCHOOL_YEAR, unit=None)
        rerun_s = time.perf_counter() - started
        print(
            f"re-run {again.pk} (replaces the draft lines, diff against them): {rerun_s:.2f} s, "
            "difference {added} added, {removed} removed, {changed} changed".format(
                **again.diff["counts"]
            )
        )

        print(
            f"students={args.students} set_based_s={set_based_s:.2f} "
            f"baseline_s={baseline_s:.1f} speedup={baseline_s / set_based_s:.1f} "
            f"limit_s={limit_s:.2f} limit_ratio={set_based_s / limit_s:.1f}"
        )


if __name__ == "__main__":
    main()
