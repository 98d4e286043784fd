"""The set-based pass of a register cross-check (四查三比对), in a few statements whatever the
size of the register, inside the caller's transaction and four temporary tables of its
connection:

1. `cc_raw`: each register row with the registry's person it is (national ID anywhere, else
   full name and birth date among the unit's persons without an ID, paired one to one by rank
   when several share them, through `cc_namesake`): a few INSERT ... SELECTs and one UPDATE.
2. `cc_match`: per person, the first row and whether the register holds them as enrolled or as
   dropped out (GROUP BY).
3. `cc_person`: per person of the unit, in one pass: of school age or not, their register
   facts (a primary-key look-up in `cc_match`) and their enrolment facts of the school year
   (index look-ups in the enrolments).

The three lists are then INSERT ... SELECTs over `cc_person` with plain conditions, and the
ledgers' counts one aggregate. No Python loop over rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from reach.crosscheck.choices import FindingKind, Mismatch
from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
from reach.crosscheck.rules import rules, school_ages
from reach.geo.models import PATH_SEPARATOR, Unit
from reach.indicators.parameters import indicator_parameters
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

RAW, NAMESAKE, MATCH, PERSON = "cc_raw", "cc_namesake", "cc_match", "cc_person"
TABLES = {
    RAW: (
        "row_id bigint, person_id bigint, status varchar(12), full_name varchar(200), "
        "birth_date date, k integer"
    ),
    NAMESAKE: (
        "full_name varchar(200), birth_date date, k integer, person_id bigint, "
        "PRIMARY KEY (full_name, birth_date, k)"
    ),
    MATCH: "person_id bigint PRIMARY KEY, row_id bigint, reg_in integer, reg_out integer",
    PERSON: (
        "person_id bigint PRIMARY KEY, household_id bigint, school_age integer, row_id bigint, "
        "reg_in integer, reg_out integer, flags integer"
    ),
}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _execute(sql: str, params: list | tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _scalar(sql: str, params: list | tuple = ()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchone())


# SQLite's page caches while a comparison runs (KiB): the pass reads the unit's persons,
# households and enrolments once each, a few hundred MB for a million children, and sorts the
# register by person; the default 2 MB would read most pages from the file again.
SQLITE_CACHE_KIB = 256 * 1024


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    (main,) = _scalar("PRAGMA main.cache_size")
    (temp,) = _scalar("PRAGMA temp.cache_size")
    _execute(f"PRAGMA main.cache_size = -{SQLITE_CACHE_KIB}")
    _execute(f"PRAGMA temp.cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        _execute(f"PRAGMA main.cache_size = {int(main)}")
        _execute(f"PRAGMA temp.cache_size = {int(temp)}")


@contextmanager
def _temporary_tables() -> Iterator[None]:
    for name, columns in TABLES.items():
        _execute(f"DROP TABLE IF EXISTS {_q(name)}")
        _execute(f"CREATE TEMPORARY TABLE {_q(name)} ({columns})")
    try:
        yield
    finally:
        for name in TABLES:
            _execute(f"DROP TABLE IF EXISTS {_q(name)}")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(["%s"] * len(values))


def run_comparison(run: CrosscheckRun) -> dict[str, int]:
    """Match, list and count; returns the run's counts (the caller saves them)."""
    with _sqlite_cache(), _temporary_tables():
        _match(run)
        _persons(run)
        counts = _findings(run)
        counts.update(_counts(run))
    return counts


def _match(run: CrosscheckRun) -> None:
    rows, person = _table(RegisterRow), _table(Person)
    household, unit = _table(Household), _table(Unit)
    # Only quoted model names are interpolated; every value travels in the parameters.
    _execute(
        f"INSERT INTO {_q(RAW)} (row_id, person_id, status) "  # noqa: S608
        f"SELECT r.id, p.id, r.status FROM {rows} r JOIN {person} p "
        "ON p.national_id = r.national_id WHERE r.run_id = %s AND r.national_id <> ''",
        [run.pk],
    )
    # The rows without an ID or whose ID is unknown, each numbered among the register's rows
    # of its full name and birth date (`k`, in register order); the unit's persons without an
    # ID of those names numbered the same way (in person order); the k-th row then takes the
    # k-th person, so that two children sharing name and birth date are matched one to one,
    # not twice to the first. A row left without a partner stays unmatched. (COALESCE keeps the
    # planner on the name index rather than the ID index's NULLs.)
    _execute(
        f"INSERT INTO {_q(RAW)} (row_id, person_id, status, full_name, birth_date, k) "  # noqa: S608
        "SELECT r.id, NULL, r.status, r.full_name, r.birth_date, "
        "ROW_NUMBER() OVER (PARTITION BY r.full_name, r.birth_date ORDER BY r.id) "
        f"FROM {rows} r LEFT JOIN {person} p "
        "ON p.national_id = r.national_id AND r.national_id <> '' "
        "WHERE r.run_id = %s AND p.id IS NULL",
        [run.pk],
    )
    _execute(
        f"INSERT INTO {_q(NAMESAKE)} (full_name, birth_date, k, person_id) "  # noqa: S608
        "SELECT p.full_name, p.birth_date, "
        "ROW_NUMBER() OVER (PARTITION BY p.full_name, p.birth_date ORDER BY p.id), p.id "
        f"FROM {person} p JOIN {household} h ON h.id = p.household_id "
        f"JOIN {unit} u ON u.id = h.unit_id "
        f"WHERE p.full_name IN (SELECT full_name FROM {_q(RAW)} WHERE k IS NOT NULL) "
        "AND COALESCE(p.national_id, '') = '' AND (u.path = %s OR u.path LIKE %s)",
        [run.unit.path, run.unit.path + PATH_SEPARATOR + "%"],
    )
    _execute(
        f"UPDATE {_q(RAW)} SET person_id = (SELECT n.person_id FROM {_q(NAMESAKE)} n "  # noqa: S608
        f"WHERE n.full_name = {_q(RAW)}.full_name AND n.birth_date = {_q(RAW)}.birth_date "
        f"AND n.k = {_q(RAW)}.k) WHERE k IS NOT NULL",
    )
    _execute(
        f"INSERT INTO {_q(MATCH)} (person_id, row_id, reg_in, reg_out) "  # noqa: S608
        "SELECT person_id, MIN(row_id), "
        "MAX(CASE WHEN status = 'enrolled' THEN 1 ELSE 0 END), "
        "MAX(CASE WHEN status = 'dropped_out' THEN 1 ELSE 0 END) "
        f"FROM {_q(RAW)} WHERE person_id IS NOT NULL GROUP BY person_id"
    )
    _execute(
        f"UPDATE {rows} SET unmatched = %s WHERE id IN "  # noqa: S608
        f"(SELECT row_id FROM {_q(RAW)} WHERE person_id IS NULL)",
        [True],
    )


# Bits of the statuses of a person's enrolments of the school year (`cc_person.flags`).
STATUS_BITS = {"enrolled": 1, "dropped_out": 2, "graduated": 4, "transferred": 8}


def _bits(statuses: tuple[str, ...]) -> int:
    return sum(STATUS_BITS[status] for status in statuses)


def _persons(run: CrosscheckRun) -> None:
    params = indicator_parameters()
    after, up_to = school_ages().birth_dates(params.reference_date(run.school_year))
    person, household, unit = _table(Person), _table(Household), _table(Unit)
    bits = " ".join(f"WHEN '{status}' THEN {bit}" for status, bit in STATUS_BITS.items())
    # One look-up of the person's enrolments of the year (the unique index on person, year and
    # level; "+ 0" keeps the planner off the year-first indexes), their statuses folded into
    # bits; one of the register's match.
    _execute(
        f"INSERT INTO {_q(PERSON)} (person_id, household_id, school_age, row_id, reg_in, "  # noqa: S608
        "reg_out, flags) "
        "SELECT p.id, p.household_id, "
        "CASE WHEN p.birth_date > %s AND p.birth_date <= %s THEN 1 ELSE 0 END, "
        "m.row_id, COALESCE(m.reg_in, 0), COALESCE(m.reg_out, 0), "
        f"COALESCE((SELECT SUM(DISTINCT CASE e.status {bits} ELSE 0 END) "
        f"FROM {_table(Enrolment)} e WHERE e.person_id = p.id AND e.school_year + 0 = %s), 0) "
        f"FROM {person} p JOIN {household} h ON h.id = p.household_id "
        f"JOIN {unit} u ON u.id = h.unit_id LEFT JOIN {_q(MATCH)} m ON m.person_id = p.id "
        "WHERE u.path = %s OR u.path LIKE %s",
        [after, up_to, run.school_year, run.unit.path, run.unit.path + PATH_SEPARATOR + "%"],
    )


# The conditions of each list over `cc_person` (c).
LISTS = (
    (FindingKind.NOT_IN_REGISTER, "", "c.school_age = 1 AND c.row_id IS NULL"),
    (
        FindingKind.NOT_ATTENDING,
        Mismatch.REGISTERED_NOT_ATTENDING,
        "c.reg_in = 1 AND (c.flags & {attending}) = 0",
    ),
    (
        FindingKind.NOT_ATTENDING,
        Mismatch.ATTENDING_REGISTERED_OUT,
        "c.reg_out = 1 AND c.reg_in = 0 AND (c.flags & 1) <> 0",
    ),
    (FindingKind.DROPOUT, "", "((c.flags & 2) <> 0 OR c.reg_out = 1) AND (c.flags & 1) = 0"),
)


def _findings(run: CrosscheckRun) -> dict[str, int]:
    poor = rules().poor_statuses
    counts = {kind.value: 0 for kind in FindingKind}
    attending = _bits(rules().attending_statuses)
    for kind, mismatch, condition in LISTS:
        where = condition.format(attending=attending)
        counts[kind] += _execute(
            f"INSERT INTO {_table(Finding)} (run_id, kind, person_id, household_id, "  # noqa: S608
            "household_status, mismatch, register_row_id, poor) "
            "SELECT %s, %s, c.person_id, c.household_id, COALESCE(s.status, ''), %s, c.row_id, "
            f"CASE WHEN s.status IN ({_in(poor)}) THEN %s ELSE %s END "
            f"FROM {_q(PERSON)} c LEFT JOIN {_table(HouseholdYearStatus)} s "
            f"ON s.household_id = c.household_id AND s.year = %s WHERE {where}",
            [run.pk, kind.value, str(mismatch), *poor, True, False, run.school_year],
        )
    return {
        "not_in_register": counts[FindingKind.NOT_IN_REGISTER],
        "not_attending": counts[FindingKind.NOT_ATTENDING],
        "suspected": counts[FindingKind.NOT_IN_REGISTER] + counts[FindingKind.NOT_ATTENDING],
        "dropouts": counts[FindingKind.DROPOUT],
    }


def _counts(run: CrosscheckRun) -> dict[str, int]:
    school_age, in_unit = _scalar(
        f"SELECT COALESCE(SUM(school_age), 0), COUNT(row_id) FROM {_q(PERSON)}"  # noqa: S608
    )
    matched, rows_in_unit = _scalar(
        f"SELECT COUNT(person_id), COUNT(CASE WHEN EXISTS (SELECT 1 FROM {_q(PERSON)} c "  # noqa: S608
        f"WHERE c.person_id = r.person_id) THEN 1 END) FROM {_q(RAW)} r"
    )
    (poor_dropouts,) = _scalar(
        f"SELECT COUNT(*) FROM {_table(Finding)} WHERE run_id = %s AND kind = %s "  # noqa: S608
        "AND poor = %s",
        [run.pk, FindingKind.DROPOUT.value, True],
    )
    return {
        "school_age": int(school_age),
        "matched": int(matched),
        "outside_unit": int(matched) - int(rows_in_unit),
        "poor_dropouts": int(poor_dropouts),
    }
