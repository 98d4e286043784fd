import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.crosscheck.models import CrosscheckRun
from reach.crosscheck.tests.factories import register_file


def _upload(client, ward, file, month="2024-10"):
    file.name = "register.csv"
    return client.post(
        reverse("crosscheck:upload"), {"unit": ward.ward.code, "month": month, "file": file}
    )


def test_upload_preview_compare_and_lists(client, ward, planted):
    client.force_login(ward.users["officer"])
    response = _upload(client, ward, planted)
    run = CrosscheckRun.objects.get()
    assert response.status_code == 302
    preview = client.get(reverse("crosscheck:run", args=[run.pk]))
    assert "Child ok_by_name" in preview.content.decode()
    client.post(reverse("crosscheck:compare", args=[run.pk]))
    page = client.get(reverse("crosscheck:run", args=[run.pk])).content.decode()
    assert "Child missing" in page and "Child poor_dropout" in page
    history = client.get(reverse("crosscheck:history") + f"?unit={ward.ward.code}")
    assert f'href="/crosschecks/{run.pk}/"' in history.content.decode()


def test_bad_rows_are_listed_on_the_upload_page_and_nothing_kept(client, ward):
    client.force_login(ward.users["officer"])
    bad = register_file(
        [{"full_name": "X", "birth_date": "nope", "school_code": "SCH-W1", "status": "enrolled"}]
    )
    response = _upload(client, ward, bad)
    assert response.status_code == 422
    assert "birth_date" in response.content.decode()
    assert not CrosscheckRun.objects.exists()


@pytest.mark.parametrize(("user", "masked"), [("officer", False), ("viewer", True)])
def test_list_export_is_masked_for_viewers_and_audited(client, ward, planted, user, masked):
    client.force_login(ward.users["officer"])
    _upload(client, ward, planted)
    run = CrosscheckRun.objects.get()
    client.post(reverse("crosscheck:compare", args=[run.pk]))
    client.force_login(ward.users[user])
    response = client.get(reverse("crosscheck:export", args=[run.pk, "not_attending"]))
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    text = " ".join(str(cell) for row in sheet.to_python() for cell in row)
    assert ("079000000002" in text) is not masked
    assert AuditEvent.objects.filter(action="export", object_id="crosscheck.not_attending").exists()


def test_another_wards_officer_does_not_see_the_run(client, ward, planted):
    client.force_login(ward.users["officer"])
    _upload(client, ward, planted)
    run = CrosscheckRun.objects.get()
    client.force_login(ward.users["other_officer"])
    assert client.get(reverse("crosscheck:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("crosscheck:export", args=[run.pk, "dropouts"])).status_code == 404
