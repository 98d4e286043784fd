"""An audit trail reads as a list of changes, under field names and labels in the reader's
language, not as stored JSON with codes."""

import pytest
from django.test import Client
from django.utils import translation

from reach.accounts.audit import changes, record_label
from reach.accounts.choices import AuditAction
from reach.accounts.services import build_audit_event
from reach.registry.models import HouseholdYearStatus
from reach.registry.services import save_registry_record

pytestmark = pytest.mark.django_db


def test_a_change_shows_only_what_changed_with_field_names_and_choice_labels(world):
    person = world.persons["ward1"]
    event = build_audit_event(
        actor=None,
        action=AuditAction.UPDATE,
        obj=person,
        before={"full_name": "Lê An", "sex": "m", "orphan": False, "household_id": 1},
        after={"full_name": "Lê Văn An", "sex": "f", "orphan": True, "household_id": 1},
    )
    with translation.override("en"):
        rows = [(row.label, row.before, row.after) for row in changes(event)]
        assert record_label(event) == "Person"
    assert rows == [
        ("Full name", "Lê An", "Lê Văn An"),
        ("Sex", "Male", "Female"),
        ("Orphan", "No", "Yes"),
    ]


def test_a_code_is_shown_in_the_readers_language_and_an_unknown_key_as_words(world):
    event = build_audit_event(
        actor=None,
        action=AuditAction.CREATE,
        obj=HouseholdYearStatus(pk=1, household=world.households["ward1"], year=2025),
        after={"status": "near_poor", "year": 2025, "stage_note": "x"},
    )
    with translation.override("vi"):
        rows = {row.label: row.after for row in changes(event)}
    assert rows["Tình trạng"] == "Hộ cận nghèo" and rows["Stage note"] == "x"


def test_the_household_page_shows_the_trail_without_raw_json(world):
    client = Client()
    client.force_login(world.users["district"])
    household = world.households["ward1"]
    household.address = "9 New Road"
    save_registry_record(actor=world.users["district"], obj=household)
    page = client.get(f"/households/{household.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "9 New Road" in page and '"address"' not in page
