"""Factories of the payments app: an approved run to pay, and payments."""

import datetime as dt
import itertools

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.entitlements.services import run_entitlements
from reach.entitlements.workflow import approve_run, submit_run
from reach.payments.services import PaymentInput, record_disbursement

_vouchers = itertools.count(1)


def approved_run(world, *, policy: str = "vn-poverty-education", unit=None, **correction):
    """A run over `unit` (default District 12) submitted by the district office and approved
    by a second officer of it (the submitter may not approve)."""
    run = run_entitlements(
        policy_codes=[policy], school_year=2024, unit=unit or world.units["d12"], **correction
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
