"""A name typed as a formula stays text in every spreadsheet Reach sends: the household list,
the notice, the payment list, the cases, the indicator lists and the import error sheet.

The budget is not among them: it names units and funding sources only, never a person."""

import io
import zipfile

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.common.masking import mask_name
from reach.tests.downloads import (
    ADDRESS,
    CHILD_NAME,
    DOWNLOADER,
    HEAD_NAME,
    PUPIL_NAME,
    WORKER_NAME,
    content_of,
    downloads,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

# Which of the formula-like values each spreadsheet holds (the notice masks names, and so
# holds "=." for "=1+1": still text beginning with "=").
HELD = {
    "households": {PUPIL_NAME, HEAD_NAME, ADDRESS},
    "notice xlsx": {mask_name(PUPIL_NAME)},
    "notice api xlsx": {mask_name(PUPIL_NAME)},
    "payment list xlsx": {PUPIL_NAME},
    "cases": {PUPIL_NAME},
    "indicator persons": {CHILD_NAME},
    "indicator households": {HEAD_NAME},
    "out of school": {CHILD_NAME},
    "import errors": {"=1+1"},
    "training persons": {WORKER_NAME},
}


def cells_of(content: bytes) -> set[str]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {
        str(cell)
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
        for cell in row
    }


def has_formulas(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets
        return any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


@pytest.mark.parametrize("name", sorted(HELD))
def test_every_spreadsheet_holds_names_typed_as_formulas_as_text(world, downloads, name):  # noqa: F811
    client = Client()
    client.force_login(world.users[DOWNLOADER])
    response = client.get(downloads.urls[name])
    assert response.status_code == 200
    content = content_of(response)
    assert not has_formulas(content)
    cells = cells_of(content)
    if name == "import errors":  # the reasons quote the bad value
        assert any(PUPIL_NAME in cell for cell in cells)
    else:
        assert HELD[name] <= cells


def test_every_spreadsheet_download_is_checked_here(downloads):  # noqa: F811
    spreadsheets = {name for name, url in downloads.urls.items() if "xlsx" in url}
    assert spreadsheets - HELD.keys() == {"budget"}  # see the module's note
