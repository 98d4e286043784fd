import factory

from reach.funds.models import Donor, Fund
from reach.geo.models import Organisation
from reach.geo.tests.factories import UnitFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Learning promotion association {o.code}")
    kind = "learning_association"
    unit = factory.SubFactory(UnitFactory)


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    code = factory.Sequence(lambda n: f"FUND{n:04d}")
    names = factory.LazyAttribute(
        lambda o: {"vi": f"Quỹ khuyến học {o.code}", "zh": f"助学基金 {o.code}", "en": o.code}
    )
    unit = factory.SubFactory(UnitFactory)
    organisation = factory.SubFactory(OrganisationFactory, unit=factory.SelfAttribute("..unit"))
    currency = "VND"
    purpose = "learning_encouragement"


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    kind = "enterprise"
    name = factory.Sequence(lambda n: f"Donor {n}")
    language = "vi"
    unit = factory.SubFactory(UnitFactory)
