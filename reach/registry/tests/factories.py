import datetime as dt

import factory

from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH{n:06d}")
    unit = factory.SubFactory(UnitFactory)
    head_name = factory.Sequence(lambda n: f"Head {n}")
    address = "1 Example Street"


class HouseholdYearStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdYearStatus

    household = factory.SubFactory(HouseholdFactory)
    year = 2024
    status = "poor"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")
    sex = "f"
    birth_date = dt.date(2015, 5, 1)
    relation = "child"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    person = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)
    school_year = 2024
    level = "primary"
    grade = 4
