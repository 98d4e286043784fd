"""Backups of the database and their restore, for `reach backup` and `reach restore`.

PostgreSQL: `pg_dump` in its custom format (compressed; `pg_restore` can restore one table
from it) and `pg_restore --clean` into the same database. SQLite: the backup API, which copies
a consistent snapshot while the server keeps writing, into one self-contained file; a restore
copies it back page by page. The connection settings come from DATABASE_URL, as the server's.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be done: the message says why."""


def database_vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def backup_database(*, path: Path, alias: str = "default") -> None:
    """Write a backup of database `alias` to `path` (replaced if it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = database_vendor(alias)
    if vendor == "sqlite":
        _sqlite_backup(path=path, alias=alias)
    elif vendor == "postgresql":
        _run_pg(
            "pg_dump",
            ["--format=custom", "--no-owner", f"--file={path}"],
            alias=alias,
        )
    else:
        raise BackupError(f"no backup for a {vendor} database")


def restore_database(*, path: Path, alias: str = "default") -> None:
    """Replace every table of database `alias` with the backup at `path`."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    vendor = database_vendor(alias)
    if vendor == "sqlite":
        _sqlite_restore(path=path, alias=alias)
    elif vendor == "postgresql":
        connections[alias].close()
        _run_pg(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"],
            alias=alias,
            target=path,
        )
    else:
        raise BackupError(f"no restore for a {vendor} database")


def _sqlite_connection(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(*, path: Path, alias: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial)) as target:
        _sqlite_connection(alias).backup(target)
        # One file that opens anywhere: the live database's write-ahead log stays behind.
        target.execute("PRAGMA journal_mode=DELETE")
    partial.replace(path)


def _sqlite_restore(*, path: Path, alias: str) -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
        try:
            tables = {
                row[0]
                for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite backup of Reach") from error
        if "django_migrations" not in tables:
            raise BackupError(f"{path} is not a SQLite backup of Reach (no migrations table)")
        source.backup(_sqlite_connection(alias))


def _run_pg(program: str, arguments: list[str], *, alias: str, target: Path | None = None) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    settings = connections[alias].settings_dict
    # libpq reads the connection from the environment: the password stays off the command line.
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ]:
        if settings.get(key):
            env[variable] = str(settings[key])
    command = [executable, *arguments, f"--dbname={settings['NAME']}"]
    if target is not None:
        command.append(str(target))
    # A fixed program and our own arguments; no shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
