"""Benchmark the register cross-check (one set-based pass) against comparing row by row.

    python -m bench.crosscheck --persons 1000000

Runs on a fresh SQLite file in a temporary directory (DATABASE_URL is ignored). It loads the
demo units and schools and writes N school-age children of District 12 (two to a household,
varied household statuses; 95% enrolled in school year 2024, 3% dropped out, 2% with no
enrolment; 90% with a national ID) and a staged school register of about N rows: every child
but 2% (planted "not in any register"), its status as the registry says except 1% flipped
(planted mismatches), plus 2% pupils the registry does not know. Each table is one
INSERT ... SELECT over a counter (not timed). Then it times `compare_register` over the
district (matching, the three lists, the ledgers' counts; no cases opened, as their audit
events are one per case and not part of the comparison).

The baseline compares a sample the way a loop over the register would: each register row
matched by a look-up, its person's enrolments and household status read, and each finding saved
on its own; each child of the sample looked up in the register by ID (or name and birth date)
through indexes made for it; inside a transaction
that is rolled back, extrapolated to the register's rows and the registry's children.
"""

import argparse
import tempfile
import time

from bench import set_up_django

SCHOOL_YEAR = 2024
DISTRICT = "761"
MONTH = "2024-10-01"


def _mix(column: str, salt: int, modulus: int = 1000) -> str:
    """SQL: a well-spread number 0..modulus-1 from the counter `column`."""
    return f"((({column} + {salt}) * 2654435761) % 4294967291) % {modulus}"


def generate(persons: int, run_id: int) -> None:
    """The registry's children and the run's staged register rows."""
    from django.db import connection, transaction

    from reach.geo.models import School, Unit

    communes = list(
        Unit.objects.filter(code__in=_communes()).order_by("path").values_list("pk", flat=True)
    )
    schools = {}
    for pk, code, unit_id, levels in School.objects.values_list("pk", "code", "unit_id", "levels"):
        if "primary" in levels and unit_id in communes:
            schools.setdefault(unit_id, (pk, code))
    commune = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(communes))
    school_id = " ".join(f"WHEN {u} THEN {pk}" for u, (pk, _) in schools.items())
    school_code = " ".join(f"WHEN {u} THEN '{code}'" for u, (_, code) in schools.items())
    counter = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
    now = "'2025-01-01 00:00:00'"
    households = -(-persons // 2)
    statuses = (
        f"CASE WHEN {_mix('id', 5)} < 200 THEN 'poor' WHEN {_mix('id', 5)} < 300 "
        "THEN 'near_poor' ELSE 'none' END"
    )
    enrolment = _mix("p.id", 41)  # < 950 enrolled, < 980 dropped out, else none
    statements = [
        (
            "INSERT INTO registry_household "  # noqa: S608
            f"(id, code, unit_id, head_name, address, created_at, updated_at) {counter} "
            f"SELECT i + 1, 'BH' || i, CASE {_mix('i', 3, len(communes))} {commune} END, "
            f"'Head ' || i, '', {now}, {now} FROM n",
            [households - 1],
        ),
        (
            "INSERT INTO registry_householdyearstatus (household_id, year, status, decision) "  # noqa: S608
            f"SELECT id, {SCHOOL_YEAR}, {statuses}, '' FROM registry_household",
            [],
        ),
        (
            "INSERT INTO registry_person "  # noqa: S608
            "(id, household_id, full_name, sex, birth_date, national_id, ethnicity, "
            "ethnic_minority, disabled, orphan, martyr_child, left_behind, migrant, unsupported, "
            "caregiver_name, caregiver_relation, relation, education_completed, "
            "vocational_certificate) "
            f"{counter} SELECT i + 1, i / 2 + 1, 'Pupil ' || i, CASE i % 2 WHEN 0 THEN 'm' "
            f"ELSE 'f' END, printf('%%04d-%%02d-%%02d', {SCHOOL_YEAR - 6} - {_mix('i', 13, 10)}, "
            f"1 + {_mix('i', 17, 8)}, 1 + {_mix('i', 19, 28)}), "
            f"CASE WHEN {_mix('i', 23, 10)} = 0 THEN NULL ELSE printf('%%012d', i) END, "
            "'', 0, 0, 0, 0, 0, 0, 0, '', '', 'child', 'none', 0 FROM n",
            [persons - 1],
        ),
        (
            "INSERT INTO registry_enrolment "  # noqa: S608
            "(person_id, school_id, school_year, level, grade, boarding, status, "
            "attendance_rate, program, school_days) "
            f"SELECT p.id, CASE h.unit_id {school_id} ELSE NULL END, {SCHOOL_YEAR}, 'primary', "
            f"3, 0, CASE WHEN {enrolment} < 950 THEN 'enrolled' ELSE 'dropped_out' END, NULL, "
            "'', NULL FROM registry_person p JOIN registry_household h ON h.id = p.household_id "
            f"WHERE {enrolment} < 980",
            [],
        ),
        (
            "INSERT INTO crosscheck_registerrow "  # noqa: S608
            "(run_id, line, national_id, full_name, birth_date, school_code, school_id, grade, "
            "status, unmatched) "
            f"SELECT {run_id}, p.id + 1, COALESCE(p.national_id, ''), p.full_name, p.birth_date, "
            f"COALESCE(CASE h.unit_id {school_code} END, 'X'), CASE h.unit_id {school_id} END, 3, "
            f"CASE WHEN ({enrolment} < 950) = ({_mix('p.id', 67)} >= 10) THEN 'enrolled' "
            "ELSE 'dropped_out' END, 0 "
            "FROM registry_person p JOIN registry_household h ON h.id = p.household_id "
            f"WHERE {_mix('p.id', 61)} >= 20",
            [],
        ),
        (
            "INSERT INTO crosscheck_registerrow "  # noqa: S608
            "(run_id, line, national_id, full_name, birth_date, school_code, school_id, grade, "
            "status, unmatched) "
            f"{counter} SELECT {run_id}, {persons} + i + 2, printf('S%%011d', i), "
            "'Stranger ' || i, '2015-01-01', 'X', NULL, 3, 'enrolled', 0 FROM n",
            [max(persons // 50, 1) - 1],
        ),
    ]
    # Only numbers and this module's constants are interpolated into the statements.
    with transaction.atomic(), connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)


def _communes() -> list[str]:
    from reach.geo.models import Unit

    return list(
        Unit.objects.filter(level="commune", parent__code=DISTRICT).values_list("code", flat=True)
    )


def baseline(run, *, sample: int) -> tuple[int, int, int, float]:
    """(register rows, children, findings, seconds) of a row-by-row comparison of a sample."""
    from django.db import connection, transaction

    from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
    from reach.crosscheck.rules import rules, school_ages
    from reach.indicators.parameters import age_on, indicator_parameters
    from reach.registry.models import Enrolment, HouseholdYearStatus, Person

    attending, poor = rules().attending_statuses, rules().poor_statuses
    band = school_ages()
    day = indicator_parameters().reference_date(SCHOOL_YEAR)
    prefix = run.unit.path + "."
    total_rows = RegisterRow.objects.filter(run=run).count()
    step = max(1, total_rows // sample)
    row_ids = list(
        RegisterRow.objects.filter(run=run).order_by("pk").values_list("pk", flat=True)[::step]
    )[:sample]
    total_persons = Person.objects.count()
    person_ids = list(range(1, total_persons + 1, max(1, total_persons // sample)))[:sample]
    findings = 0
    with transaction.atomic():
        # The look-ups a row-by-row comparison needs (rolled back with the rest, not timed).
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX bench_register_id ON crosscheck_registerrow (run_id, national_id)"
            )
            cursor.execute(
                "CREATE INDEX bench_register_name "
                "ON crosscheck_registerrow (run_id, full_name, birth_date)"
            )
        other = CrosscheckRun.objects.create(
            unit=run.unit, month=run.month, school_year=SCHOOL_YEAR, filename="baseline"
        )
        started = time.perf_counter()

        def found(kind, person, mismatch=""):
            # By the household's own statuses (its index), the year picked out here.
            statuses = HouseholdYearStatus.objects.filter(household=person.household_id)
            status = next(
                (s for year, s in statuses.values_list("year", "status") if year == SCHOOL_YEAR),
                "",
            )
            Finding(
                run=other,
                kind=kind,
                person=person,
                household_id=person.household_id,
                household_status=status,
                mismatch=mismatch,
                poor=status in poor,
            ).save()

        for pk in row_ids:
            row = RegisterRow.objects.get(pk=pk)
            by_id = Person.objects.select_related("household__unit").order_by()
            person = (
                next(iter(by_id.filter(national_id=row.national_id)[:1]), None)
                if row.national_id
                else None
            ) or next(
                (
                    p
                    for p in Person.objects.select_related("household__unit").filter(
                        full_name=row.full_name, birth_date=row.birth_date
                    )
                    if not p.national_id
                ),
                None,
            )
            if person is None or not person.household.unit.path.startswith(prefix):
                continue
            # By the person's own enrolments (the index on person), the year picked out here.
            statuses = {
                status
                for year, status in Enrolment.objects.filter(person=person).values_list(
                    "school_year", "status"
                )
                if year == SCHOOL_YEAR
            }
            if row.status == "enrolled" and not statuses & set(attending):
                found("not_attending", person, "registered_not_attending")
                findings += 1
            if row.status == "dropped_out" and "enrolled" in statuses:
                found("not_attending", person, "attending_registered_out")
                findings += 1
            if ("dropped_out" in statuses or row.status == "dropped_out") and (
                "enrolled" not in statuses
            ):
                found("dropout", person)
                findings += 1
        rows_s = time.perf_counter() - started
        started = time.perf_counter()
        for pk in person_ids:
            person = Person.objects.select_related("household__unit").get(pk=pk)
            if age_on(person.birth_date, day) not in band:
                continue
            on_register = RegisterRow.objects.filter(run=run)
            if person.national_id:
                on_register = on_register.filter(national_id=person.national_id)
            else:
                on_register = on_register.filter(
                    full_name=person.full_name, birth_date=person.birth_date
                )
            if not on_register.exists():
                found("not_in_register", person)
                findings += 1
        persons_s = time.perf_counter() - started
        print(
            f"  baseline sample: {len(row_ids)} rows in {rows_s:.2f} s, "
            f"{len(person_ids)} children in {persons_s:.2f} s"
        )
        transaction.set_rollback(True)
    seconds = rows_s / len(row_ids) * total_rows + persons_s / len(person_ids) * total_persons
    return total_rows, total_persons, findings, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=5000, help="rows and children compared")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        import datetime as dt

        from reach.accounts.permissions import command_line_actor
        from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
        from reach.crosscheck.services import compare_register
        from reach.geo.models import Unit
        from reach.geo.services import DATA_DIR, load_schools, load_units

        actor = command_line_actor()
        load_units(actor=actor, path=DATA_DIR / "units-demo.csv")
        load_schools(actor=actor, path=DATA_DIR / "schools-demo.csv")
        unit = Unit.objects.get(code=DISTRICT)
        run = CrosscheckRun.objects.create(
            unit=unit,
            month=dt.date.fromisoformat(MONTH),
            school_year=SCHOOL_YEAR,
            filename="bench.csv",
        )
        started = time.perf_counter()
        generate(args.persons, run.pk)
        rows = RegisterRow.objects.filter(run=run).count()
        run.register_rows = rows
        run.save()
        print(f"database: fresh SQLite file in {var_dir}")
        print(
            f"input: {args.persons} children in {unit}, a register of {rows} rows; generated "
            f"in {time.perf_counter() - started:.1f} s (not timed)"
        )

        started, cpu = time.perf_counter(), time.process_time()
        run = compare_register(actor=actor, run=run, open_cases=False)
        seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"set-based comparison in {seconds:.2f} s ({cpu_s:.2f} s of CPU): {run.matched} rows "
            f"matched ({run.outside_unit} outside the unit), {run.school_age} school-age children, "
            f"{run.not_in_register} in no register, {run.not_attending} register and "
            f"attendance disagree, {run.dropouts} dropouts ({run.poor_dropouts} poor); "
            f"{Finding.objects.filter(run=run).count()} findings"
        )

        sample_rows, sample_persons, findings, baseline_s = baseline(run, sample=args.sample)
        print(
            f"baseline: {args.sample} register rows and {args.sample} children compared one "
            f"at a time ({findings} findings saved), extrapolated to {sample_rows} rows and "
            f"{sample_persons} children: {baseline_s:.1f} s"
        )
        print(
            f"persons={args.persons} register_rows={rows} seconds={seconds:.2f} "
            f"cpu_s={cpu_s:.2f} baseline_s={baseline_s:.1f} speedup={baseline_s / seconds:.1f}"
        )


if __name__ == "__main__":
    main()
