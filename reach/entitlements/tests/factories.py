"""Factories of the entitlements app, and a small place to run policies over."""

import datetime as dt
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from reach.entitlements.choices import RunStatus
from reach.entitlements.models import EntitlementRun
from reach.geo.models import Unit, UnitYearAttribute
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)


class EntitlementRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntitlementRun

    policy_codes = "cn-guiding-2015"
    school_year = 2024
    unit = None
    status = RunStatus.RUNNING
    started_at = factory.LazyFunction(timezone.now)
    heartbeat_at = factory.LazyFunction(timezone.now)


@dataclass
class Place:
    units: dict[str, Unit] = field(default_factory=dict)


def make_place() -> Place:
    """VN > 79 > 761 > wards 26734 (extremely difficult in 2024) and 26737; CN > Guizhou >
    Guiding county > Chengguan town."""
    vn = UnitFactory(code="VN", level="country")
    hcmc = UnitFactory(code="79", level="province", parent=vn)
    district = UnitFactory(code="761", level="district", parent=hcmc)
    cn = UnitFactory(code="CN", level="country")
    guizhou = UnitFactory(code="520000000000", level="province", parent=cn)
    county = UnitFactory(code="522723000000", level="district", parent=guizhou)
    place = Place(
        units={
            "vn": vn,
            "district": district,
            "difficult": UnitFactory(code="26734", parent=district),
            "ordinary": UnitFactory(code="26737", parent=district),
            "cn": cn,
            "county": county,
            "town": UnitFactory(code="522723100000", parent=county),
        }
    )
    UnitYearAttribute.objects.create(
        unit=place.units["difficult"], year=2024, extremely_difficult_commune=True
    )
    return place


def make_pupil(
    *,
    unit: Unit,
    status: str | None = "poor",
    level: str = "primary",
    grade: int | None = 4,
    year: int = 2024,
    birth_date: dt.date = dt.date(2015, 5, 1),
    boarding: bool = False,
    ownership: str = "public",
    school_days: int | None = None,
    **person,
):
    """A pupil enrolled in `year` in a household of `unit` with that year's `status`."""
    household = HouseholdFactory(unit=unit)
    if status is not None:
        HouseholdYearStatusFactory(household=household, year=year, status=status)
    pupil = PersonFactory(household=household, birth_date=birth_date, **person)
    school = SchoolFactory(unit=unit, levels=[level], ownership=ownership)
    EnrolmentFactory(
        person=pupil,
        school=school,
        school_year=year,
        level=level,
        grade=grade,
        boarding=boarding,
        school_days=school_days,
    )
    return pupil
