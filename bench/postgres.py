"""PostgreSQL for the benchmarks: a database of the benchmark's own on the server DATABASE_URL
names, and the processor time of the server process serving the benchmark's connection."""

import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def bench_url(name: str) -> str:
    """DATABASE_URL (or the local server) with the database `name` in place of its own."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _maintenance(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def create_database(url: str, *, keep: bool, rows: int) -> bool:
    """Create the database of `url`; with `keep`, an existing one holding `rows` enrolments is
    kept as it is. Returns whether it was kept."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with _maintenance(url) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and keep:
            try:
                with psycopg.connect(url) as existing:
                    held = existing.execute("SELECT COUNT(*) FROM registry_enrolment").fetchone()
            except psycopg.Error:
                held = None
            if held is not None and held[0] == rows:
                return True
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return False


def drop_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name = urlsplit(url).path.lstrip("/")
    with _maintenance(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def vacuum_analyze(table: str = "") -> None:
    """VACUUM ANALYZE `table` (every table without one), as autovacuum would after a bulk write:
    fresh statistics for the planner, and a visibility map for index-only scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table) if table else ''}")


def empty_runs() -> None:
    """Remove the runs and lines an earlier benchmark left in a kept database (and what refers
    to them: a benchmark's database holds nothing else of the kind)."""
    from django.db import connection

    from reach.entitlements.models import EntitlementLine, EntitlementRun

    tables = (EntitlementLine._meta.db_table, EntitlementRun._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def server_cpu_s() -> float | None:
    """Processor seconds (user and system) the server process of Django's connection has used
    so far, read from /proc when the server runs on this machine (None otherwise). Parallel
    workers the server starts for a query are processes of their own and not counted."""
    from django.db import connection

    if connection.settings_dict["HOST"] not in ("", "127.0.0.1", "localhost", "::1"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime: fields 14 and 15 of stat, counted after the command's closing bracket.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
