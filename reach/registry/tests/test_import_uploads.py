"""Bounded household uploads: a file past a limit (size, real content, unpacked size, rows,
columns) is refused with the limit named, on the page and over the API (413 / 422), and leaves
no batch; a UTF-16 CSV imports like a UTF-8 one."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from reach.common.tests.test_uploads import bomb, lying_workbook
from reach.common.uploads import MB, UploadRefused
from reach.registry.choices import ImportStatus
from reach.registry.imports.headings import COLUMNS
from reach.registry.models import ImportBatch, ImportRow
from reach.registry.tests.test_api import token_client
from reach.registry.tests.test_import_roles import english, pupil  # noqa: F401
from reach.registry.tests.test_imports import csv_bytes, stage

pytestmark = pytest.mark.django_db


def api_client() -> Client:
    client = token_client("ward01")
    client.cookies["django_language"] = "en"  # the refusals are read in English below
    return client


def api_upload(client: Client, name: str, content: bytes):
    return client.post("/api/v1/imports/households", {"file": SimpleUploadedFile(name, content)})


def page(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["ward01"])
    client.cookies["django_language"] = "en"
    return client


def test_a_25_mb_upload_is_refused_413_with_the_limit_named_and_nothing_staged(world):
    content = csv_bytes([pupil("Nguyễn Thị Bình")]) + b"\n" * (25 * MB)
    response = api_upload(api_client(), "households.csv", content)
    assert response.status_code == 413, response.content
    detail = response.json()["detail"]
    assert "25 MB" in detail and "limit is 20 MB" in detail and "Split it" in detail
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()


def test_a_25_mb_upload_on_the_page_is_refused_413_with_the_limit_named_and_nothing_staged(
    world,
):
    content = csv_bytes([pupil("Nguyễn Thị Bình")]) + b"\n" * (25 * MB)
    upload = SimpleUploadedFile("households.csv", content)
    response = page(world).post("/imports/", {"file": upload})
    assert response.status_code == 413
    assert "25 MB; the limit is 20 MB" in response.context["refusal"]
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()


def test_a_small_xlsx_that_would_inflate_past_the_cap_is_refused_422_and_nothing_staged(world):
    response = api_upload(api_client(), "households.xlsx", bomb(300))
    assert response.status_code == 422
    assert "would unpack to 300 MB; the limit is 200 MB" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_a_1_kb_xlsx_whose_zip_directory_lies_is_refused_on_the_page_and_nothing_staged(world):
    content = SimpleUploadedFile("households.xlsx", lying_workbook(1.5))
    with override_settings(REACH_UPLOAD_MAX_UNZIPPED_MB=1):
        response = page(world).post("/imports/", {"file": content})
    assert response.status_code == 422
    assert "would unpack to" in response.context["refusal"]
    assert "the limit is 1 MB" in response.context["refusal"]
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()


def test_a_pdf_renamed_xlsx_is_refused_on_the_page_with_the_reason_and_no_batch(world):
    pdf = SimpleUploadedFile("households.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    response = page(world).post("/imports/", {"file": pdf})
    assert response.status_code == 422
    assert "is not an Excel workbook (it is a PDF document)" in response.context["refusal"]
    assert "upload-refusal" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_utf16_csv_stages_like_the_same_file_in_utf8(world):
    rows = [pupil("Nguyễn Thị Bình"), pupil("王小红")]
    text = csv_bytes(rows).decode("utf-8-sig")
    utf8, utf16 = stage(data=text.encode("utf-8")), stage(data=text.encode("utf-16"))
    assert utf16.status == ImportStatus.STAGED, utf16.errors
    assert (utf16.row_count, utf16.summary) == (utf8.row_count, utf8.summary) == (2, utf8.summary)
    names = {row.data["full_name"] for row in ImportRow.objects.filter(batch=utf16)}
    assert names == {"Nguyễn Thị Bình", "王小红"}


def test_a_file_past_the_row_cap_is_refused_without_reading_the_rest(world):
    rows = [pupil(f"Child {n}", household_code=f"HH-{n}") for n in range(5)]
    # past the cap, a field the CSV reader refuses: reading it would reject the batch instead
    content = csv_bytes(rows) + b'"' + b"x" * 200_000 + b'"\n'
    with override_settings(REACH_UPLOAD_MAX_ROWS=4):
        with pytest.raises(UploadRefused, match="at least 5 data rows; the limit is 4 rows"):
            stage(data=content)
        response = api_upload(api_client(), "households.csv", content)
    assert response.status_code == 422 and "the limit is 4 rows" in response.json()["detail"]
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()


def test_a_file_past_the_column_cap_is_refused_naming_both_counts(world):
    with override_settings(REACH_UPLOAD_MAX_COLUMNS=10):
        response = page(world).post(
            "/imports/",
            {"file": SimpleUploadedFile("h.csv", csv_bytes([pupil("Nguyễn Thị Bình")]))},
        )
    assert response.status_code == 422
    expected = f"The file has {len(COLUMNS)} columns; the limit is 10 columns"
    assert expected in response.context["refusal"]
    assert not ImportBatch.objects.exists()


def test_a_workbook_declaring_more_rows_than_the_cap_is_refused_before_its_rows_are_read(world):
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, COLUMNS)
    sheet.write_string(50, 0, "HH-9")
    book.close()
    with override_settings(REACH_UPLOAD_MAX_ROWS=20):
        with pytest.raises(UploadRefused, match="the limit is 20 rows"):
            stage(data=out.getvalue(), filename="households.xlsx")
    assert not ImportBatch.objects.exists()
