import datetime as dt

import factory

from reach.geo.tests.factories import SchoolFactory
from reach.schoolsupport.models import (
    SchoolNeed,
    SchoolPairing,
    SchoolProject,
    TeacherPlacement,
    TeacherTraining,
)


class SchoolNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolNeed

    school = factory.SubFactory(SchoolFactory)
    kind = "classrooms"
    recorded_on = dt.date(2025, 9, 1)


class SchoolProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolProject

    school = factory.SubFactory(SchoolFactory)
    kind = "repair"
    title = factory.Sequence(lambda n: f"Project {n}")
    budget_minor = 100_000_000
    currency = "VND"
    funding = "state_budget"
    planned_on = dt.date(2025, 9, 1)


class TeacherPlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeacherPlacement

    school = factory.SubFactory(SchoolFactory)
    teacher_name = factory.Sequence(lambda n: f"Teacher {n}")
    from_school = factory.SubFactory(SchoolFactory)
    starts_on = dt.date(2025, 9, 1)


class TeacherTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeacherTraining

    school = factory.SubFactory(SchoolFactory)
    held_on = dt.date(2025, 10, 1)
    topic = "Classroom reform"
    hours = 8
    teachers = 5


class SchoolPairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolPairing

    helper = factory.SubFactory(SchoolFactory)
    school = factory.SubFactory(SchoolFactory)
    kind = "town_village"
    starts_on = dt.date(2025, 9, 1)
