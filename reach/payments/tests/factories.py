"""Factories of the payments app: a policy funded by several sources, an approved run to pay,
and payments."""

import datetime as dt
import itertools

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, submit_run
from reach.payments.services import PaymentInput, record_disbursement
from reach.policy.tests.factories import benefit, policy_document

_vouchers = itertools.count(1)


def approved_run(
    world,
    *,
    policy: str = "vn-poverty-education",
    unit=None,
    school_year: int = 2024,
    **correction,
):
    """A run of `school_year` over `unit` (default District 12) submitted by the district
    office and approved by a second officer of it (the submitter may not approve)."""
    run = run_entitlements(
        policy_codes=[policy],
        school_year=school_year,
        unit=unit or world.units["d12"],
        **correction,
    )
    run = submit_run(run=run, actor=world.users["district"])
    return approve_run(run=run, actor=checker(world))


def checker(world):
    """A second officer of the District 12 office: the checker of maker-checker."""
    if "district2" not in world.users:
        world.users["district2"] = MembershipFactory(
            user=UserFactory(username="district2"), role="office", unit=world.units["d12"]
        ).user
    return world.users["district2"]


def payment(line, *, amount: int | None = None, voucher: str | None = None, **overrides):
    values = {
        "line_id": line.pk,
        "amount_minor": line.amount_minor if amount is None else amount,
        "method": "bank_transfer",
        "voucher": voucher or f"PC-{next(_vouchers):06d}",
        "paid_on": dt.date(2024, 10, 15),
    }
    values.update(overrides)
    return PaymentInput(**values)


def pay(line, actor, **kwargs):
    return record_disbursement(payment=payment(line, **kwargs), actor=actor)


def split_policy() -> dict:
    """Poor pupils: support 1,000,000 a year, 70% central and 30% province. Poor and near-poor
    pupils: a fee of 333,333, half province, half county (parts 166,667 and 166,666: the odd
    đồng goes to the first source)."""
    return policy_document(
        benefit(
            "support",
            condition={"field": "household_status", "op": "eq", "value": "poor"},
            amount={"per": "year", "value": 1000000},
            funding=[{"source": "central", "share": 70}, {"source": "province", "share": 30}],
        ),
        benefit(
            "fee",
            condition={"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
            amount={"per": "year", "value": 333333},
            funding=[{"source": "province", "share": 50}, {"source": "county", "share": 50}],
        ),
        code="split-policy",
    )
