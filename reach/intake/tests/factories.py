import factory

from reach.geo.tests.factories import SchoolFactory
from reach.intake.models import Capacity, StreamingOutcome
from reach.registry.tests.factories import PersonFactory


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capacity

    school = factory.SubFactory(SchoolFactory)
    school_year = 2025
    grade = 1
    places = 10


class StreamingOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreamingOutcome

    person = factory.SubFactory(PersonFactory)
    school_year = 2024
    outcome = "work"
