"""Builders of hand-made households for the indicator tests: persons of an exact age on the
reference day of a school year, with or without an enrolment."""

import datetime as dt

from reach.indicators.parameters import indicator_parameters
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

SCHOOL_YEAR = 2024


def born_aged(age: int, *, school_year: int = SCHOOL_YEAR, days_younger: int = 0) -> dt.date:
    """The birth date of someone exactly `age` on the reference day (`days_younger` later)."""
    on = indicator_parameters().reference_date(school_year)
    return on.replace(year=on.year - age) + dt.timedelta(days=days_younger)


def person_aged(age: int, *, household=None, days_younger: int = 0, school_year=SCHOOL_YEAR, **kw):
    kw.setdefault("household", household or HouseholdFactory())
    return PersonFactory(
        birth_date=born_aged(age, school_year=school_year, days_younger=days_younger), **kw
    )


def enrol(person, level: str, *, status: str = "enrolled", school_year=SCHOOL_YEAR, **kw):
    kw.setdefault("grade", None)
    return EnrolmentFactory(
        person=person, level=level, status=status, school_year=school_year, **kw
    )


def household_in(unit, *, status: str = "none", school_year: int = SCHOOL_YEAR, **kw):
    household = HouseholdFactory(unit=unit, **kw)
    HouseholdYearStatusFactory(household=household, year=school_year, status=status)
    return household
