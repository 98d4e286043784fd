"""The rates equal the counts behind them, on hand-built households."""

import datetime as dt

import pytest

from reach.geo.tests.factories import UnitFactory
from reach.learning import selectors
from reach.learning.models import Participant, Registration, TrainingNeed
from reach.learning.tests.factories import ClanFactory, CourseFactory, CriteriaSetFactory
from reach.registry.tests.factories import (
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def _household(unit, status, year=2024):
    household = HouseholdFactory(unit=unit)
    HouseholdYearStatusFactory(household=household, year=year, status=status)
    return household


@pytest.fixture
def training(world):
    """Ward 1 in 2024: workers of a poor, a newly-escaped and a not-poor household, at and
    around the working-age bounds (15-60 on 31 December), trained with and without certificate.
    """
    ward = world.units["ward1"]
    poor = _household(ward, "poor")
    escaped = _household(ward, "escaped_near_poor")
    rich = _household(ward, "none")
    p = {
        "poor_cert": PersonFactory(household=poor, birth_date=dt.date(1990, 1, 1)),
        "poor_plain": PersonFactory(household=poor, birth_date=dt.date(1964, 1, 1)),  # 60
        "poor_untrained": PersonFactory(household=poor, birth_date=dt.date(2009, 12, 31)),  # 15
        "too_old": PersonFactory(household=poor, birth_date=dt.date(1963, 12, 31)),  # 61
        "too_young": PersonFactory(household=poor, birth_date=dt.date(2010, 1, 1)),  # 14
        "escaped_cert": PersonFactory(household=escaped, birth_date=dt.date(1995, 6, 1)),
        "rich_cert": PersonFactory(household=rich, birth_date=dt.date(1995, 6, 1)),
        "youth_need_served": PersonFactory(household=poor, birth_date=dt.date(2000, 1, 1)),
        "youth_need_waiting": PersonFactory(household=poor, birth_date=dt.date(2001, 1, 1)),
        "escaped_need": PersonFactory(household=escaped, birth_date=dt.date(2002, 1, 1)),
    }
    cert = CourseFactory(unit=ward, certificate=True)
    plain = CourseFactory(unit=ward, certificate=False, kind="startup")
    literacy = CourseFactory(unit=ward, certificate=True, kind="literacy")
    done = {"status": "completed", "completed_on": dt.date(2024, 6, 30)}
    for key in ("poor_cert", "escaped_cert", "rich_cert", "too_old"):
        Participant.objects.create(course=cert, person=p[key], certificate_number=key, **done)
    Participant.objects.create(course=plain, person=p["poor_plain"], **done)
    Participant.objects.create(
        course=literacy, person=p["poor_untrained"], certificate_number="L", **done
    )
    Participant.objects.create(course=cert, person=p["youth_need_served"])
    for key in ("youth_need_served", "youth_need_waiting", "escaped_need"):
        TrainingNeed.objects.create(person=p[key], year=2024)
    return p


def test_training_rates_equal_the_counts_behind_them(world, training):
    p = training
    total, rows = selectors.training_rates_for_user(world.users["district"], year=2024)
    figures = total.figures
    workers = {
        "poor_cert",
        "poor_plain",
        "poor_untrained",
        "escaped_cert",
        "youth_need_served",
        "youth_need_waiting",
        "escaped_need",
    }
    # ward 1's pupil (born 2015) is no worker; the world's other wards hold no worker either
    assert figures.workers == len(workers)
    assert figures.trained == 3  # poor_cert, poor_plain (start-up), escaped_cert
    assert figures.certified == 2
    # aged 16-30 of poor / near-poor households with a declared need: not the escaped one
    assert figures.youth_need == 2 and figures.served == 1
    assert figures.served_rate == 50.0
    assert figures.trained_rate == round(100 * 3 / 7, 1)
    for measure, expected in [
        ("workers", workers),
        ("trained", {"poor_cert", "poor_plain", "escaped_cert"}),
        ("certified", {"poor_cert", "escaped_cert"}),
        ("youth_need", {"youth_need_served", "youth_need_waiting"}),
        ("served", {"youth_need_served"}),
    ]:
        listed = selectors.list_training_persons_for_user(
            world.users["district"], year=2024, measure=measure
        )
        assert {pk for pk in listed.values_list("pk", flat=True)} == {p[k].pk for k in expected}
    assert [row.unit for row in rows] == [world.units["d12"]]
    _total, rows = selectors.training_rates_for_user(
        world.users["district"], year=2024, unit=world.units["d12"]
    )
    ward1 = next(row for row in rows if row.unit == world.units["ward1"])
    assert ward1.figures == figures


def test_training_rates_keep_to_the_users_scope(world, training):
    total, _rows = selectors.training_rates_for_user(world.users["county"], year=2024)
    assert total.figures.workers == 0
    assert (
        not selectors.list_training_persons_for_user(
            world.users["ward01"], year=2024, measure="workers", unit=world.units["ward1"]
        )
        .filter(household__unit=world.units["ward2"])
        .exists()
    )


def test_title_rates_count_recognitions_against_their_subjects(world):
    ward = world.units["ward1"]
    village = UnitFactory(code="V1", parent=ward, level="village")
    UnitFactory(code="V2", parent=ward, level="village")
    criteria_set = CriteriaSetFactory()
    households = [world.households["ward1"]] + [HouseholdFactory(unit=village) for _ in range(3)]
    for household, status in zip(
        households, ["recognised", "recognised", "evaluated", "not_recognised"], strict=True
    ):
        Registration.objects.create(
            year=2024,
            title="family",
            criteria_set=criteria_set,
            unit=household.unit,
            household=household,
            status=status,
        )
    clan = ClanFactory(unit=ward)
    ClanFactory(unit=ward)
    clan_set = CriteriaSetFactory(title="clan")
    Registration.objects.create(
        year=2024, title="clan", criteria_set=clan_set, unit=ward, clan=clan, status="recognised"
    )
    Registration.objects.create(
        year=2023,
        title="community",
        criteria_set=clan_set,
        unit=village,
        community=village,
        status="recognised",
    )
    worker = PersonFactory(household=households[1], birth_date=dt.date(1990, 1, 1))
    PersonFactory(household=households[1], birth_date=dt.date(1991, 1, 1))
    Registration.objects.create(
        year=2024,
        title="citizen",
        criteria_set=clan_set,
        unit=village,
        person=worker,
        status="recognised",
    )
    total, rows = selectors.title_rates_for_user(world.users["ward01"], year=2024)
    family = total.rates["family"]
    assert (family.recognised, family.total, family.target) == (2, 4, 70)
    assert family.rate == 50.0 and family.meets_target is False
    assert (total.rates["clan"].recognised, total.rates["clan"].total) == (1, 2)
    assert (total.rates["community"].recognised, total.rates["community"].total) == (0, 2)
    citizen = total.rates["citizen"]
    assert (citizen.recognised, citizen.total) == (1, 2)
    listed = selectors.list_registrations_for_user(
        world.users["ward01"], year=2024, title="family", status="recognised"
    )
    assert listed.count() == family.recognised
    district_total, district_rows = selectors.title_rates_for_user(
        world.users["district"], year=2024, unit=world.units["d12"]
    )
    ward1 = next(row for row in district_rows if row.unit == ward)
    assert ward1.rates["family"].recognised == 2
    assert district_total.rates["family"].total == 6  # with ward 2 and the commuter's home
    assert (
        selectors.title_rates_for_user(world.users["county"], year=2024)[0]
        .rates["family"]
        .recognised
        == 0
    )
