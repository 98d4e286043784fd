import datetime as dt

import factory

from reach.casework.models import CaseVisit, DropoutCase, WorkGroup, WorkGroupMember
from reach.geo.tests.factories import UnitFactory
from reach.registry.tests.factories import PersonFactory


class WorkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroup

    name = factory.Sequence(lambda n: f"Work group {n}")
    unit = factory.SubFactory(UnitFactory)


class WorkGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroupMember

    work_group = factory.SubFactory(WorkGroupFactory)
    full_name = factory.Sequence(lambda n: f"Member {n}")
    affiliation = "school"


class DropoutCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DropoutCase

    person = factory.SubFactory(PersonFactory)
    household = factory.LazyAttribute(lambda o: o.person.household)
    unit = factory.LazyAttribute(lambda o: o.person.household.unit)
    school_year = 2024
    kind = "out_of_school"
    opened_on = dt.date(2024, 9, 15)


class CaseVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseVisit

    case = factory.SubFactory(DropoutCaseFactory)
    visited_on = dt.date(2024, 9, 20)
    visitors = "Teacher and ward officer"
