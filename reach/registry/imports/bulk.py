"""Set-based writes for the import's hot path: many rows per statement, no model instances.

Values are plain dicts keyed by column (attname); dates, datetimes and JSON are adapted by the
connection's own operations, so SQLite and PostgreSQL get what Django would send them.
"""

import contextlib
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db import connection, models

ROWS_PER_INSERT = 500
SQLITE_CACHE_KIB = 64 * 1024  # page cache while an import writes (SQLite's default: 2 MiB)


@contextlib.contextmanager
def write_cache() -> Iterator[None]:
    """On SQLite, a page cache large enough for an import's inserts into the registry's tables
    and their indexes, for the duration of the block (the connection's own setting after)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        if connection.vendor == "sqlite":  # stores a date as its ISO text
            return lambda value: value if isinstance(value, str) else value.isoformat()
        return lambda value: ops.adapt_datefield_value(
            dt.date.fromisoformat(value) if isinstance(value, str) else value
        )
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else ops.adapt_json_value(value, field.encoder)
    return None


def _prepare(model: type[models.Model], columns: Sequence[str]) -> Callable[[dict], list]:
    """A function giving the database parameters of a record, in `columns` order."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    adapters = [(i, adapt) for i, c in enumerate(columns) if (adapt := _adapter(fields[c]))]
    get = operator.itemgetter(*columns)
    single = len(columns) == 1

    def prepare(record: dict) -> list:
        params = [get(record)] if single else list(get(record))
        for position, adapt in adapters:
            if params[position] is not None:
                params[position] = adapt(params[position])
        return params

    return prepare


def _fixed(model: type[models.Model], constants: dict) -> tuple[list[str], list]:
    """Columns with the same value on every row, and their parameters (adapted once)."""
    columns = list(constants)
    return columns, _prepare(model, columns)(constants) if columns else []


def _names(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), ", ".join(quote(column) for column in columns)


def insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[dict], constants: dict
) -> None:
    """INSERT the rows, one prepared statement run over all of them; `constants` are columns
    with the same value on every row."""
    fixed_columns, fixed = _fixed(model, constants)
    table, names = _names(model, [*columns, *fixed_columns])
    placeholders = ", ".join(["%s"] * (len(columns) + len(fixed_columns)))
    prepare = _prepare(model, columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            [prepare(row) + fixed for row in rows],
        )


def insert_returning(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[dict],
    *,
    key: Sequence[str],
    constants: dict,
) -> None:
    """INSERT the rows and set each row's "id", matched back by the unique columns `key` (the
    order of RETURNING rows is not guaranteed). On SQLite inside a transaction, which holds
    the database's write lock from its start (transaction mode IMMEDIATE), the ids are
    assigned here instead, after the highest ever given (see `_insert_numbered`)."""
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        _insert_numbered(model, columns, rows, constants)
        return
    fixed_columns, fixed = _fixed(model, constants)
    table, names = _names(model, [*columns, *fixed_columns])
    returned = ", ".join(connection.ops.quote_name(column) for column in ("id", *key))
    prepare = _prepare(model, columns)
    key_prepare = _prepare(model, key)
    one = "(" + ", ".join(["%s"] * (len(columns) + len(fixed_columns))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            batch = rows[start : start + ROWS_PER_INSERT]
            params = [value for row in batch for value in prepare(row) + fixed]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))} "  # noqa: S608
                f"RETURNING {returned}",
                params,
            )
            ids = {tuple(map(_plain, found[1:])): found[0] for found in cursor.fetchall()}
            for row in batch:
                row["id"] = ids[tuple(map(_plain, key_prepare(row)))]
            for column, value in constants.items():
                for row in batch:
                    row[column] = value


def _insert_numbered(
    model: type[models.Model], columns: Sequence[str], rows: list[dict], constants: dict
) -> None:
    """SQLite: number the rows after the table's highest id ever given (its AUTOINCREMENT
    counter, which SQLite then moves past them) and INSERT them in one prepared statement. A
    concurrent writer would make the INSERT fail on the primary key, never mix the rows up."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT max({quote('id')}) FROM {quote(table)}")  # noqa: S608
        highest = max(found[0] if found else 0, cursor.fetchone()[0] or 0)
    for number, row in enumerate(rows, start=highest + 1):
        row["id"] = number
        row.update(constants)
    insert(model, ["id", *columns], rows, constants)


def _plain(value):
    """Key values as both drivers return them (SQLite gives dates back as text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def update(model: type[models.Model], columns: Sequence[str], rows: Iterable[dict]) -> None:
    """UPDATE `columns` of each row, found by its "id"."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    prepare = _prepare(model, columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608
            [[*prepare(row), row["id"]] for row in rows],
        )
