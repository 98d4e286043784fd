"""Set-based writes for the import's staging: many rows per statement, no model instances.

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
    """INSERT the rows, one prepared statement run over all of them (on PostgreSQL, one COPY);
    `constants` are columns with the same value on every row."""
    fixed_columns, fixed = _fixed(model, constants)
    table, names = _names(model, [*columns, *fixed_columns])
    if connection.vendor == "postgresql":
        _copy(table, names, [_prepare(model, columns)(row) + fixed for row in rows])
        return
    placeholders = ", ".join(["%s"] * (len(columns) + len(fixed_columns)))
    prepare = _prepare(model, columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            [prepare(row) + fixed for row in rows],
        )


def _copy(table: str, names: str, rows: list[list]) -> None:
    """PostgreSQL: the rows through COPY … FROM STDIN (text format, each value as the
    connection would send it as a parameter)."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"  # noqa: S608
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
