"""Household import from the command line, the template and the error sheet."""

import io

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from reach.accounts.tests.factories import UserFactory
from reach.common.uploads import UploadRefused
from reach.registry.choices import ImportStatus
from reach.registry.imports.headings import COLUMNS
from reach.registry.imports.services import stage_household_import, write_error_sheet
from reach.registry.imports.sheets import CODES_SHEET, HELP_SHEET
from reach.registry.models import Household, ImportBatch, Person
from reach.registry.tests.test_imports import (
    csv_bytes,
    demo_geo,  # noqa: F401  (autouse fixture: demo units and schools, English messages)
    good_rows,
    registry_counts,
)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue()


def write(path, rows) -> str:
    path.write_bytes(csv_bytes(rows))
    return str(path)


def test_cli_without_commit_reports_the_preview_and_writes_nothing(tmp_path):
    before = registry_counts()
    output = run("households", write(tmp_path / "hh.csv", good_rows()))
    assert "households: 3 new, 0 changed, 0 unchanged" in output
    assert "persons: 6 new" in output
    assert output.rstrip().endswith("Dry run: nothing was imported; add --commit to merge")
    assert registry_counts() == before
    assert not ImportBatch.objects.exists()


def test_cli_with_commit_merges_and_says_what_was_created(tmp_path):
    path = write(tmp_path / "hh.csv", good_rows())
    UserFactory(username="clerk", is_superuser=True)
    output = run("households", path, "--commit", "--user", "clerk")
    assert "persons: 6 created, 0 updated, 0 unchanged" in output
    assert Person.objects.count() == 6
    assert "persons: 0 created, 0 updated, 6 unchanged" in run("households", path, "--commit")


def test_cli_lists_every_error_and_exits_non_zero(tmp_path):
    rows = good_rows()
    rows[1]["birth_date"] = "yesterday"
    rows[4]["unit_code"] = "99999"
    errors_path = tmp_path / "errors.xlsx"
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 errors: nothing was imported"):
        call_command(
            "import", "households", write(tmp_path / "hh.csv", rows), "--commit",
            "--errors", str(errors_path), stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("line 3, birth_date: ")
    assert lines[1] == "line 6, unit_code: Unknown unit code 99999"
    assert Household.objects.count() == 0
    sheet = CalamineWorkbook.from_path(str(errors_path)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["line", "column", "reason"] and sheet[2][:2] == [6.0, "unit_code"]


def test_cli_rejects_an_unknown_user(tmp_path):
    with pytest.raises(CommandError, match="no user"):
        run("households", write(tmp_path / "hh.csv", good_rows()), "--user", "ghost")


def test_template_filled_with_its_example_row_stages_without_errors(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("template", "households", str(path), stdout=io.StringIO())
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["Households", HELP_SHEET, CODES_SHEET]
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0] == list(COLUMNS)
    help_rows = workbook.get_sheet_by_name(HELP_SHEET).to_python()
    assert [row[0] for row in help_rows[1 : len(COLUMNS) + 1]] == list(COLUMNS)
    sex = help_rows[1 + COLUMNS.index("sex")][5]
    assert "m: " in sex and "nam" in sex and "男" in sex
    codes = [row[0] for row in workbook.get_sheet_by_name(CODES_SHEET).to_python()]
    assert "26734" in codes and "VN761-TH01" in codes

    with open(path, "rb") as handle:
        batch = stage_household_import(file=handle, filename="template.xlsx")

    assert batch.status == ImportStatus.STAGED, batch.errors
    assert batch.summary["persons_new"] == 1 and batch.summary["enrolments_new"] == 1


def test_merged_household_cells_in_xlsx_apply_to_every_member():
    rows = [row for row in good_rows() if row["household_code"] == "HH-1"]
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, COLUMNS)
    for line, row in enumerate(rows, start=1):
        sheet.write_row(line, 0, [row.get(column, "") for column in COLUMNS])
    for position in range(6):  # household_code ... status_year, merged over the 4 members
        sheet.merge_range(1, position, 4, position, rows[0][COLUMNS[position]])
    workbook.close()
    out.seek(0)

    batch = stage_household_import(file=out, filename="merged.xlsx")

    assert batch.status == ImportStatus.STAGED, batch.errors
    assert batch.summary["households_new"] == 1 and batch.summary["persons_new"] == 4


def test_unsupported_or_broken_files_are_refused_with_a_reason_and_leave_no_batch():
    with pytest.raises(UploadRefused, match="damaged zip"):
        stage_household_import(file=io.BytesIO(b"PK\x03\x04junk"), filename="x.xlsx")
    with pytest.raises(UploadRefused, match="Unsupported file type"):
        stage_household_import(file=io.BytesIO(b"a,b"), filename="x.pdf")
    latin1 = csv_bytes(good_rows())[3:].decode().encode("cp1258", errors="replace")
    with pytest.raises(UploadRefused, match="UTF-8"):
        stage_household_import(file=io.BytesIO(latin1), filename="x.csv")
    assert not ImportBatch.objects.exists()


def test_error_sheet_lists_errors_and_possible_duplicates():
    batch = ImportBatch.objects.create(
        filename="x.csv",
        status=ImportStatus.REJECTED,
        errors=[{"line": 7, "column": "birth_date", "reason": "bad"}],
        duplicates=[{"line": 9, "reason": "same", "person_id": 3, "household_code": "HH-9"}],
    )
    out = io.BytesIO()
    write_error_sheet(batch, out)
    out.seek(0)
    workbook = CalamineWorkbook.from_filelike(out)
    errors = workbook.get_sheet_by_index(0).to_python()
    duplicates = workbook.get_sheet_by_index(1).to_python()
    assert errors == [["line", "column", "reason"], [7.0, "birth_date", "bad"]]
    assert duplicates[1] == [9.0, "HH-9", 3.0, "same"]
