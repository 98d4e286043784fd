"""Match a batch's staged rows to the registry and count, or write, what they change, in SQL.

Households match by code; persons within their household by national ID, else by full name
(ignoring case) and birth date; statuses by (household, year); enrolments by (person, school
year, level). `StagedMerge` reads the staged rows of a batch into temporary tables, one
statement per step over all of them: the preview (`summary`) and the commit (`write`) are the
same statements, the commit then inserting the new records (`INSERT … SELECT`), updating the
changed ones (`UPDATE … FROM`) and writing one audit event per created or changed record, its
values as `accounts.services.snapshot` gives them, in as many statements. No step loops over
rows in Python (on SQLite, whose lower() folds only ASCII, the comparison of names without case
calls Python's `str.casefold` from SQL, once per name).

A household's values (unit, head, address, status) are those of its first row, the same on
every row (`validation.FileChecks`). A column a row lacks leaves the stored value alone (a new
record takes the model's default); the staged rows hold only valid values, so a missing JSON
key and a JSON null differ only for the school and the grade of an enrolment, where an empty
cell clears the stored value.
"""

from collections.abc import Callable

from django.db import connection, models
from django.utils import timezone

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.geo.models import School, Unit
from reach.registry.imports.headings import PERSON_COLUMNS
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, ImportRow, Person

KINDS = ("households", "statuses", "persons", "enrolments")
OUTCOMES = ("new", "changed", "unchanged")
MODELS: dict[str, type[models.Model]] = {
    "households": Household,
    "statuses": HouseholdYearStatus,
    "persons": Person,
    "enrolments": Enrolment,
}
NATURAL_KEYS = {"code", "household_id", "year", "person_id", "school_year", "level"}
SKIPPED_IN_SNAPSHOT = {"id", "created_at", "updated_at"}  # as accounts.services.snapshot
TABLES = {kind: f"import_merge_{kind}" for kind in KINDS}
ROWS = "import_merge_rows"
Progress = Callable[[int, int | None], None]

# Staged columns (JSON keys of `ImportRow.data`) and their PostgreSQL types.
_STAGED = {
    "unit_code": "text",
    "head_name": "text",
    "address": "text",
    "poverty_status": "text",
    "status_year": "integer",
    "school_code": "text",
    "school_year": "integer",
    "level": "text",
    "grade": "integer",
    "boarding": "boolean",
    "enrollment_status": "text",
    **{
        column: {models.BooleanField: "boolean", models.DateField: "date"}.get(
            type(Person._meta.get_field(column)), "text"
        )
        for column in PERSON_COLUMNS
    },
}
_CLEARABLE = ("school_code", "grade")  # an enrolment's empty cell clears the stored value


def empty_summary() -> dict:
    summary = {f"{kind}_{outcome}": 0 for kind in KINDS for outcome in OUTCOMES}
    summary["persons_not_in_file"] = 0
    return summary


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _audited(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.attname not in SKIPPED_IN_SNAPSHOT]


def _default(field: models.Field) -> str:
    """The SQL literal of a field's default (what a new record gets for a column not given)."""
    value = field.get_default()
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("1" if value else "0") if _sqlite() else ("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _differs(left: str, right: str) -> str:
    return f"{left} IS NOT {right}" if _sqlite() else f"{left} IS DISTINCT FROM {right}"


def _text(expr: str) -> str:
    return f"CAST({expr} AS TEXT)"


def _name_key(expr: str) -> str:
    """A full name compared without case: Python's casefold on SQLite (registered on the
    connection), lower() on PostgreSQL (the same for Vietnamese and Chinese names)."""
    return f"reach_casefold({expr})" if _sqlite() else f"lower({expr})"


def snapshot_sql(model: type[models.Model], alias: str) -> str:
    """SQL giving the audited values of row `alias` of `model`'s columns as a JSON object, as
    `accounts.services.snapshot` gives them (dates as ISO text, booleans as true / false)."""
    pairs = []
    for field in _audited(model):
        column = f"{alias}.{_q(field.attname)}"
        if _sqlite() and isinstance(field, models.BooleanField):
            column = f"CASE WHEN {column} THEN json('true') ELSE json('false') END"
        pairs.append(f"'{field.attname}', {column}")
    return f"{'json_object' if _sqlite() else 'jsonb_build_object'}({', '.join(pairs)})"


_REPR = {  # str() of each model, as SQL over its columns (see the models' __str__)
    "households": lambda a: f"{a}.code || ' ' || {a}.head_name",
    "statuses": lambda a: (
        f"{_text(a + '.household_id')} || ' ' || {_text(a + '.year')} || ': ' || {a}.status"
    ),
    "persons": lambda a: f"{a}.full_name",
    "enrolments": lambda a: (
        f"{_text(a + '.person_id')} || ' ' || {_text(a + '.school_year')} "
        f"|| ' ' || {a}.level || ' ' || {a}.status"
    ),
}


class StagedMerge:
    """The merge of one batch's staged rows, within the caller's transaction. Use as a
    context manager: the temporary tables are dropped on leaving it.

    With `write`, each new record gets its id as its table is built, in the order the old
    record-at-a-time merge gave them (household code, then line): on SQLite after the highest
    id ever given, as AUTOINCREMENT would (the transaction holds the database's write lock
    from its start), on PostgreSQL from the table's sequence."""

    def __init__(self, batch_id: int, *, write: bool = False, actor=None, reason: str = ""):
        self.batch_id = batch_id
        self.writes = write
        self.actor = actor if actor is not None and actor.pk else None
        self.reason = reason[:200]
        self.now = timezone.now()

    def __enter__(self) -> "StagedMerge":
        connection.ensure_connection()
        if _sqlite():
            connection.connection.create_function(
                "reach_casefold", 1, str.casefold, deterministic=True
            )
        self._drop()
        self._stage_rows()
        self._households()
        self._statuses()
        self._persons()
        self._enrolments()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self._drop()

    def _run(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def _analyze(self, table: str) -> None:
        """PostgreSQL: statistics of a temporary table for the next statements' plans (no
        background process gathers them for temporary tables)."""
        if not _sqlite():
            self._run(f"ANALYZE {table}")

    def _drop(self) -> None:
        for table in (ROWS, *TABLES.values()):
            self._run(f"DROP TABLE IF EXISTS {table}")

    def _id(self, kind: str, stored: str, order: str) -> tuple[str, list]:
        """SQL for the id of a record: `stored` (the record on record's), else, when writing,
        a new one (numbered in `order`)."""
        if not self.writes:
            return stored, []
        model = MODELS[kind]
        if _sqlite():
            ((counter,),) = self._run(
                "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s",
                [model._meta.db_table],
            )
            ((highest,),) = self._run(f"SELECT coalesce(max(id), 0) FROM {_table(model)}")  # noqa: S608
            new = f"%s + row_number() OVER (PARTITION BY {stored} IS NULL ORDER BY {order})"
            params = [max(counter, highest)]
        else:
            new, params = "nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table]
        return f"CASE WHEN {stored} IS NULL THEN {new} ELSE {stored} END", params

    # --- reading and matching -------------------------------------------------------------

    def _stage_rows(self) -> None:
        """The batch's rows as a typed table, with the ids of their unit, school and household
        on record."""
        if _sqlite():
            value = "json_extract(r.data, '$.{}')".format
            given = "json_type(r.data, '$.{}') IS NOT NULL".format
        else:
            value = lambda key: f"(r.data ->> '{key}')::{_STAGED[key]}"  # noqa: E731
            given = "jsonb_exists(r.data, '{}')".format
        columns = ", ".join(f"{value(key)} AS {_q(key)}" for key in _STAGED)
        flags = ", ".join(f"{given(key)} AS {key}_given" for key in _CLEARABLE)
        self._run(
            f"CREATE TEMP TABLE {ROWS} AS SELECT x.*, u.id AS unit_id, u.path AS unit_path, "  # noqa: S608
            f"s.id AS school_id, h.id AS household_id, {_name_key('x.full_name')} AS name_key, "
            "CAST(NULL AS BIGINT) AS person_id "
            f"FROM (SELECT r.line, r.household_code AS hcode, {columns}, {flags} "
            f"FROM {_table(ImportRow)} r WHERE r.batch_id = %s) x "
            f"LEFT JOIN {_table(Unit)} u ON u.code = x.unit_code "
            f"LEFT JOIN {_table(School)} s ON s.code = x.school_code "
            f"LEFT JOIN {_table(Household)} h ON h.code = x.hcode",
            [self.batch_id],
        )
        self._run(f"CREATE UNIQUE INDEX {ROWS}_line ON {ROWS} (line)")
        self._analyze(ROWS)

    def _first_rows(self) -> str:
        """The first row of each household, which gives the household's values."""
        return (
            f"{ROWS} f JOIN (SELECT min(line) AS line FROM {ROWS} GROUP BY hcode) k "  # noqa: S608
            "ON k.line = f.line"
        )

    def _households(self) -> None:
        t, h = TABLES["households"], _table(Household)
        address = "COALESCE(f.address, h.address, '')"
        id_sql, params = self._id("households", "h.id", "f.hcode")
        self._run(
            f"CREATE TEMP TABLE {t} AS SELECT f.hcode AS code, {id_sql} AS id, "  # noqa: S608
            f"f.unit_id AS unit_id, f.head_name AS head_name, {address} AS address, "
            "CASE WHEN h.id IS NULL THEN 'new' WHEN h.unit_id <> f.unit_id "
            f"OR h.head_name <> f.head_name OR h.address <> {address} THEN 'changed' "
            f"ELSE 'unchanged' END AS outcome FROM {self._first_rows()} "
            f"LEFT JOIN {h} h ON h.id = f.household_id",
            params,
        )
        self._run(f"CREATE UNIQUE INDEX {t}_code ON {t} (code)")
        self._analyze(t)

    def _statuses(self) -> None:
        t, s = TABLES["statuses"], _table(HouseholdYearStatus)
        id_sql, params = self._id("statuses", "s.id", "f.hcode")
        self._run(
            f"CREATE TEMP TABLE {t} AS SELECT f.hcode AS hcode, {id_sql} AS id, "  # noqa: S608
            "m.id AS household_id, f.status_year AS year, f.poverty_status AS status, "
            "COALESCE(s.decision, '') AS decision, CASE WHEN s.id IS NULL THEN 'new' "
            "WHEN s.status <> f.poverty_status THEN 'changed' ELSE 'unchanged' END AS outcome "
            f"FROM {self._first_rows()} JOIN {TABLES['households']} m ON m.code = f.hcode "
            f"LEFT JOIN {s} s ON s.household_id = f.household_id AND s.year = f.status_year "
            "WHERE f.poverty_status IS NOT NULL",
            params,
        )

    def _persons(self) -> None:
        t, p = TABLES["persons"], _table(Person)
        self._run(  # by national ID within the household
            f"UPDATE {ROWS} SET person_id = p.id FROM {p} p "  # noqa: S608
            f"WHERE p.national_id = {ROWS}.national_id AND p.household_id = {ROWS}.household_id"
        )
        self._run(  # else by name and birth date, among the persons no row took by ID
            f"UPDATE {ROWS} SET person_id = k.id FROM (SELECT r.line AS line, max(p.id) AS id "  # noqa: S608
            f"FROM {ROWS} r JOIN {p} p ON p.household_id = r.household_id "
            f"AND p.birth_date = r.birth_date AND {_name_key('p.full_name')} = r.name_key "
            "WHERE r.person_id IS NULL AND r.household_id IS NOT NULL AND p.id NOT IN "
            f"(SELECT person_id FROM {ROWS} WHERE person_id IS NOT NULL) GROUP BY r.line) k "
            f"WHERE k.line = {ROWS}.line"
        )
        fields = [f for f in _audited(Person) if f.attname != "household_id"]
        values, changes = [], []
        for field in fields:
            column = _q(field.attname)
            if field.attname in _STAGED:  # a column the row lacks keeps the stored value
                value = f"COALESCE(r.{column}, p.{column}, {_default(field)})"
            else:
                value = f"COALESCE(p.{column}, {_default(field)})"
            values.append(f"{value} AS {column}")
            changes.append(_differs(f"p.{column}", value))
        id_sql, params = self._id("persons", "r.person_id", "r.hcode, r.line")
        self._run(
            f"CREATE TEMP TABLE {t} AS SELECT r.line AS line, r.hcode AS hcode, "  # noqa: S608
            f"{id_sql} AS id, m.id AS household_id, {', '.join(values)}, "
            f"CASE WHEN p.id IS NULL THEN 'new' WHEN {' OR '.join(changes)} THEN 'changed' "
            f"ELSE 'unchanged' END AS outcome FROM {ROWS} r "
            f"JOIN {TABLES['households']} m ON m.code = r.hcode "
            f"LEFT JOIN {p} p ON p.id = r.person_id",
            params,
        )
        self._run(f"CREATE UNIQUE INDEX {t}_line ON {t} (line)")
        self._analyze(t)

    def _enrolments(self) -> None:
        t, e = TABLES["enrolments"], _table(Enrolment)
        wanted = {  # a column the row lacks keeps the stored value
            "school_id": "CASE WHEN r.school_code_given THEN r.school_id ELSE e.school_id END",
            "grade": "CASE WHEN r.grade_given THEN r.grade ELSE e.grade END",
            "boarding": "COALESCE(r.boarding, e.boarding, {default})",
            "status": "COALESCE(r.enrollment_status, e.status, {default})",
        }
        values, changes = [], []
        for field in _audited(Enrolment):
            column = field.attname
            if column in NATURAL_KEYS:
                continue
            kept = f"COALESCE(e.{_q(column)}, {{default}})"
            value = wanted.get(column, kept).format(default=_default(field))
            values.append(f"{value} AS {_q(column)}")
            changes.append(_differs(f"e.{_q(column)}", value))
        id_sql, params = self._id("enrolments", "e.id", "r.hcode, r.line")
        self._run(
            f"CREATE TEMP TABLE {t} AS SELECT r.line AS line, r.hcode AS hcode, "  # noqa: S608
            f"{id_sql} AS id, m.household_id AS household_id, m.id AS person_id, "
            f"r.school_year AS school_year, r.level AS level, {', '.join(values)}, "
            f"CASE WHEN e.id IS NULL THEN 'new' WHEN {' OR '.join(changes)} THEN 'changed' "
            f"ELSE 'unchanged' END AS outcome FROM {ROWS} r "
            f"JOIN {TABLES['persons']} m ON m.line = r.line LEFT JOIN {e} e "
            "ON e.person_id = r.person_id AND e.school_year = r.school_year AND e.level = r.level "
            "WHERE r.school_year IS NOT NULL",
            params,
        )

    # --- what the merge changes -----------------------------------------------------------

    def summary(self) -> dict:
        """Records new, changed and unchanged by kind, and the persons of the file's households
        on record whom no row names."""
        summary = empty_summary()
        for kind, table in TABLES.items():
            for outcome, count in self._run(
                f"SELECT outcome, count(*) FROM {table} GROUP BY outcome"  # noqa: S608
            ):
                summary[f"{kind}_{outcome}"] = count
        ((absent,),) = self._run(
            f"SELECT count(*) FROM {_table(Person)} p WHERE p.household_id IN "  # noqa: S608
            f"(SELECT id FROM {TABLES['households']} WHERE outcome <> 'new') AND p.id NOT IN "
            f"(SELECT person_id FROM {ROWS} WHERE person_id IS NOT NULL)"
        )
        summary["persons_not_in_file"] = absent
        return summary

    # --- writing --------------------------------------------------------------------------

    def write(self, progress: Progress | None = None, total: int = 0) -> None:
        """Audit every new and changed record, then write them, parents before children."""
        for step, kind in enumerate(KINDS, start=1):
            self.write_kind(kind)
            if progress:
                progress(total * step // len(KINDS), total)

    def write_kind(self, kind: str) -> None:
        """Audit, then insert and update, the new and changed records of one kind."""
        if not self.writes:
            raise RuntimeError("a preview writes nothing")
        t, model = TABLES[kind], MODELS[kind]
        table = _table(model)
        adapt = connection.ops.adapt_datetimefield_value
        actor = self.actor
        audit_columns = ", ".join(
            _q(c)
            for c in ("action", "object_type", "object_id", "object_repr", "household_id",
                      "before", "after", "actor_id", "actor_name", "reason", "at")
        )  # fmt: skip
        constants = [actor.pk if actor else None, actor.get_username() if actor else "system"]
        constants += [self.reason, adapt(self.now)]
        household = "m.id" if kind == "households" else "m.household_id"
        for action, outcome, before, source in (
            (AuditAction.CREATE, "new", "NULL", f"{t} m"),
            (AuditAction.UPDATE, "changed", snapshot_sql(model, "o"),
             f"{t} m JOIN {table} o ON o.id = m.id"),
        ):  # fmt: skip
            self._run(
                f"INSERT INTO {_table(AuditEvent)} ({audit_columns}) SELECT %s, %s, "  # noqa: S608
                f"{_text('m.id')}, substr({_REPR[kind]('m')}, 1, 200), {household}, {before}, "
                f"{snapshot_sql(model, 'm')}, %s, %s, %s, %s FROM {source} "
                f"WHERE m.outcome = '{outcome}' ORDER BY m.id",
                [action.value, model._meta.label_lower, *constants],
            )
        columns = [f.attname for f in _audited(model)]
        stamps = ["created_at", "updated_at"] if kind == "households" else []
        names = ", ".join(_q(c) for c in ("id", *columns, *stamps))
        now = ", ".join(["%s"] * len(stamps))
        self._run(
            f"INSERT INTO {table} ({names}) SELECT m.id, "  # noqa: S608
            f"{', '.join('m.' + _q(c) for c in columns)}{', ' + now if stamps else ''} "
            f"FROM {t} m WHERE m.outcome = 'new' ORDER BY m.id",
            [adapt(self.now)] * len(stamps),
        )
        updated = [c for c in columns if c not in NATURAL_KEYS]
        assignments = [f"{_q(c)} = m.{_q(c)}" for c in updated]
        if kind == "households":
            assignments.append(f"{_q('updated_at')} = %s")
        self._run(
            f"UPDATE {table} SET {', '.join(assignments)} FROM {t} m "  # noqa: S608
            f"WHERE m.id = {table}.id AND m.outcome = 'changed'",
            [adapt(self.now)] if kind == "households" else [],
        )
