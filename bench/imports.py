"""Benchmark the household import (stage + commit) against a record-at-a-time import.

    python -m bench.imports --rows 100000
    python -m bench.imports --rows 100000 --database postgres [--postgres-url URL]

Runs on a fresh SQLite file in a temporary directory (DATABASE_URL is ignored), or on a fresh
PostgreSQL database created (and dropped after) at --postgres-url (default: database
reach_bench_imports of the local server). It writes a realistic CSV of N person rows (~3.5
persons per household, pupils with enrolments) over the demo units and schools, times
`stage_household_import` + `commit_household_import` (wall and this process's CPU time), then
times a naive import of a sample (each row parsed, its unit, household, person, status, school
and enrolment looked up with one query each and every object saved with `.save()` and its own
audit event, in one transaction) and extrapolates it to N rows.
"""

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import set_up_django

VN_FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
VN_MIDDLE = "Văn Thị Hữu Minh Thanh Ngọc Quang Thu Đức Kim Hoài Gia".split()
VN_GIVEN = "An Bình Cường Dũng Em Giang Hà Hải Hạnh Hoa Hùng Khánh Lan Linh Long Mai Nam Ngân \
Phúc Phương Quân Sơn Tâm Thảo Trang Tuấn Uyên Vy Yến Xuân".split()
CN_FAMILY = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 胡 罗 龙 吴".split()
CN_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华红兰梅凤")
COMPLETED = ("primary", "lower_secondary", "upper_secondary")
STATUSES = ["poor", "near_poor", "escaped_poor", "escaped_near_poor", "none"]
LEVEL_BY_AGE = [
    (3, 5, "preschool", None),
    (6, 10, "primary", 1),
    (11, 14, "lower_secondary", 6),
    (15, 17, "upper_secondary", 10),
]
SCHOOL_YEAR = 2024


def _cn_id(rng: random.Random, unit_code: str, birth: dt.date) -> str:
    from reach.registry.imports.values import cn_check_digit

    first17 = f"{unit_code[:6]}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + cn_check_digit(first17)


class RowWriter:
    """Realistic person rows over the demo communes and their schools."""

    def __init__(self, seed: int):
        from reach.geo.models import School, Unit

        self.rng = random.Random(seed)
        self.units = list(Unit.objects.filter(level="commune").values_list("code", "path"))
        self.schools: dict[tuple[str, str], str] = {}
        for code, unit_code, levels in School.objects.values_list("code", "unit__code", "levels"):
            for level in levels:
                self.schools.setdefault((unit_code, level), code)
        self.ids: set[str] = set()
        self.today = dt.date(2025, 6, 1)

    def _national_id(self, country: str, unit_code: str, birth: dt.date) -> str:
        while True:
            if country == "CN":
                value = _cn_id(self.rng, unit_code, birth)
            else:
                value = f"079{self.rng.randrange(10**9):09d}"
            if value not in self.ids:
                self.ids.add(value)
                return value

    def _name(self, country: str, family: str) -> str:
        rng = self.rng
        if country == "CN":
            return family + "".join(rng.choice(CN_GIVEN) for _ in range(rng.choice((1, 2))))
        return f"{family} {rng.choice(VN_MIDDLE)} {rng.choice(VN_GIVEN)}"

    def _birth(self, low_age: int, high_age: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randrange(low_age * 365, high_age * 365 + 1))

    def household(self, code: str) -> list[dict]:
        rng = self.rng
        unit_code, path = rng.choice(self.units)
        country = path.split(".")[0]
        family = rng.choice(CN_FAMILY if country == "CN" else VN_FAMILY)
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(8, 14, 22, 28, 18, 10))[0]
        members = [("head", self._birth(28, 70))]
        if size > 1:
            members.append(("spouse", self._birth(25, 65)))
        for _ in range(size - len(members)):
            if rng.random() < 0.85:
                members.append(("child", self._birth(1, 24)))
            else:
                members.append(("parent", self._birth(60, 90)))
        head_name = self._name(country, family)
        shared = {
            "household_code": code,
            "unit_code": unit_code,
            "head_name": head_name,
            "address": f"Tổ {rng.randrange(1, 40)}" if country == "VN" else f"{rng.randrange(9)}组",
            "poverty_status": rng.choice(STATUSES),
            "status_year": "2024",
        }
        rows = []
        for index, (relation, birth) in enumerate(members):
            age = (self.today - birth).days // 365
            adult = age >= 14
            row = shared | {
                "full_name": head_name if index == 0 else self._name(country, family),
                "sex": rng.choice("mf"),
                "birth_date": birth.isoformat() if rng.random() < 0.7 else f"{birth:%d/%m/%Y}",
                "national_id": self._national_id(country, unit_code, birth)
                if adult or rng.random() < 0.5
                else "",
                "ethnicity": "Kinh" if country == "VN" else rng.choice(("汉族", "苗族", "布依族")),
                "ethnic_minority": "1" if country == "CN" and rng.random() < 0.6 else "0",
                "relation": relation,
                "disabled": "x" if rng.random() < 0.03 else "",
                "orphan": "",
                "martyr_child": "",
                "education_completed": "none" if age < 11 else rng.choice(COMPLETED),
            }
            for low, high, level, first_grade in LEVEL_BY_AGE:
                school = self.schools.get((unit_code, level))
                if low <= age <= high and school and rng.random() < 0.95:
                    grade = "" if first_grade is None else str(first_grade + age - low)
                    row |= {"school_code": school, "school_year": "2024-2025", "level": level,
                            "grade": grade, "boarding": "1" if rng.random() < 0.2 else "0",
                            "enrollment_status": "enrolled"}  # fmt: skip
            rows.append(row)
        return rows


def write_csv(path: Path, rows: int, seed: int, prefix: str) -> int:
    from reach.registry.imports.headings import COLUMNS

    writer_rows = RowWriter(seed)
    households = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        written = 0
        while written < rows:
            batch = writer_rows.household(f"{prefix}{households:07d}")[: rows - written]
            writer.writerows(batch)
            written += len(batch)
            households += 1
    return households


def baseline(path: Path) -> tuple[int, float]:
    """Rows imported and seconds taken by a record-at-a-time import of the CSV at `path`."""
    from django.db import transaction

    from reach.accounts.choices import AuditAction
    from reach.accounts.services import record_audit_event, snapshot
    from reach.geo.models import School, Unit
    from reach.registry.imports import values
    from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

    def save(obj, household_id=None) -> None:
        created = obj.pk is None
        obj.save()
        record_audit_event(
            actor=None,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=obj,
            after=snapshot(obj),
            household_id=household_id or obj.pk,
            reason="baseline",
        )

    started = time.perf_counter()
    count = 0
    with transaction.atomic(), open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            birth = values.date(row["birth_date"])
            unit = Unit.objects.get(code=row["unit_code"])
            household = Household.objects.filter(code=row["household_code"]).first()
            if household is None:
                household = Household(code=row["household_code"], unit=unit,
                                      head_name=row["head_name"],
                                      address=row["address"])  # fmt: skip
                save(household)
            year = int(row["status_year"])
            status = HouseholdYearStatus.objects.filter(household=household, year=year).first()
            if status is None:
                status = HouseholdYearStatus(household=household, year=year,
                                             status=row["poverty_status"])  # fmt: skip
                save(status, household.pk)
            person = None
            if row["national_id"]:
                person = Person.objects.filter(national_id=row["national_id"]).first()
            person = (
                person
                or Person.objects.filter(
                    household=household, full_name=row["full_name"], birth_date=birth
                ).first()
            )
            if person is None:
                person = Person(household=household, full_name=row["full_name"],
                                birth_date=birth, sex=row["sex"], relation=row["relation"],
                                national_id=row["national_id"] or None,
                                ethnicity=row["ethnicity"],
                                ethnic_minority=values.boolean(row["ethnic_minority"]),
                                disabled=values.boolean(row["disabled"]),
                                education_completed=row["education_completed"])  # fmt: skip
                save(person, household.pk)
            if row["school_year"]:
                school = School.objects.get(code=row["school_code"])
                school_year = values.school_year(row["school_year"], 2100)
                enrolment = Enrolment.objects.filter(
                    person=person, school_year=school_year, level=row["level"]
                ).first() or Enrolment(person=person, school_year=school_year, level=row["level"])
                enrolment.school = school
                enrolment.grade = int(row["grade"]) if row["grade"] else None
                enrolment.boarding = values.boolean(row["boarding"])
                save(enrolment, household.pk)
            count += 1
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return count, elapsed


POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/reach_bench_imports"


@contextlib.contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database at `url` for the run, dropped at its end."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def set_up(var_dir: str, database: str, url: str) -> str:
    """Django on the benchmark's database, migrated; returns what the machine runs."""
    if database == "sqlite":
        set_up_django(var_dir)
    else:  # as set_up_django, on PostgreSQL
        os.environ.update(DJANGO_SETTINGS_MODULE="reach.settings", REACH_VAR_DIR=var_dir,
                          REACH_DEBUG="0", REACH_DEMO="1", DATABASE_URL=url)  # fmt: skip
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        if database == "sqlite":
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        else:
            cursor.execute("SELECT split_part(version(), ' on ', 1)")
        (version,) = cursor.fetchone()
    return f"{os.cpu_count()} cores, {version}"


def server_cpu_s() -> float | None:
    """CPU seconds used so far by the PostgreSQL server process of this connection, when the
    server runs on this machine (read from /proc); None on SQLite (in this process) or else."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1000, help="rows in the baseline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        var_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="reach-bench-"))
        if args.database == "postgres":
            stack.enter_context(fresh_postgres(args.postgres_url))
        machine = set_up(var_dir, args.database, args.postgres_url)
        from reach.accounts.models import AuditEvent
        from reach.accounts.permissions import command_line_actor
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.registry.imports.services import (
            commit_household_import,
            stage_household_import,
        )
        from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        source = Path(var_dir) / "households.csv"
        households = write_csv(source, args.rows, args.seed, "HH")
        sample = Path(var_dir) / "sample.csv"
        write_csv(sample, args.sample, args.seed + 1, "BL")
        size_mb = source.stat().st_size / 1e6
        where = "fresh SQLite file" if args.database == "sqlite" else "fresh PostgreSQL database"
        print(f"database: {where}; machine: {machine}")
        print(f"input: {args.rows} rows, {households} households, {size_mb:.1f} MB of CSV")

        def progress(verb: str):
            printed = [0]

            def report(done: int, total: int | None) -> None:
                if done // 20000 > printed[0] or done == total:
                    printed[0] = done // 20000
                    print(f"  {done} rows {verb}", flush=True)

            return report

        server_started = server_cpu_s()
        started, cpu_started = time.perf_counter(), time.process_time()
        with open(source, "rb") as handle:
            batch = stage_household_import(
                file=handle, filename=source.name, progress=progress("staged")
            )
        stage_s, stage_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        if batch.errors:
            raise SystemExit(f"the generated file was rejected: {batch.errors[:5]}")
        commit_household_import(batch=batch, progress=progress("committed"))
        import_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        server_ended = server_cpu_s()
        server = (
            f" server_cpu_s={server_ended - server_started:.1f}"
            if server_started is not None and server_ended is not None
            else ""
        )
        print(
            f"stage (read, validate, store, preview): {stage_s:.1f} s, cpu {stage_cpu_s:.1f} s; "
            f"commit (re-check, write, audit): {import_s - stage_s:.1f} s, "
            f"cpu {cpu_s - stage_cpu_s:.1f} s (cpu: this process; server_cpu_s: the PostgreSQL "
            "server's process for the import)"
        )
        print(
            f"registry: {Household.objects.count()} households, {Person.objects.count()} persons, "
            f"{HouseholdYearStatus.objects.count()} statuses, {Enrolment.objects.count()} "
            f"enrolments, {AuditEvent.objects.count()} audit events; "
            f"{len(batch.duplicates)} possible duplicates reported"
        )

        sample_rows, sample_s = baseline(sample)
        baseline_s = sample_s / sample_rows * args.rows
        print(
            f"baseline: {sample_rows} rows one record at a time in {sample_s:.2f} s, "
            f"extrapolated to {args.rows} rows: {baseline_s:.1f} s"
        )
        print(
            f"rows={args.rows} database={args.database} import_s={import_s:.1f} "
            f"stage_s={stage_s:.1f} commit_s={import_s - stage_s:.1f} cpu_s={cpu_s:.1f}{server} "
            f"baseline_s={baseline_s:.1f} speedup={baseline_s / import_s:.1f}"
        )


if __name__ == "__main__":
    main()
