"""The errors every service raises, and what they mean to a caller.

A service refuses a request by raising one of these; views, the API and commands only
translate them (the API's handler in `reach/api.py`: 404, 403, 409, 422). The message is
written for the user who asked, in their language, and never carries a database's text.
"""

import logging
import traceback
import uuid
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.utils.translation import gettext

logger = logging.getLogger("reach.errors")


class DomainError(Exception):
    """A request the domain refuses; the message says why (HTTP 422)."""


@dataclass(frozen=True)
class RowError:
    """One bad row of an imported file: its line as the spreadsheet numbers it (heading = 1 in
    a normal file; 0 for the file as a whole), the column (or ""), and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.line}: {self.column}: {self.reason}"
            if self.column
            else f"{self.line}: {self.reason}"
        )


class Conflict(DomainError):
    """The request clashes with the state of the record, e.g. a frozen run (HTTP 409)."""


class NotAllowed(DomainError, PermissionDenied):
    """The user may see the record but may not do this to it (HTTP 403)."""


class OutOfScope(DomainError, Http404):
    """The record is outside what the user may see: answered as if it did not exist (404)."""


T = TypeVar("T")


def found(record: T | None, message: str = "Not found") -> T:
    """`record`, or OutOfScope (404) when a scoped read found nothing: a record outside the
    user's scope is answered as if it did not exist."""
    if record is None:
        raise OutOfScope(message)
    return record


def report_database_error(error: DatabaseError, *, during: str) -> str:
    """Log a database's refusal under a short reference and return what the user is told: that
    a database error occurred, with the reference, never the database's text."""
    reference = log_database_error(error, during=during)
    return gettext("A database error occurred (reference %(reference)s).") % {
        "reference": reference
    }


def log_database_error(error: DatabaseError, *, during: str) -> str:
    """Log a database's refusal and return the short reference it is logged under.

    The log keeps what an operator needs to find the fault (what was being done, the kind of
    error, the constraint, table and column the database names, and the code path) but not the
    database's detail, which can quote the values of a row (names, national IDs)."""
    reference = uuid.uuid4().hex[:8]
    logger.error(
        "database error during %s, reference %s: %s (%s)\n%s",
        during,
        reference,
        type(error).__name__,
        _diagnostics(error),
        _code_path(error),
    )
    return reference


def _code_path(error: BaseException) -> str:
    """Where the error passed, as file:line in function, one frame a line (no source text)."""
    frames = traceback.extract_tb(error.__traceback__)
    return "\n".join(f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in frames)


def _diagnostics(error: DatabaseError) -> str:
    """The names PostgreSQL reports with an error (its SQLSTATE, constraint, table, column);
    SQLite reports none, and its messages name only the constraint's table and column."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is None:
        return str(error).strip().splitlines()[0] if str(error).strip() else "no message"
    names = {
        "sqlstate": getattr(cause, "sqlstate", None),
        "constraint": diag.constraint_name,
        "table": diag.table_name,
        "column": diag.column_name,
    }
    return ", ".join(f"{key} {value}" for key, value in names.items() if value) or "no details"
