"""The fast paths of the import keep its behaviour: a cell parsed once per distinct text still
names every line it is on, ids the import assigns itself are never ones given before, and the
merge done in SQL writes the records and audit events that a record-at-a-time merge would."""

import pytest
from django.test import override_settings
from django.utils import translation

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.accounts.services import snapshot
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.registry.choices import ImportStatus
from reach.registry.imports.services import commit_household_import
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, ImportRow, Person
from reach.registry.tests.test_imports import PUPIL, errors_of, good_rows, person, stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_geo(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    with translation.override("en"):
        yield


def test_the_same_bad_cell_on_several_lines_is_an_error_on_each():
    rows = good_rows()
    for row in rows[:3]:
        row["sex"] = "??"
    rows[3]["relation"] = "cousin"

    batch = stage(rows)

    assert batch.status == ImportStatus.REJECTED
    assert {(2, "sex"), (3, "sex"), (4, "sex"), (5, "relation")} <= errors_of(batch)
    reasons = [e["reason"] for e in batch.errors if e["column"] == "sex"]
    assert len(reasons) == 3 and len(set(reasons)) == 1 and "??" in reasons[0]


def test_a_second_import_never_reuses_the_ids_of_deleted_records():
    commit_household_import(batch=stage())
    first_ids = set(Person.objects.values_list("id", flat=True))
    highest_household = Household.objects.order_by("-id").values_list("id", flat=True)[0]
    for model in (Enrolment, HouseholdYearStatus, Person, Household):
        model.objects.all().delete()

    commit_household_import(batch=stage())

    assert not first_ids & set(Person.objects.values_list("id", flat=True))
    assert Household.objects.order_by("id").values_list("id", flat=True)[0] > highest_household
    assert Person.objects.filter(household__code="HH-1").count() == 4


def _records() -> dict[tuple[str, int], object]:
    models = (Household, HouseholdYearStatus, Person, Enrolment)
    return {(m._meta.label_lower, obj.pk): obj for m in models for obj in m.objects.all()}


def _same_json(event_values: dict, expected: dict) -> bool:
    """Equal values of the same JSON types (True is not 1, "2024" is not 2024)."""
    return event_values == expected and all(
        type(event_values[key]) is type(value) for key, value in expected.items()
    )


def test_a_mixed_file_writes_the_records_and_audit_of_the_record_at_a_time_merge():
    commit_household_import(batch=stage())
    before = {key: snapshot(obj) for key, obj in _records().items()}
    rows = [row for row in good_rows() if row["household_code"] != "CN-1"]  # left out
    for row in rows[:4]:  # HH-1's status changes (on every row of it)
        row["poverty_status"] = "near_poor"
    rows[1]["disabled"] = "có"  # a person changes
    rows[2].update(full_name="NGUYỄN THỊ BÌNH", grade="4")  # found by name; enrolment changes
    rows[4].update(head_name="Lê Văn Dũng (mới)", address="Tổ 5")  # HH-2 changes
    rows.append(person("Nguyễn Văn Em", "2018-04-04", poverty_status="near_poor",
                       **PUPIL | {"grade": "1"}))  # fmt: skip
    new_household = {"household_code": "HH-3", "head_name": "Phạm Văn Phúc", "address": "Tổ 9"}
    rows.append(person("Phạm Văn Phúc", "1990-10-10", "head", **new_household))
    rows.append(person("Phạm Thị Quế", "2015-05-05", sex="f", **new_household, **PUPIL))
    rows.sort(key=lambda row: row["household_code"])
    batch = stage(rows)
    assert batch.status == ImportStatus.STAGED, batch.errors

    committed = commit_household_import(batch=batch)

    assert committed.summary == {
        "households_new": 1, "households_changed": 1, "households_unchanged": 1,
        "statuses_new": 1, "statuses_changed": 1, "statuses_unchanged": 1,
        "persons_new": 3, "persons_changed": 2, "persons_unchanged": 3,
        "enrolments_new": 2, "enrolments_changed": 1, "enrolments_unchanged": 1,
        "persons_not_in_file": 0,
    }  # fmt: skip
    assert committed.summary == batch.summary  # the preview counted the same
    events = {
        (e.object_type, int(e.object_id)): e
        for e in AuditEvent.objects.filter(reason=f"import households.csv #{batch.pk}")
    }
    expected_events = 0
    for key, obj in _records().items():
        after = snapshot(obj)
        if key not in before:
            expected_events += 1
            event = events[key]
            assert (event.action, event.before) == ("create", None)
        elif after != before[key]:
            expected_events += 1
            event = events[key]
            assert event.action == "update" and _same_json(event.before, before[key])
        else:
            assert key not in events  # unchanged: no event
            continue
        household_id = obj.person.household_id if isinstance(obj, Enrolment) else (
            obj.pk if isinstance(obj, Household) else obj.household_id
        )  # fmt: skip
        assert _same_json(event.after, after), key
        assert (event.object_repr, event.household_id) == (str(obj), household_id)
        assert (event.actor_id, event.actor_name) == (None, "system")
    assert len(events) == expected_events == 1 + 1 + 1 + 1 + 3 + 2 + 2 + 1
    assert Person.objects.get(full_name="NGUYỄN THỊ BÌNH").enrolments.get().grade == 4
    assert Household.objects.get(code="CN-1").members.count() == 1  # not in the file: as it was


def test_rows_stored_before_the_first_bad_cell_are_still_checked_against_the_registry():
    rows = good_rows()
    rows[0]["unit_code"] = rows[1]["unit_code"] = rows[2]["unit_code"] = "99999"
    rows[3]["unit_code"] = "99999"  # HH-1, stored unchecked while the file had no error
    rows[5]["sex"] = "?"  # the last household's row: the first error

    with override_settings(REACH_IMPORT_BATCH_SIZE=2):
        batch = stage(rows)

    assert batch.status == ImportStatus.REJECTED
    assert errors_of(batch) == {(2, "unit_code"), (3, "unit_code"), (4, "unit_code"),
                                (5, "unit_code"), (7, "sex")}  # fmt: skip
    assert not ImportRow.objects.exists()
