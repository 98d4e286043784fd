import pytest
from django.db import IntegrityError, transaction

from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_national_id_is_unique_when_present_and_may_be_absent_for_many():
    PersonFactory(national_id=None)
    PersonFactory(national_id=None)
    PersonFactory(national_id="079215000123")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(national_id="079215000123")


def test_a_household_has_one_status_per_year():
    status = HouseholdYearStatusFactory(year=2024)
    HouseholdYearStatusFactory(household=status.household, year=2023, status="near_poor")
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdYearStatusFactory(household=status.household, year=2024, status="none")


def test_one_enrolment_per_person_school_year_and_level():
    enrolment = EnrolmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(person=enrolment.person, school_year=2024, level="primary")


def test_attendance_rate_is_a_percentage():
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(attendance_rate=101)
