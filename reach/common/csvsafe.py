"""CSV written one safe way: a text cell a spreadsheet would read as a formula is kept text.

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is written with an
apostrophe in front (`'=1+1`), the mark spreadsheets read as "this is text"; so a name typed
as `=HYPERLINK(...)` never runs in the office that opens the file. Only strings are prefixed:
numbers (int, float, Decimal) stay numbers, negative ones included."""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """`value`, with an apostrophe in front if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` with every string cell passed through `safe_cell`."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **options: Any) -> SafeWriter:
    """A CSV writer like `csv.writer(out, **options)` that keeps formulas text."""
    return SafeWriter(out, **options)
