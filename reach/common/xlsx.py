"""Spreadsheets (.xlsx) written one safe way: sheets of headed rows.

Every workbook is opened with xlsxwriter's conversions off, so a cell reading "=1+1",
"@SUM(A1)" or "+84 912" (a name or a number someone typed) stays the text it was: never a
formula a spreadsheet would run, a link, or a number that loses its leading zeros."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

import xlsxwriter
from django.http import HttpResponse
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reach.common.downloads import download_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_NAME = 31  # Excel refuses longer sheet names
OPTIONS = {
    "in_memory": True,
    "remove_timezone": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@dataclass(frozen=True)
class Sheet:
    """One sheet: lines of `preamble` (a title, a period) above a bold heading row, then rows.

    Cells are text, numbers (int, float, Decimal), booleans, dates or datetimes; None stays
    empty. `widths` are column widths in characters, from the first column."""

    name: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]
    preamble: Sequence[str] = ()
    widths: Sequence[float] = ()


def xlsx_response(out: IO[bytes], *, filename: str) -> HttpResponse:
    """The workbook written to `out` as a download (no-store, see reach.common.downloads)."""
    out.seek(0)
    return download_response(out.read(), filename=filename, content_type=XLSX)


def new_workbook(out: IO[bytes]) -> xlsxwriter.Workbook:
    """A workbook writing to `out` with the conversions off (for sheets laid out by hand)."""
    return xlsxwriter.Workbook(out, OPTIONS)


def write_workbook(out: IO[bytes], sheets: Sequence[Sheet]) -> list[int]:
    """Write the sheets to `out`; returns the number of rows (below the headings) of each."""
    workbook = new_workbook(out)
    formats = {
        "bold": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    counts = [
        _write_sheet(workbook.add_worksheet(s.name[:MAX_SHEET_NAME]), s, formats) for s in sheets
    ]
    workbook.close()
    return counts


def _write_sheet(worksheet: Worksheet, sheet: Sheet, formats: dict[str, Format]) -> int:
    for row, text in enumerate(sheet.preamble):
        worksheet.write_string(row, 0, str(text), formats["bold"] if row == 0 else None)
    top = len(sheet.preamble) + 1 if sheet.preamble else 0
    for column, heading in enumerate(sheet.headings):
        worksheet.write_string(top, column, str(heading), formats["bold"])
    for column, width in enumerate(sheet.widths):
        worksheet.set_column(column, column, width)
    count = 0
    for count, cells in enumerate(sheet.rows, start=1):
        for column, value in enumerate(cells):
            _write_cell(worksheet, top + count, column, value, formats)
    worksheet.freeze_panes(top + 1, 0)
    return count


def _write_cell(
    worksheet: Worksheet, row: int, column: int, value: object, formats: dict[str, Format]
) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        worksheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        worksheet.write_number(row, column, float(value))
    elif isinstance(value, dt.datetime):
        worksheet.write_datetime(row, column, value, formats["datetime"])
    elif isinstance(value, dt.date):
        worksheet.write_datetime(
            row, column, dt.datetime.combine(value, dt.time()), formats["date"]
        )
    else:
        worksheet.write_string(row, column, str(value))
