"""The household export: scoped like every list, and in the import format."""

import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.conftest import VISIBLE_HOUSEHOLDS
from reach.registry.imports.headings import COLUMNS
from reach.registry.imports.services import stage_household_import

pytestmark = pytest.mark.django_db


def export_rows(world, username: str, **params) -> list[dict]:
    client = Client()
    client.force_login(world.users[username])
    response = client.get("/households/export.xlsx", params)
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue())).get_sheet_by_index(0)
    heading, *rows = sheet.to_python()
    assert tuple(heading) == COLUMNS
    return [dict(zip(heading, row, strict=True)) for row in rows]


@pytest.mark.parametrize("username", sorted(VISIBLE_HOUSEHOLDS))
def test_export_rows_never_leave_the_users_scope(world, username):
    codes = {row["household_code"] for row in export_rows(world, username)}
    assert codes == {world.households[k].code for k in VISIBLE_HOUSEHOLDS[username]}


def test_school_staff_export_holds_only_their_pupils(world):
    names = {row["full_name"] for row in export_rows(world, "school01")}
    assert names == {"Pupil ward1", "Pupil commuter"}


def test_export_follows_the_list_filters(world):
    rows = export_rows(world, "district", status="near_poor", year="2024")
    assert {row["household_code"] for row in rows} == {"HH-commuter"}
    assert len(rows) == 2  # the pupil and the sibling


def test_exported_file_imports_back_unchanged(world, tmp_path):
    client = Client()
    client.force_login(world.users["district"])
    path = tmp_path / "export.xlsx"
    path.write_bytes(client.get("/households/export.xlsx").getvalue())
    with open(path, "rb") as handle:
        batch = stage_household_import(file=handle, filename="export.xlsx")
    assert batch.errors == []
    assert batch.summary["persons_new"] == 0
    assert batch.summary["persons_changed"] == 0
    assert batch.summary["households_changed"] == 0
