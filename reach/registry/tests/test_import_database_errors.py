"""A household import the database refuses at merge time: nothing is written, the user reads a
reference, and neither the message nor the log quotes the database's text or the row."""

import io
import logging
import re

import pytest
from django.db import IntegrityError
from django.utils import translation

from reach.accounts.permissions import command_line_actor
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.registry.choices import ImportStatus
from reach.registry.imports import services
from reach.registry.imports.services import (
    ImportRejected,
    commit_household_import,
    stage_household_import,
)
from reach.registry.tests.test_imports import csv_bytes, good_rows, registry_counts

pytestmark = pytest.mark.django_db

DATABASE_TEXT = (
    'duplicate key value violates unique constraint "registry_person_national_id"\n'
    "DETAIL:  Key (national_id)=(079080000001) already exists."
)


@pytest.fixture(autouse=True)
def demo_geo(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    with translation.override("en"):
        yield


def test_a_database_error_at_merge_shows_a_reference_and_never_the_database_text(
    monkeypatch, caplog
):
    batch = stage_household_import(file=io.BytesIO(csv_bytes(good_rows())), filename="hh.csv")
    assert batch.status == ImportStatus.STAGED
    before = registry_counts()

    def refused(self, kind):
        raise IntegrityError(DATABASE_TEXT)

    monkeypatch.setattr(services.StagedMerge, "write_kind", refused)
    with caplog.at_level(logging.ERROR), pytest.raises(ImportRejected) as rejected:
        commit_household_import(batch=batch)

    message = str(rejected.value)
    reference = re.fullmatch(
        r"A database error occurred \(reference ([0-9a-f]{8})\)\. Nothing was imported\.", message
    )
    assert reference, message
    assert "079080000001" not in message and "duplicate key" not in message
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.STAGED  # nothing happened to it: it may be merged again
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"reference {reference.group(1)}" in logged
    assert "079080000001" not in logged
