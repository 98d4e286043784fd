"""CSV cells a spreadsheet would run as formulas are written as text."""

import csv
import io
from decimal import Decimal

import pytest

from reach.common import csvsafe


def written(*rows) -> list[list[str]]:
    out = io.StringIO()
    csvsafe.writer(out).writerows(rows)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "@SUM(A1)",
        "+84 912 345 678",
        "-2+3",
        '=HYPERLINK("http://example.org")',
        "\tcmd",
        "\r=1",
    ],
)
def test_a_string_beginning_like_a_formula_gets_an_apostrophe(text):
    assert written([text]) == [["'" + text]]


@pytest.mark.parametrize("text", ["Nguyễn Văn An", "王伟强", "1+1", "a=b", "", "'quoted"])
def test_other_strings_are_written_as_they_are(text):
    assert written([text]) == [[text]]


def test_numbers_stay_numbers_even_negative():
    assert written([-5, -1.5, Decimal("-2.50"), 7]) == [["-5", "-1.5", "-2.50", "7"]]


def test_writerow_and_writerows_both_protect_every_cell():
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["ref", "=1+1"])
    writer.writerows([["@x", 1]])
    assert out.getvalue() == "ref,'=1+1\n'@x,1\n"
