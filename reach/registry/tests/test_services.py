"""The registry's services check the actor's permission themselves: the admin and casework
save and delete through them, and a refused change writes nothing."""

import pytest

from reach.accounts.models import AuditEvent, User
from reach.common.errors import NotAllowed
from reach.registry.models import Household, HouseholdYearStatus, Person
from reach.registry.services import (
    EnrolmentDetails,
    delete_registry_record,
    enrol_person,
    save_registry_record,
)

pytestmark = pytest.mark.django_db


def test_school_staff_may_not_save_a_poverty_status_through_the_record_service(world):
    status = HouseholdYearStatus.objects.get(household=world.households["ward1"], year=2024)
    status.status = "none"
    with pytest.raises(NotAllowed):
        save_registry_record(actor=world.users["school01"], obj=status)
    status.refresh_from_db()
    assert status.status == "poor"
    assert not AuditEvent.objects.exists()


def test_moving_a_household_into_a_ward_the_actor_does_not_keep_is_refused(world):
    household = world.households["ward1"]
    household.unit = world.units["ward2"]
    with pytest.raises(NotAllowed):
        save_registry_record(actor=world.users["ward01"], obj=household)
    assert Household.objects.get(pk=household.pk).unit == world.units["ward1"]


def test_a_ward_officer_may_not_delete_a_person_of_another_ward(world):
    person = world.persons["ward2"]
    with pytest.raises(NotAllowed):
        delete_registry_record(actor=world.users["ward01"], obj=person)
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_command_line_actor_saves_and_is_audited_as_the_system(world):
    household = world.households["ward1"]
    household.address = "2 New Street"
    save_registry_record(actor=User(username="reach", is_superuser=True), obj=household)
    assert AuditEvent.objects.get().actor_name == "system"


def test_nobody_without_a_role_enrols_anyone(world):
    details = EnrolmentDetails(school=world.schools["ward1"], school_year=2025, level="primary")
    with pytest.raises(NotAllowed):
        enrol_person(actor=world.users["nobody"], person=world.persons["ward1"], details=details)
    assert not AuditEvent.objects.exists()
