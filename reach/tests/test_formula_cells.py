"""A name typed as a formula stays text in every workbook Reach writes."""

import io
import zipfile

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+1", "@SUM(A1)", '=HYPERLINK("http://example.org")']


def test_the_household_export_holds_names_typed_as_formulas_as_text(world):
    pupil = world.persons["ward1"]
    pupil.full_name = FORMULAS[0]
    pupil.save()
    household = world.households["ward1"]
    household.head_name, household.address = FORMULAS[1], FORMULAS[2]
    household.save()
    client = Client()
    client.force_login(world.users["district"])
    response = client.get("/households/export.xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) for name in sheets)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    cells = {
        cell
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
        for cell in row
    }
    assert set(FORMULAS) <= cells
