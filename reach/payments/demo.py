"""The demo's deliveries: each jurisdiction's policy is run for the current school year,
submitted, approved and published by its office, and most lines paid, so that the coverage,
reconciliation and budget pages show a district part-way through its payments, with gaps. A
jurisdiction closed by a reorganisation is run in each unit formed from it (District 12's five
wards of 2025), its office following them."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, publish_run, submit_run
from reach.geo.models import Unit
from reach.geo.selectors import units_standing_for
from reach.payments.choices import DisbursementMethod
from reach.payments.services import PaymentInput, purpose_of, record_disbursement

DELIVERIES = [  # (unit code, policy codes, username of the office that approves and publishes)
    ("761", ("vn-poverty-education",), "district"),
    # Guiding county pays China's national standards and its own top-ups on them.
    ("522723000000", ("cn-national-student-aid", "cn-guiding-2015"), "county"),
]
UNPAID_EVERY = 11  # every 11th pupil not yet paid, every 7th of the rest paid half: the gaps
HALF_PAID_EVERY = 7
FEE_PURPOSES = {"tuition"}  # a tuition exemption is paid by waiving the fee, not in cash


def set_up_demo_delivery(*, actor, school_year: int, paid_on: dt.date) -> dict[str, int]:
    """Run, approve, publish and pay; returns the number of lines paid in full, in part and
    not at all."""
    counts = {"paid": 0, "part_paid": 0, "unpaid": 0}
    users = get_user_model().objects
    first_day = dt.date(school_year, 9, 1)
    for unit_code, policy_codes, office in DELIVERIES:
        approver = users.get(username=office)
        for unit in units_standing_for(Unit.objects.get(code=unit_code), first_day):
            run = run_entitlements(
                policy_codes=list(policy_codes), school_year=school_year, unit=unit
            )
            submit_run(run=run, actor=actor)
            approve_run(run=run, actor=approver)
            publish_run(run=run, actor=approver)
            with transaction.atomic():
                _pay(run, actor=approver, school_year=school_year, paid_on=paid_on, counts=counts)
    return counts


def _pay(run, *, actor, school_year: int, paid_on: dt.date, counts: dict[str, int]) -> None:
    lines = EntitlementLine.objects.filter(run=run).select_related("benefit").order_by("pk")
    for line in lines:
        if line.person_id % UNPAID_EVERY == 0:
            counts["unpaid"] += 1
            continue
        part = line.person_id % HALF_PAID_EVERY == 0
        purpose = purpose_of(line)
        method = (
            DisbursementMethod.FEE_WAIVER if purpose in FEE_PURPOSES else DisbursementMethod.CASH
        )
        payment = PaymentInput(
            line_id=line.pk,
            amount_minor=line.amount_minor // 2 if part else line.amount_minor,
            method=method,
            voucher=f"DEMO-{school_year}-{line.pk}",
            paid_on=paid_on,
        )
        record_disbursement(payment=payment, actor=actor)
        counts["part_paid" if part else "paid"] += 1
