"""The plans PostgreSQL gives a province's run, reconciliation and coverage, and the national
roll-up, on a generated country of two provinces (the evidence of docs/scale.md).

    python -m bench.scale_plans --students 20000

Writes N pupils (bench/pupils.py, by COPY) into a database of its own on the PostgreSQL server
of DATABASE_URL (the local one without it), created and dropped here. Then, printing the plan
of every statement (EXPLAIN, each statement run once as it comes): a run of both policies over
province 79 (Ho Chi Minh City); its lines put in force by one UPDATE (set-up, standing for the
approval); the reconciliation and the coverage the office of province 79 sees; and the
reconciliation of the whole country an administrator sees. It measures nothing.
"""

import argparse
import tempfile

from bench import postgres, set_up_django
from bench.entitlements import POLICIES, explained
from bench.pupils import SCHOOL_YEAR, copy_pupils


def explain_queries(title: str, read) -> None:
    """Call `read`, then print the plan of each SELECT it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        read()
    print(f"== {title}")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN {sql}")
            print(f"-- {' '.join(sql.split())[:300]}")
            for (row,) in cursor.fetchall():
                print(f"   {row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--pg-database", default="reach_scale_plans")
    args = parser.parse_args()

    url = postgres.bench_url(args.pg_database)
    postgres.create_database(url, keep=False, rows=args.students)
    try:
        with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
            set_up_django(var_dir, database_url=url)
            show_plans(args.students)
    finally:
        postgres.drop_database(url)


def show_plans(students: int) -> None:
    from reach.accounts.models import Membership, User
    from reach.accounts.permissions import command_line_actor
    from reach.entitlements.models import EntitlementLine
    from reach.entitlements.services import run_entitlements
    from reach.geo.models import Unit
    from reach.geo.services import DATA_DIR, load_schools, load_units
    from reach.payments.selectors import coverage, reconcile
    from reach.policy.calc import default_policies_dir
    from reach.policy.services import load_policies_dir

    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    load_policies_dir(path=default_policies_dir())
    copy_pupils(students)
    postgres.vacuum_analyze()
    province = Unit.objects.get(code="79")
    print(f"PostgreSQL {postgres.server_version()}, {students} pupils over two provinces")

    print(f"== the run of {', '.join(POLICIES)} over province {province.code} ({province.path})")
    with explained():
        run = run_entitlements(policy_codes=POLICIES, school_year=SCHOOL_YEAR, unit=province)
    EntitlementLine.objects.filter(run=run).update(status="in_force")
    postgres.vacuum_analyze(EntitlementLine._meta.db_table)

    office = User.objects.create(username="province-79")
    Membership.objects.create(user=office, role="office", unit=province)
    explain_queries(
        "the province office's reconciliation",
        lambda: reconcile(user=office, school_year=SCHOOL_YEAR, unit=province),
    )
    explain_queries(
        "the province office's coverage",
        lambda: coverage(user=office, school_year=SCHOOL_YEAR, unit=province),
    )
    administrator = User.objects.create(username="country", is_superuser=True)
    explain_queries(
        "the national roll-up: the reconciliation of every province",
        lambda: reconcile(user=administrator, school_year=SCHOOL_YEAR),
    )


if __name__ == "__main__":
    main()
