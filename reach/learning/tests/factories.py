import datetime as dt

import factory

from reach.geo.tests.factories import UnitFactory
from reach.learning.models import Clan, Course, CriteriaSet, Criterion


class ClanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clan

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Dòng họ {n}")


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    """A family set whose two computed criteria are worth 40 of its 50 points; pass mark 40."""

    class Meta:
        model = CriteriaSet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"test_family_{n}")
    title = "family"
    name = "Test family criteria"
    source = "test"
    pass_mark = 40

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for position, (code, points, computed, params) in enumerate(
            extracted
            or [
                ("1", 20, "children_enrolled", {}),
                ("2", 20, "adults_literate", {"ages": [19, 60]}),
                ("3", 10, "", {}),
            ],
            start=1,
        ):
            Criterion.objects.create(
                criteria_set=self,
                position=position,
                code=code,
                label=f"Criterion {code}",
                max_points=points,
                computed=computed,
                params=params,
            )


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"COURSE{n:04d}")
    name = factory.Sequence(lambda n: f"Course {n}")
    kind = "vocational"
    unit = factory.SubFactory(UnitFactory)
    starts_on = dt.date(2024, 3, 1)
    ends_on = dt.date(2024, 6, 30)
    certificate = True
