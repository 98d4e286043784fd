"""Writes built households to the database: ID checks, id reservation, raw inserts per chunk,
and the context managers that speed up a bulk load."""

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, models, transaction

from reach.registry.generate.builder import HouseholdBuilder, HouseholdRows
from reach.registry.generate.errors import GenerationError
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

BATCH_SIZE = 2000
LOOKUP_BATCH = 900  # stays under SQLite's 999 bound parameters per statement
SQLITE_LOAD_CACHE_KIB = 262_144  # page cache while loading: random index inserts stay in memory


def _existing(model: type[models.Model], column: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), LOOKUP_BATCH):
        batch = values[start : start + LOOKUP_BATCH]
        found.update(
            model.objects.filter(**{f"{column}__in": batch}).values_list(column, flat=True)
        )
    return found


def _replace_taken_ids(builder: HouseholdBuilder, persons: list[Person]) -> None:
    """Give a fresh ID to every person whose generated ID someone in the database holds."""
    taken = _existing(Person, "national_id", [p.national_id for p in persons if p.national_id])
    area_length = 6 if builder.china else 3
    for person in persons:
        while person.national_id in taken:
            person.national_id = builder.issue_national_id(
                area=person.national_id[:area_length], birth_date=person.birth_date, sex=person.sex
            )
            if (
                person.national_id
                and Person.objects.filter(national_id=person.national_id).exists()
            ):
                taken.add(person.national_id)


def _reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """Primary keys for `count` new rows, taken inside the chunk's transaction.

    SQLite: after the highest id ever used (the IMMEDIATE transaction holds the write lock).
    PostgreSQL: drawn from the table's own sequence, so concurrent inserts stay safe."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise GenerationError(f"demo data generation does not support {connection.vendor}")
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT MAX({quote(column)}) FROM {quote(table)} "  # noqa: S608 - names from _meta
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s",
            [table],
        )
        top = max((row[0] or 0 for row in cursor.fetchall()), default=0)
    return range(top + 1, top + 1 + count)


PLAIN_FIELDS = (models.BooleanField, models.CharField, models.ForeignKey, models.IntegerField)


def _insert(model: type[models.Model], objs: list, *, with_pk: bool) -> None:
    """INSERT the instances with one prepared statement (executemany), as bulk_create would
    but without preparing each value through the ORM: plain values go to the driver as they
    are, dates through the backend's adapter, auto_now timestamps once per call, any other
    field through its own get_db_prep_save."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    converters: list[tuple[int, Callable]] = []
    constants: list[tuple[int, object]] = []
    for position, f in enumerate(fields):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamp = f.pre_save(objs[0], True)
            for obj in objs:
                setattr(obj, f.attname, stamp)
            constants.append((position, f.get_db_prep_save(stamp, connection)))
        elif isinstance(f, models.DateTimeField):
            converters.append((position, connection.ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            converters.append((position, connection.ops.adapt_datefield_value))
        elif not isinstance(f, PLAIN_FIELDS) and not f.primary_key:
            converters.append((position, lambda value, f=f: f.get_db_prep_save(value, connection)))
    values_of = attrgetter(*(f.attname for f in fields))
    rows = []
    for obj in objs:
        values = list(values_of(obj))
        for position, convert in converters:
            values[position] = convert(values[position])
        for position, constant in constants:
            values[position] = constant
        rows.append(values)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from _meta
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def _write_chunk(
    builder: HouseholdBuilder, chunk: list[HouseholdRows], *, check_ids: bool
) -> list[int]:
    existing = _existing(Household, "code", [rows.household.code for rows in chunk])
    chunk = [rows for rows in chunk if rows.household.code not in existing]
    if not chunk:
        return [0, 0, 0, 0]
    statuses = [status for rows in chunk for status in rows.statuses]
    persons = [person for rows in chunk for person in rows.persons]
    enrolments = [enrolment for rows in chunk for _, enrolment in rows.enrolments]
    with transaction.atomic():
        if check_ids:
            _replace_taken_ids(builder, persons)
        person_ids = iter(_reserve_ids(Person, len(persons)))
        for rows, household_id in zip(chunk, _reserve_ids(Household, len(chunk)), strict=True):
            rows.household.id = household_id
            for status in rows.statuses:
                status.household_id = household_id
            for person in rows.persons:
                person.id = next(person_ids)
                person.household_id = household_id
            for person, enrolment in rows.enrolments:
                enrolment.person_id = person.id
        _insert(Household, [rows.household for rows in chunk], with_pk=True)
        _insert(HouseholdYearStatus, statuses, with_pk=False)
        _insert(Person, persons, with_pk=True)
        _insert(Enrolment, enrolments, with_pk=False)
    return [len(chunk), len(persons), len(enrolments), len(statuses)]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The rows built hold no reference cycles, so reference counting frees them; pausing the
    cyclic collector, which would rescan every live instance again and again, halves the time
    spent building them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _bulk_load_cache() -> Iterator[None]:
    """On SQLite, a large page cache for the load, so that random-order index inserts (names,
    national IDs) do not read pages back from disk; the connection's setting is restored."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")
