"""The household import over the API: upload (staged, with the bad rows), read, commit,
through the same service and permissions as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.registry.models import Household, ImportBatch
from reach.registry.tests.test_api import token_client
from reach.registry.tests.test_import_roles import NO_STATUS, english, pupil  # noqa: F401
from reach.registry.tests.test_imports import csv_bytes

pytestmark = pytest.mark.django_db


def upload(client, rows: list[dict]):
    file = SimpleUploadedFile("households.csv", csv_bytes(rows), "text/csv")
    return client.post("/api/v1/imports/households", {"file": file})


def test_a_ward_officer_uploads_reads_and_commits_a_household_file(world):
    client = token_client("ward01")
    staged = upload(client, [pupil("Nguyễn Thị Bình")])
    assert staged.status_code == 200, staged.content
    body = staged.json()
    assert body["status"] == "staged" and body["summary"]["households_new"] == 1
    assert client.get(f"/api/v1/imports/{body['id']}").json()["status"] == "staged"
    committed = client.post(f"/api/v1/imports/{body['id']}/commit")
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    assert Household.objects.filter(code="HH-1").exists()


def test_a_rejected_upload_lists_the_bad_rows_and_cannot_be_committed(world):
    client = token_client("school01")
    body = upload(client, [pupil("Nguyễn Thị Bình")]).json()  # school staff set a status
    assert body["status"] == "rejected"
    assert [(e["line"], e["column"]) for e in body["errors"]] == [(2, "poverty_status")]
    refused = client.post(f"/api/v1/imports/{body['id']}/commit")
    assert refused.status_code == 422
    assert not Household.objects.filter(code="HH-1").exists()


def test_a_viewers_upload_is_answered_403_and_nothing_is_staged(world):
    MembershipFactory(user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"])
    response = upload(token_client("viewer"), [pupil("Nguyễn Thị Bình", **NO_STATUS)])
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_another_users_batch_is_not_found_over_the_api(world):
    batch_id = upload(token_client("ward01"), [pupil("Nguyễn Thị Bình")]).json()["id"]
    district = token_client("district")
    assert district.get(f"/api/v1/imports/{batch_id}").status_code == 404
    assert district.post(f"/api/v1/imports/{batch_id}/commit").status_code == 404
