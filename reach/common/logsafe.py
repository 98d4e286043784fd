"""Log lines that hold no personal data.

A database error's text quotes the values it refused (PostgreSQL: `Key (national_id)=(...)
already exists`), and a traceback logged with it carries that text; so a database error is
logged by its kind, the constraint it names and the frames it passed through, never its
message."""

import re
import traceback

# How PostgreSQL and SQLite name the constraint in an error's first line (the values it quotes
# come after, on PostgreSQL's DETAIL line, or not at all on SQLite's).
CONSTRAINT_NAMES = (
    re.compile(r'constraint "(?P<name>[\w.$-]+)"'),
    re.compile(r"^(?P<name>(?:UNIQUE|CHECK|NOT NULL|FOREIGN KEY) constraint failed)(?:: [\w.$]+)?"),
)


def database_error_summary(error: BaseException) -> str:
    """The kind of a database error and the constraint it names, without its message."""
    diag = getattr(error.__cause__, "diag", None) or getattr(error, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or _named_constraint(error)
    kind = type(error).__name__
    return f"{kind} (constraint {constraint})" if constraint else kind


def _named_constraint(error: BaseException) -> str | None:
    first_line = str(error).split("\n", 1)[0]
    for pattern in CONSTRAINT_NAMES:
        found = pattern.search(first_line)
        if found:
            return found.group(0) if "failed" in found.group("name") else found.group("name")
    return None


def frames_of(error: BaseException) -> str:
    """Where the error happened: the traceback's frames, without the error's message."""
    return "".join(traceback.format_tb(error.__traceback__))
