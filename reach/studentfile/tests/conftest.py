"""A ward 26734 pupil's 2024 year, from the entitlement run to the payment."""

import datetime as dt

import pytest

from reach.entitlements.services import run_entitlements
from reach.entitlements.services.objections import dismiss_objection, record_objection
from reach.entitlements.services.workflow import approve_run, publish_run, submit_run
from reach.payments.services import PaymentInput, record_disbursement
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

VN_POLICY = "vn-poverty-education"


@pytest.fixture
def history(world):
    """The ward 26734 pupil's 2024 year: computed, submitted, approved, published, objected to
    (dismissed) and paid."""
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])
    run = submit_run(run=run, actor=world.users["ward01"])
    run = approve_run(run=run, actor=world.users["district"])
    run = publish_run(run=run, actor=world.users["district"], objection_days=5)
    line = run.lines.get(person=world.persons["ward1"])
    objection = record_objection(
        line=line, actor=world.users["ward01"], raised_by="Trần Thị Bình", reason="Too little"
    )
    dismiss_objection(objection=objection, actor=world.users["district"], reason="As decided")
    record_disbursement(
        payment=PaymentInput(
            line_id=line.pk,
            amount_minor=line.amount_minor,
            method="cash",
            voucher="PC-2024-001",
            paid_on=dt.date(2024, 12, 2),
        ),
        actor=world.users["district"],
    )
    return run, line
