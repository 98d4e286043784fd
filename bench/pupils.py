"""Enrolled pupils for the benchmarks, the same ones whatever the database: a given N always
gives the same households, statuses, persons and enrolments (no random(): every value is a
well-spread number of the row's counter, `_mix`).

`generate_pupils` writes them on SQLite with a few INSERT ... SELECT statements over a recursive
counter; `copy_pupils` writes them into PostgreSQL with COPY, the rows computed a chunk at a time
by the same formulas in numpy (installed with scikit-learn). The lines a run gives are compared
across the two by a digest (`lines_digest`), which the test on PostgreSQL checks at a small
size.
"""

import hashlib
import json
from collections.abc import Iterator

SCHOOL_YEAR = 2024
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
MULTIPLIER, PRIME = 2654435761, 4294967291
CREATED_AT = "2025-01-01 00:00:00"
COPY_CHUNK = 500_000


def _mix(column: str, salt: int, modulus: int = 1000) -> str:
    """SQL: a well-spread number 0..modulus-1 from the counter `column`."""
    return f"((({column} + {salt}) * {MULTIPLIER}) % {PRIME}) % {modulus}"


def _case(pick: str, shares, value) -> str:
    """SQL CASE choosing by cumulative shares in ‰ of `pick` (0..999)."""
    branches, upto = [], 0
    for item in shares:
        upto += item[1]
        branches.append(f"WHEN {pick} < {upto} THEN {value(item)}")
    return "CASE " + " ".join(branches) + " END"


def _quote(value) -> str:
    return "NULL" if value is None else f"'{value}'"


def _reference_rows() -> tuple[dict[str, list[int]], dict[tuple[int, str], int]]:
    """The communes of each country (in path order) and the first school of each commune and
    level; marks the difficult communes of SCHOOL_YEAR on the way."""
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
    schools: dict[tuple[int, str], int] = {}
    for pk, unit_id, levels in School.objects.order_by("pk").values_list("pk", "unit_id", "levels"):
        for level in levels:
            schools.setdefault((unit_id, level), pk)
    return communes, schools


def _unlisted(model, listed: tuple[str, ...]) -> list[tuple[str, object]]:
    """The columns of `model` a generator does not set, with their default (the model's)."""
    return [
        (field.column, field.get_default())
        for field in model._meta.concrete_fields
        if field.column not in listed and not field.primary_key
    ]


def _sql_literal(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return _quote(value)


HOUSEHOLD = ("id", "code", "unit_id", "head_name", "address", "created_at", "updated_at")
STATUS = ("household_id", "year", "status", "decision")
PERSON = (
    "id",
    "household_id",
    "full_name",
    "sex",
    "birth_date",
    "national_id",
    "ethnicity",
    "ethnic_minority",
    "disabled",
    "orphan",
    "martyr_child",
    "relation",
    "education_completed",
    "vocational_certificate",
)
ENROLMENT = (
    "id",
    "person_id",
    "school_id",
    "school_year",
    "level",
    "grade",
    "boarding",
    "status",
    "attendance_rate",
    "program",
    "school_days",
)


def generate_pupils(students: int) -> int:
    """N pupils enrolled in SCHOOL_YEAR, two to a household, households alternating between the
    two jurisdictions, on SQLite; each table filled by one INSERT ... SELECT over a recursive
    counter. Returns the number of households."""
    from django.db import connection, transaction

    from reach.registry.models import Person

    communes, schools = _reference_rows()

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
    person_rest = _unlisted(Person, PERSON)
    rest_columns = "".join(f", {column}" for column, _ in person_rest)
    rest_values = "".join(f", {_sql_literal(value)}" for _, value in person_rest)
    counter = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
    now = f"'{CREATED_AT}'"
    statements = [
        f"INSERT INTO registry_household ({', '.join(HOUSEHOLD)}) {counter} "  # noqa: S608
        "SELECT i + 1, 'BH' || i, CASE i % 2 WHEN 0 THEN "
        f"{commune_of('VN')} ELSE {commune_of('CN')} END, 'Head ' || i, '', {now}, {now} FROM n",
        f"INSERT INTO registry_householdyearstatus ({', '.join(STATUS)}) "  # noqa: S608
        f"SELECT id, {SCHOOL_YEAR}, status, '' FROM (SELECT id, "
        f"{_case(_mix('id', 5), STATUSES, lambda item: _quote(item[0]))} AS status "
        "FROM registry_household) WHERE status IS NOT NULL",
        f"INSERT INTO registry_person ({', '.join(PERSON)}{rest_columns}) "  # noqa: S608
        f"{counter} SELECT i + 1, h.id, 'Pupil ' || i, CASE i % 2 WHEN 0 THEN 'm' ELSE 'f' END, "
        f"printf('%%04d-%%02d-%%02d', {birth_year}, 1 + {_mix('i', 17, 12)}, "
        f"1 + {_mix('i', 19, 28)}), NULL, '', "
        f"{_mix('i', 23, 10)} < CASE WHEN h.unit_id IN ({chinese}) THEN 6 ELSE 1 END, "
        f"{_mix('i', 29, 100)} < 3, {_mix('i', 31, 100)} < 2, {_mix('i', 37, 100)} < 1, "
        f"'child', 'none', 0{rest_values} FROM n JOIN registry_household h "
        f"ON h.id = i / {PUPILS_PER_HOUSEHOLD} + 1",
        f"INSERT INTO registry_enrolment ({', '.join(ENROLMENT)}) "  # noqa: S608
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


# -- the same pupils by COPY into PostgreSQL -------------------------------------------------


def _np_mix(counter, salt: int, modulus: int = 1000):
    """`_mix` on a numpy array of counters (int64: no overflow below 3.4e9 rows)."""
    return ((counter + salt) * MULTIPLIER % PRIME) % modulus


def _shares(pick, shares):
    """The index of the item of `shares` (cumulative ‰) each `pick` (0..999) falls in."""
    import numpy as np

    return np.searchsorted(np.cumsum([item[1] for item in shares]), pick, side="right")


def _copy_text(value) -> str:
    """A default as COPY's text format writes it (defaults hold no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, COPY_CHUNK):
        yield start, min(total, start + COPY_CHUNK)


def copy_pupils(students: int) -> int:
    """The pupils of `generate_pupils`, written into PostgreSQL by COPY (one per table, fed a
    chunk of rows at a time, the tables' foreign keys added back afterwards), then the tables'
    key sequences moved past them. Returns the number of households."""
    import numpy as np
    from django.db import connection, transaction

    from reach.registry.models import Person

    communes, schools = _reference_rows()
    vn, cn = np.array(communes["VN"]), np.array(communes["CN"])
    households = -(-students // PUPILS_PER_HOUSEHOLD)

    def unit_of(index):
        in_vn, in_cn = vn[_np_mix(index, 3, len(vn))], cn[_np_mix(index, 3, len(cn))]
        return np.where(index % 2 == 0, in_vn, in_cn)

    level_names = [item[0] for item in LEVELS]
    school_of = {key: str(pk) for key, pk in schools.items()}
    person_rest = _unlisted(Person, PERSON)
    person_tail = "".join(f"\t{_copy_text(value)}" for _, value in person_rest)
    created = f"{CREATED_AT}+00"

    def household_rows() -> Iterator[str]:
        for start, end in _chunks(households):
            i = np.arange(start, end, dtype=np.int64)
            units = unit_of(i).tolist()
            yield "".join(
                f"{n + 1}\tBH{n}\t{unit}\tHead {n}\t\t{created}\t{created}\n"
                for n, unit in zip(range(start, end), units, strict=True)
            )

    def status_rows() -> Iterator[str]:
        names = [item[0] for item in STATUSES]
        for start, end in _chunks(households):
            ids = np.arange(start + 1, end + 1, dtype=np.int64)
            picks = _shares(_np_mix(ids, 5), STATUSES).tolist()
            yield "".join(
                f"{key}\t{SCHOOL_YEAR}\t{names[pick]}\t\n"
                for key, pick in zip(range(start + 1, end + 1), picks, strict=True)
                if names[pick] is not None
            )

    def pupil_columns(start: int, end: int) -> dict:
        i = np.arange(start, end, dtype=np.int64)
        level = _shares(_np_mix(i, 11), LEVELS)
        age = _np_mix(i, 13, 4)
        unit = unit_of(i // PUPILS_PER_HOUSEHOLD)
        return {"i": i, "level": level, "age": age, "unit": unit}

    def person_rows() -> Iterator[str]:
        youngest = np.array([item[2] for item in LEVELS])
        for start, end in _chunks(students):
            c = pupil_columns(start, end)
            i = c["i"]
            chinese = np.isin(c["unit"], cn)
            columns = zip(
                range(start, end),
                (i // PUPILS_PER_HOUSEHOLD + 1).tolist(),
                (SCHOOL_YEAR - youngest[c["level"]] - c["age"]).tolist(),
                (1 + _np_mix(i, 17, 12)).tolist(),
                (1 + _np_mix(i, 19, 28)).tolist(),
                (_np_mix(i, 23, 10) < np.where(chinese, 6, 1)).tolist(),
                (_np_mix(i, 29, 100) < 3).tolist(),
                (_np_mix(i, 31, 100) < 2).tolist(),
                (_np_mix(i, 37, 100) < 1).tolist(),
                strict=True,
            )
            flag = {True: "t", False: "f"}
            yield "".join(
                f"{n + 1}\t{household}\tPupil {n}\t{'fm'[n % 2]}\t{year:04d}-{month:02d}-{day:02d}"
                f"\t\\N\t\t{flag[minority]}\t{flag[disabled]}\t{flag[orphan]}\t{flag[martyr]}"
                f"\tchild\tnone\tf{person_tail}\n"
                for n, household, year, month, day, minority, disabled, orphan, martyr in columns
            )

    def enrolment_rows() -> Iterator[str]:
        first = [item[3] for item in LEVELS]
        highest = [item[4] for item in LEVELS]
        for start, end in _chunks(students):
            c = pupil_columns(start, end)
            e = c["i"] + 1
            columns = zip(
                range(start + 1, end + 1),
                c["unit"].tolist(),
                c["level"].tolist(),
                c["age"].tolist(),
                (_np_mix(e, 41, 100) < 25).tolist(),
                _np_mix(e, 43, 2).tolist(),
                _np_mix(e, 47, 3).tolist(),
                (170 + _np_mix(e, 53, 40)).tolist(),
                strict=True,
            )
            rows = []
            for key, unit, level, age, boarding, bachelor, has_days, days in columns:
                name = level_names[level]
                grade = (
                    "\\N" if first[level] is None else str(min(first[level] + age, highest[level]))
                )
                program = (
                    ("bachelor" if bachelor == 0 else "associate")
                    if name == "higher_education"
                    else ""
                )
                rows.append(
                    f"{key}\t{key}\t{school_of.get((unit, name), chr(92) + 'N')}\t{SCHOOL_YEAR}"
                    f"\t{name}\t{grade}\t{'t' if boarding else 'f'}\tenrolled\t\\N\t{program}"
                    f"\t{days if has_days == 0 else chr(92) + 'N'}\n"
                )
            yield "".join(rows)

    tables = (
        ("registry_household", HOUSEHOLD, household_rows),
        ("registry_householdyearstatus", STATUS, status_rows),
        ("registry_person", PERSON + tuple(column for column, _ in person_rest), person_rows),
        ("registry_enrolment", ENROLMENT, enrolment_rows),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The tables' foreign keys are checked once each, by one join, when added back after the
        # COPY, instead of a look-up a row at the commit (the database is the benchmark's own).
        # Checks still deferred from earlier writes of the transaction (the units and schools a
        # test loads first) run now: PostgreSQL alters no table with trigger events pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [[table for table, _, _ in tables]],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table, columns, rows in tables:
            # Only this module's table and column names are interpolated.
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for chunk in rows():
                    copy.write(chunk)
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in ("registry_household", "registry_person", "registry_enrolment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
    return households


def lines_digest(run_id: int) -> tuple[str, list[tuple]]:
    """A digest of the run's lines, read in (person, policy, benefit) order by what they say,
    not by keys a database numbers (units by code; in-kind and funding as sorted JSON), and the
    lines' totals by policy and benefit (lines, pupils' amount): equal on SQLite and PostgreSQL
    when the lines are."""
    from django.db import connection

    from reach.entitlements.models import EntitlementLine

    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    sql = (
        "SELECT l.person_id, l.enrolment_id, l.household_id, u.code, l.policy_code, "  # noqa: S608
        "l.benefit_code, l.school_year, l.first_month, l.months, l.amount_minor, l.currency, "
        f"l.in_kind, l.funding FROM {EntitlementLine._meta.db_table} l "
        "JOIN geo_unit u ON u.id = l.unit_id WHERE l.run_id = %s "
        f"ORDER BY l.person_id, l.policy_code{collate}, l.benefit_code{collate}"
    )
    digest = hashlib.sha256()
    totals: dict[tuple[str, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_id])
        while rows := cursor.fetchmany(100_000):
            for row in rows:
                *plain, in_kind, funding = row
                written = [
                    json.loads(value) if isinstance(value, str) else value
                    for value in (in_kind, funding)
                ]
                digest.update(
                    json.dumps([*plain, *written], sort_keys=True, separators=(",", ":")).encode()
                )
                total = totals.setdefault((row[4], row[5]), [0, 0])
                total[0] += 1
                total[1] += row[9]
    return digest.hexdigest(), [(*key, *value) for key, value in sorted(totals.items())]
