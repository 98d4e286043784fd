import datetime as dt

import factory

from reach.geo.models import Organisation
from reach.geo.tests.factories import UnitFactory
from reach.plans.models import Plan, PlanTask


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    kind = "education_office"
    unit = factory.SubFactory(UnitFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"PLAN-{n}")
    number = factory.LazyAttribute(lambda o: f"{o.code}/KH")
    title = factory.LazyAttribute(lambda o: f"Plan {o.code}")
    unit = factory.SubFactory(UnitFactory)
    issued_on = dt.date(2023, 2, 22)
    starts_on = dt.date(2023, 1, 1)
    ends_on = dt.date(2023, 12, 31)


class PlanTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTask

    plan = factory.SubFactory(PlanFactory)
    section = "I"
    number = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n + 1)
    content = factory.LazyAttribute(lambda o: f"Task {o.section}.{o.number}")
    window_text = "Tháng 03/2023"
    starts_on = dt.date(2023, 3, 1)
    ends_on = dt.date(2023, 3, 31)
