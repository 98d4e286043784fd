"""The import pages: upload, preview with every bad row, confirm, error sheet, template."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.registry.models import Household, ImportBatch
from reach.registry.tests.test_imports import csv_bytes, good_rows, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world):
    """The district office of `world`, whose wards hold codes 26734 and 26737."""
    from reach.geo.tests.factories import SchoolFactory

    SchoolFactory(code="VN761-TH01", unit=world.units["ward1"])
    SchoolFactory(code="VN761-CS01", unit=world.units["ward1"], levels=["lower_secondary"])
    client = Client()
    client.force_login(world.users["district"])
    return client


def upload(client: Client, rows: list[dict], name: str = "households.csv"):
    return client.post(
        "/imports/", {"file": SimpleUploadedFile(name, csv_bytes(rows), "text/csv")}, follow=True
    )


def vn_rows() -> list[dict]:
    return [row for row in good_rows() if not row["household_code"].startswith("CN")]


def test_good_file_is_previewed_then_merged_on_confirmation(world, office):
    households_before = Household.objects.count()
    preview = upload(office, vn_rows())
    batch = preview.context["batch"]
    assert batch.status == "staged"
    assert batch.summary["households_new"] == 2
    assert Household.objects.count() == households_before  # nothing merged before confirming
    page = office.post(f"/imports/{batch.pk}/commit/", follow=True)
    assert page.context["batch"].status == "committed"
    assert Household.objects.filter(code__in=["HH-1", "HH-2"]).count() == 2


def test_bad_file_lists_every_bad_row_and_offers_the_error_sheet(world, office):
    rows = vn_rows() + [person("Không Ngày Sinh", ""), person("Ngày Sai", "31/02/2015")]
    preview = upload(office, rows)
    batch = preview.context["batch"]
    assert batch.status == "rejected"
    assert {(e["line"], e["column"]) for e in batch.errors} >= {
        (7, "birth_date"),  # the heading is line 1 and the five good rows lines 2-6
        (8, "birth_date"),
    }
    assert not Household.objects.filter(code="HH-1").exists()
    sheet = office.get(f"/imports/{batch.pk}/errors.xlsx")
    assert sheet.status_code == 200
    table = CalamineWorkbook.from_filelike(io.BytesIO(sheet.getvalue())).get_sheet_by_index(0)
    lines = [row[0] for row in table.to_python()[1:]]
    assert 7 in lines and 8 in lines


def test_confirming_a_rejected_import_merges_nothing(world, office):
    batch = upload(office, [person("Không Ngày Sinh", "")]).context["batch"]
    page = office.post(f"/imports/{batch.pk}/commit/", follow=True)
    assert page.context["batch"].status == "rejected"
    assert not Household.objects.filter(code="HH-1").exists()


def test_a_ward_cannot_import_into_another_ward(world):
    client = Client()
    client.force_login(world.users["ward01"])
    rows = [person("Lê Văn Dũng", "1975-03-03", "head", unit_code="26737")]
    batch = upload(client, rows).context["batch"]
    assert batch.status == "rejected"
    assert any(e["column"] == "unit_code" for e in batch.errors)


def test_another_users_import_is_not_found(world, office):
    batch = upload(office, vn_rows()).context["batch"]
    other = Client()
    other.force_login(world.users["ward01"])
    assert other.get(f"/imports/{batch.pk}/").status_code == 404
    assert other.get(f"/imports/{batch.pk}/errors.xlsx").status_code == 404
    assert other.post(f"/imports/{batch.pk}/commit/").status_code == 404
    assert ImportBatch.objects.get(pk=batch.pk).status == "staged"


def test_template_download_has_the_canonical_headings(world, office):
    response = office.get("/imports/template.xlsx")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue()))
    assert workbook.get_sheet_by_index(0).to_python()[0][:3] == [
        "household_code",
        "unit_code",
        "head_name",
    ]
