"""Read the rows of an uploaded .xlsx or .csv file, one at a time.

Line numbers are the ones a spreadsheet shows: the heading row is the first non-empty row
(line 1 in a normal file) and empty rows are skipped but still counted. The file passes
`reach.common.uploads.check_upload` first (size, real content, unpacked size), and its rows and
columns are capped as it is read (`UploadRefused` past a cap; the rest is not read).
"""

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from reach.common.uploads import Upload, check_columns, check_rows, check_upload, upload_limits


class UnreadableFile(Exception):
    """The file is not a spreadsheet or CSV this import can read."""


@dataclass
class Table:
    heading_line: int
    headings: list[object]
    rows: Iterator[tuple[int, list[object]]]  # (line, cells), empty rows left out
    total: int | None  # number of lines after the heading row, when known up front


def _is_empty(cells: list[object]) -> bool:
    try:
        return not "".join(cells).strip()  # type: ignore[arg-type]
    except TypeError:  # numbers or dates among the cells: not empty
        return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _split_heading(numbered: Iterator[tuple[int, list[object]]]) -> tuple[int, list[object]]:
    for line, cells in numbered:
        if not _is_empty(cells):
            return line, cells
    raise UnreadableFile(_("The file has no heading row"))


def _width(cells: list[object]) -> int:
    """The number of cells up to the last one filled."""
    for position in range(len(cells), 0, -1):
        cell = cells[position - 1]
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return position
    return 0


def _non_empty(
    numbered: Iterator[tuple[int, list[object]]], heading_line: int
) -> Iterator[tuple[int, list[object]]]:
    """The data rows, refused past the caps on rows (empty lines count) and columns. The caps
    are read once: a row is checked in full only when it could pass one."""
    limits = upload_limits()
    for line, cells in numbered:
        if line - heading_line > limits.rows:
            check_rows(line - heading_line)
        if not _is_empty(cells):
            if len(cells) > limits.columns:  # its filled width is no more than its length
                check_columns(_width(cells))
            yield line, cells


def open_table(file: IO[bytes], filename: str, upload: Upload | None = None) -> Table:
    """The heading row and a lazy iterator over the data rows of `file`, once it passed the
    upload check (`upload`, when the caller already made it). Raises UploadRefused or
    UnreadableFile."""
    upload = upload or check_upload(file, filename)
    file.seek(0)
    if upload.kind == "csv":
        return _open_csv(file, upload.encoding)
    return _open_workbook(file)


def _open_csv(file: IO[bytes], encoding: str) -> Table:
    text = io.TextIOWrapper(file, encoding=encoding, newline="")  # type: ignore[arg-type]

    def numbered() -> Iterator[tuple[int, list[object]]]:
        try:
            yield from enumerate(csv.reader(text), start=1)  # type: ignore[misc]
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                _("The file is not UTF-8 text (%(error)s): save it as “CSV UTF-8”")
                % {"error": error.reason}
            ) from error
        except csv.Error as error:
            reason = _("The CSV file is malformed: %(error)s") % {"error": error}
            raise UnreadableFile(reason) from error
        finally:
            with contextlib.suppress(ValueError):  # the file was closed before reading ended
                text.detach()  # leave the caller's file open

    rows = numbered()
    heading_line, headings = _split_heading(rows)
    check_columns(_width(headings))
    return Table(heading_line, headings, _non_empty(rows, heading_line), None)


def _open_workbook(file: IO[bytes]) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(file)  # type: ignore[arg-type]
        sheet = workbook.get_sheet_by_index(0)
        rows = enumerate(sheet.iter_rows(), start=1)
        if sheet.merged_cell_ranges:
            rows = _filled_merges(rows, sheet.merged_cell_ranges, sheet.start)
        heading_line, headings = _split_heading(rows)
    except CalamineError as error:
        reason = _("The file is not a readable workbook: %(error)s") % {"error": error}
        raise UnreadableFile(reason) from error
    total = max((sheet.end or (0, 0))[0] + 1 - heading_line, 0)
    check_rows(total)  # the sheet's size is known: refuse before reading a row
    check_columns(max(sheet.width, _width(headings)))
    return Table(heading_line, headings, _non_empty(rows, heading_line), total)


def _filled_merges(
    numbered: Iterator[tuple[int, list[object]]],
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    start: tuple[int, int] | None,
) -> Iterator[tuple[int, list[object]]]:
    """Repeat the value of a vertically merged cell (a household column merged over its
    members' rows) on every row it covers, as the sheet shows it.

    Calamine numbers rows from the sheet's first row and columns from its first used column."""
    first_column = start[1] if start else 0
    by_top: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in merged:
        if bottom > top:
            by_top.setdefault(top, []).append((bottom, left - first_column))
    active: list[tuple[int, int, object]] = []  # bottom row, column, value
    for line, cells in numbered:
        row = line - 1
        if active:
            active = [merge for merge in active if merge[0] >= row]
            for _bottom, column, value in active:
                if column < len(cells):
                    cells[column] = value
        for bottom, column in by_top.get(row, ()):
            if 0 <= column < len(cells):
                active.append((bottom, column, cells[column]))
        yield line, cells
