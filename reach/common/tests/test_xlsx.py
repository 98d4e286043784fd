"""Spreadsheets keep what people typed as text: a cell is never turned into a formula."""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

from python_calamine import CalamineWorkbook

from reach.common.xlsx import Sheet, new_workbook, write_workbook

TYPED = ["=1+1", "@SUM(A1)", "+84 912 000", "-2+3", "https://example.org/x", "00123"]


def sheet_xml(content: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def rows_of(content: bytes, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(index).to_python()


def test_cells_that_look_like_formulas_links_or_numbers_are_written_as_text():
    out = io.BytesIO()
    write_workbook(out, [Sheet(name="Names", headings=["typed"], rows=[[text] for text in TYPED])])

    xml = sheet_xml(out.getvalue())
    assert "<f>" not in xml and "<hyperlink" not in xml
    assert [row[0] for row in rows_of(out.getvalue())[1:]] == TYPED


def test_a_workbook_laid_out_by_hand_does_not_convert_strings_either():
    out = io.BytesIO()
    workbook = new_workbook(out)
    worksheet = workbook.add_worksheet("By hand")
    for row, text in enumerate(TYPED):
        worksheet.write(row, 0, text)
    workbook.close()

    assert "<f>" not in sheet_xml(out.getvalue())
    assert [row[0] for row in rows_of(out.getvalue())] == TYPED


def test_sheets_have_a_preamble_headings_typed_cells_and_column_widths():
    out = io.BytesIO()
    counts = write_workbook(
        out,
        [
            Sheet(
                name="A list with a name longer than thirty-one characters",
                headings=["Name", "Born", "Pupils", "Rate", "Boarding", "Note"],
                rows=iter([["An", dt.date(2015, 3, 1), 2, Decimal("92.5"), True, None]]),
                preamble=["Ward 26734", "School year 2024"],
                widths=[30, 12],
            ),
            Sheet(name="Empty", headings=["Name"], rows=[]),
        ],
    )

    assert counts == [1, 0]
    rows = rows_of(out.getvalue())
    assert rows == [
        ["Ward 26734", "", "", "", "", ""],
        ["School year 2024", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["Name", "Born", "Pupils", "Rate", "Boarding", "Note"],
        ["An", dt.date(2015, 3, 1), 2, 92.5, True, ""],
    ]
    names = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).sheet_names
    assert names == ["A list with a name longer than ", "Empty"]
    assert re.search(r'<col min="1" max="1" width="30\.7109375"', sheet_xml(out.getvalue()))
