import factory

from reach.geo.models import PATH_SEPARATOR, School, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    level = "commune"
    parent = None
    path = factory.LazyAttribute(
        lambda o: f"{o.parent.path}{PATH_SEPARATOR}{o.code}" if o.parent else o.code
    )


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"S{n:05d}")
    name = factory.LazyAttribute(lambda o: f"School {o.code}")
    levels = factory.LazyFunction(lambda: ["primary"])
    unit = factory.SubFactory(UnitFactory)
