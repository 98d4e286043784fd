"""Policy models: their names, and the constraints that keep versions and benefits unique."""

import datetime as dt

import pytest
from django.db import IntegrityError

from reach.policy.models import Benefit, Policy, PolicyVersion, ReferenceTable, ReferenceValue

pytestmark = pytest.mark.django_db


def version(number: int = 1) -> PolicyVersion:
    policy, _created = Policy.objects.get_or_create(
        code="vn-test", defaults={"jurisdiction": "VN", "currency": "VND"}
    )
    return PolicyVersion.objects.create(
        policy=policy, number=number, document={"school_year_start": "09-05"}, checksum="0" * 64
    )


def test_names_of_policy_version_benefit_and_reference_value():
    v1 = version()
    benefit = Benefit.objects.create(
        version=v1,
        code="learning_cost_support",
        kind="subsidy",
        condition={},
        amount={},
        effective_from=dt.date(2021, 10, 15),
    )
    table = ReferenceTable.objects.create(code="base_salary", currency="VND", per="month")
    value = ReferenceValue.objects.create(
        table=table, valid_from=dt.date(2024, 7, 1), value_minor=2_340_000
    )
    assert [str(o) for o in (v1.policy, v1, benefit, table, value)] == [
        "vn-test",
        "vn-test v1",
        "learning_cost_support",
        "base_salary",
        "base_salary 2024-07-01: 2340000",
    ]


def test_version_reference_date_follows_school_year_start():
    assert version().reference_date(2024) == dt.date(2024, 9, 5)


def test_a_version_number_is_unique_per_policy():
    version(1)
    with pytest.raises(IntegrityError):
        version(1)
