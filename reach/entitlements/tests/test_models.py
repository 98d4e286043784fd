"""Constraints of runs and lines."""

import pytest
from django.db import IntegrityError, transaction

from reach.entitlements.choices import RunStatus
from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import run_entitlements
from reach.entitlements.tests.factories import EntitlementRunFactory, make_place, make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db


def test_entitlement_line_one_benefit_per_person_and_school_year():
    load_policies_dir(path=default_policies_dir())
    place = make_place()
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    run = run_entitlements(policy_codes=["cn-guiding-2015"], school_year=2024, unit=None)
    line = EntitlementLine.objects.filter(run=run).first()
    other_run = EntitlementRunFactory(status=RunStatus.DONE, unit=place.units["town"])

    duplicate = EntitlementLine(
        run=other_run,
        enrolment=line.enrolment,
        person=line.person,
        household=line.household,
        unit=line.unit,
        benefit=line.benefit,
        benefit_code=line.benefit_code,
        policy_code=line.policy_code,
        school_year=line.school_year,
        amount_minor=1,
        currency=line.currency,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    duplicate.school_year = 2025
    duplicate.save()  # another school year is another entitlement


@pytest.mark.parametrize("scoped", [False, True])
def test_entitlement_run_one_pending_or_running_run_per_key(scoped):
    unit = make_place().units["town"] if scoped else None
    EntitlementRunFactory(unit=unit, status=RunStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        EntitlementRunFactory(unit=unit, status=RunStatus.PENDING)
    EntitlementRunFactory(unit=unit, status=RunStatus.DONE)
    EntitlementRunFactory(unit=unit, status=RunStatus.FAILED)
    EntitlementRunFactory(unit=unit, status=RunStatus.RUNNING, school_year=2025)
    EntitlementRunFactory(
        unit=unit, status=RunStatus.RUNNING, policy_codes="cn-guiding-2015,vn-poverty-education"
    )
