"""The household import obeys roles: who may upload, who sets a poverty status, what school
staff may touch, and what a row naming a record outside the importer's area learns."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed
from reach.registry.choices import ImportStatus
from reach.registry.imports.services import commit_household_import, stage_household_import
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, ImportBatch, Person
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory
from reach.registry.tests.test_imports import csv_bytes, person

pytestmark = pytest.mark.django_db

NO_STATUS = {"poverty_status": "", "status_year": ""}
AT_SCHOOL01 = {"school_code": "SCH-ward1", "school_year": "2024", "level": "primary"}
REGISTERED_ELSEWHERE = "Registered elsewhere; ask the district office"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def pupil(full_name: str, school: str = "SCH-ward1", **values) -> dict:
    """A row enrolling a child at `school` in 2024, in a household of ward 26734."""
    enrolment = {"school_code": school, "school_year": "2024", "level": "primary", "grade": "3"}
    return person(full_name, "2016-09-05", **(enrolment | values))


def existing(household, member=None, **values) -> dict:
    """A row repeating what is on record of `household` (and of `member`, if given)."""
    row = {
        "household_code": household.code,
        "unit_code": household.unit.code,
        "head_name": household.head_name,
        "address": household.address,
    } | NO_STATUS
    if member is not None:
        row |= {
            "full_name": member.full_name,
            "birth_date": member.birth_date.isoformat(),
            "sex": member.sex,
            "relation": member.relation,
        }
    return row | values


def stage(rows: list[dict], user) -> ImportBatch:
    return stage_household_import(
        file=io.BytesIO(csv_bytes(rows)), filename="households.csv", user=user
    )


def errors_of(batch) -> set[tuple[int, str]]:
    return {(e["line"], e["column"]) for e in batch.errors}


@pytest.fixture
def viewer(world):
    return MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user


@pytest.mark.parametrize("username", ["viewer", "nobody"])
def test_an_upload_by_a_user_without_an_importing_role_is_refused_and_nothing_is_staged(
    world, viewer, username
):
    user = viewer if username == "viewer" else world.users[username]
    with pytest.raises(NotAllowed):
        stage([pupil("Nguyễn Thị Bình")], user)
    assert not ImportBatch.objects.exists()


def test_the_import_page_answers_a_viewers_upload_403_and_stages_nothing(world, viewer):
    client = Client()
    client.force_login(viewer)
    upload = SimpleUploadedFile("hh.csv", csv_bytes([pupil("Nguyễn Thị Bình")]), "text/csv")
    assert client.post("/imports/", {"file": upload}).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_command_fails_when_school_staff_mark_a_new_household_poor_naming_row_and_rule(
    world, tmp_path
):
    path = tmp_path / "hh.csv"
    path.write_bytes(csv_bytes([pupil("Nguyễn Thị Bình")]))  # the row says poor, 2024
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 errors: nothing was imported"):
        call_command(
            "import", "households", str(path), "--user", "school01", "--commit",
            stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
    assert out.getvalue().splitlines()[0] == (
        "line 2, poverty_status: Only the ward or district office that keeps the poor and "
        "near-poor list sets a household's poverty status"
    )
    assert not Household.objects.filter(code="HH-1").exists()
    assert not Person.objects.filter(full_name="Nguyễn Thị Bình").exists()


def test_school_staff_cannot_change_the_status_of_a_household_of_their_pupil(world):
    household, child = world.households["ward1"], world.persons["ward1"]
    row = existing(household, child, poverty_status="near_poor", status_year="2024") | AT_SCHOOL01
    batch = stage([row], world.users["school01"])
    assert batch.status == ImportStatus.REJECTED
    assert errors_of(batch) == {(2, "poverty_status")}
    assert HouseholdYearStatus.objects.get(household=household, year=2024).status == "poor"


def test_school_staff_may_add_a_new_household_without_status_and_enrol_its_child(world):
    school01 = world.users["school01"]
    batch = stage([pupil("Nguyễn Thị Bình", **NO_STATUS)], school01)
    assert batch.status == ImportStatus.STAGED, batch.errors
    commit_household_import(batch=batch, user=school01)
    child = Person.objects.get(full_name="Nguyễn Thị Bình")
    assert not HouseholdYearStatus.objects.filter(household=child.household).exists()
    assert child.enrolments.get().school == world.schools["ward1"]


def test_school_staff_may_correct_their_own_pupils_personal_details(world):
    household, child = world.households["ward1"], world.persons["ward1"]
    row = existing(household, child, disabled="1") | AT_SCHOOL01
    school01 = world.users["school01"]
    batch = stage([row], school01)
    assert batch.status == ImportStatus.STAGED, batch.errors
    commit_household_import(batch=batch, user=school01)
    child.refresh_from_db()
    assert child.disabled


def test_school_staff_rows_must_enrol_the_person_at_their_own_school(world):
    row = pupil("Nguyễn Thị Bình", school="SCH-ward2", **NO_STATUS)
    batch = stage([row], world.users["school01"])
    assert errors_of(batch) == {(2, "school_code")}
    assert "their own school's pupils" in batch.errors[0]["reason"]


def test_school_staff_cannot_take_over_another_schools_pupil_of_a_household_they_see(world):
    household = world.households["ward1"]
    sibling = PersonFactory(household=household, full_name="Sibling elsewhere")
    EnrolmentFactory(person=sibling, school=world.schools["ward2"])
    row = existing(household, sibling) | AT_SCHOOL01
    batch = stage([row], world.users["school01"])
    assert errors_of(batch) == {(2, "school_code")}
    assert "pupil of another school" in batch.errors[0]["reason"]
    assert Enrolment.objects.get(person=sibling).school == world.schools["ward2"]


def test_school_staff_cannot_change_a_households_head_address_or_unit(world):
    household, child = world.households["ward1"], world.persons["ward1"]
    row = existing(household, child, head_name="Someone Else", address="Elsewhere") | AT_SCHOOL01
    batch = stage([row], world.users["school01"])
    assert errors_of(batch) == {(2, "head_name"), (2, "address")}


def test_a_ward_officer_sets_the_status_of_a_household_of_their_ward(world):
    household = world.households["ward1"]
    ward01 = world.users["ward01"]
    row = existing(
        household, world.persons["ward1"], poverty_status="near_poor", status_year="2024"
    )
    batch = stage([row], ward01)
    assert batch.status == ImportStatus.STAGED, batch.errors
    commit_household_import(batch=batch, user=ward01)
    assert HouseholdYearStatus.objects.get(household=household, year=2024).status == "near_poor"


def test_a_national_id_of_another_ward_says_only_registered_elsewhere_and_is_audited(world):
    other = world.persons["ward2"]
    other.national_id = "079080000099"
    other.save()
    before = {f: getattr(other, f) for f in ("full_name", "birth_date", "household_id")}
    ward01 = world.users["ward01"]
    rows = [person("Nguyễn Văn An", "1980-02-01", "head", national_id="079080000099")]
    batch = stage(rows, ward01)
    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == [{"line": 2, "column": "national_id", "reason": REGISTERED_ELSEWHERE}]
    other.refresh_from_db()
    assert {f: getattr(other, f) for f in before} == before
    event = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (event.actor, event.object_type, event.object_id) == (
        ward01,
        "registry.person",
        str(other.pk),
    )
    assert f"import #{batch.pk} line 2" in event.reason
    assert other.full_name not in f"{event.object_repr} {event.reason} {event.after}"


def test_a_household_code_of_another_ward_says_only_registered_elsewhere_and_is_audited(world):
    other = world.households["ward2"]
    rows = [person("Nguyễn Văn An", "1980-02-01", "head", household_code=other.code)]
    batch = stage(rows, world.users["ward01"])
    assert batch.errors == [{"line": 2, "column": "household_code", "reason": REGISTERED_ELSEWHERE}]
    event = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (event.object_type, event.object_id) == ("registry.household", str(other.pk))


def test_only_the_importer_may_commit_their_batch(world):
    batch = stage([pupil("Nguyễn Thị Bình")], world.users["ward01"])
    with pytest.raises(NotAllowed):
        commit_household_import(batch=batch, user=world.users["district"])
    assert not Household.objects.filter(code="HH-1").exists()
