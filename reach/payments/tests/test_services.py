"""Recording payments: partial payments add up; never a draft or superseded line, never above
the line's amount, never a voucher twice, never the same purpose twice for a pupil and year
(across runs and policies); each payment audited on the household."""

import pytest

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed, OutOfScope
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, submit_run
from reach.payments.models import Disbursement, PaymentClaim
from reach.payments.services import (
    DuplicateVoucher,
    LineNotPayable,
    OverPaid,
    PaidTwice,
    PaymentError,
)
from reach.payments.tests.factories import approved_run, pay
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir, load_policy_file
from reach.policy.tests.factories import benefit, policy_document, write_yaml

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


@pytest.fixture
def run(world):
    load_policies_dir(path=default_policies_dir())
    return approved_run(world)


def a_line(run):
    return EntitlementLine.objects.filter(run=run).order_by("id").first()


def ward1_support(world, run):
    return EntitlementLine.objects.get(
        run=run, person=world.persons["ward1"], benefit_code="learning_cost_support"
    )


def test_partial_payments_add_up_to_the_line_and_each_is_audited(world, run):
    line = ward1_support(world, run)
    first = pay(line, world.users["ward01"], amount=line.amount_minor // 3)
    second = pay(line, world.users["district"], amount=line.amount_minor - first.amount_minor)

    claim = PaymentClaim.objects.get()
    assert claim.paid_minor == line.amount_minor == first.amount_minor + second.amount_minor
    assert (second.person_id, second.purpose, second.unit_id) == (
        line.person_id,
        "learning_cost_support",
        line.unit_id,
    )
    events = AuditEvent.objects.filter(
        object_type="payments.disbursement", household_id=line.household_id
    )
    assert [event.actor_name for event in events.order_by("id")] == ["ward01", "district"]
    assert events.get(object_id=str(second.pk)).after["paid_minor"] == line.amount_minor


def test_a_line_is_never_paid_above_its_amount(world, run):
    line, other = EntitlementLine.objects.filter(run=run).order_by("id")[:2]
    pay(line, world.users["district"], amount=line.amount_minor - 1)

    with pytest.raises(OverPaid, match="above its"):
        pay(line, world.users["district"], amount=2)
    with pytest.raises(OverPaid):
        pay(other, world.users["district"], amount=other.amount_minor + 1)

    assert PaymentClaim.objects.get(line=line).paid_minor == line.amount_minor - 1
    assert not Disbursement.objects.filter(line=other).exists()


def test_the_same_voucher_is_never_recorded_twice(world, run):
    first, second = EntitlementLine.objects.filter(run=run).order_by("id")[:2]
    pay(first, world.users["district"], voucher="UNC-0042")
    with pytest.raises(DuplicateVoucher, match="UNC-0042"):
        pay(second, world.users["district"], voucher="UNC-0042")
    assert Disbursement.objects.count() == 1


@pytest.mark.parametrize("amount", [0, -5])
def test_a_payment_is_more_than_nothing(world, run, amount):
    with pytest.raises(PaymentError, match="more than 0"):
        pay(a_line(run), world.users["district"], amount=amount)


def test_a_draft_line_is_not_paid(world):
    load_policies_dir(path=default_policies_dir())
    draft = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["d12"])
    with pytest.raises(LineNotPayable, match="not in force"):
        pay(a_line(draft), world.users["district"])


def test_a_superseded_line_is_not_paid_and_the_correction_keeps_what_was_paid(world, run):
    line = EntitlementLine.objects.get(
        run=run, person=world.persons["ward1"], benefit_code="learning_cost_support"
    )
    pay(line, world.users["district"], amount=100_000)
    correction = approved_run(world, corrects=run, correction_reason="re-checked the ward list")
    new_line = EntitlementLine.objects.get(
        run=correction, person=line.person, benefit_code=line.benefit_code
    )
    line.refresh_from_db()
    assert line.status == LineStatus.SUPERSEDED

    with pytest.raises(LineNotPayable):
        pay(line, world.users["district"], amount=1)
    pay(new_line, world.users["district"], amount=new_line.amount_minor - 100_000)

    claim = PaymentClaim.objects.get(person=line.person)
    assert (claim.line, claim.paid_minor) == (new_line, new_line.amount_minor)


def test_a_pupil_is_never_paid_twice_for_one_purpose_across_two_runs(world, run):
    """A ward run approved beside the district run: the ward's line supersedes the district's
    one of the same benefit; a second purpose payment is refused whichever line it names."""
    line = EntitlementLine.objects.get(
        run=run, person=world.persons["ward1"], benefit_code="learning_cost_support"
    )
    pay(line, world.users["district"])
    ward = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])
    ward = approve_run(
        run=submit_run(run=ward, actor=world.users["ward01"]), actor=world.users["district"]
    )
    other = EntitlementLine.objects.get(
        run=ward, person=line.person, benefit_code=line.benefit_code
    )
    assert other.status == LineStatus.IN_FORCE

    with pytest.raises(OverPaid):  # the claim moved to the line in force, already paid in full
        pay(other, world.users["district"], amount=1)
    assert PaymentClaim.objects.get(person=line.person).paid_minor == line.amount_minor


def test_two_policies_granting_one_purpose_pay_it_once(world, run, tmp_path):
    """A second policy grants learning-cost support too: both lines are in force, but the
    purpose is paid once."""
    document = policy_document(
        benefit(
            "city_learning_support",
            purpose="learning_cost_support",
            condition={"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
        ),
        code="hcmc-top-up",
    )
    load_policy_file(path=write_yaml(tmp_path / "hcmc.yaml", document))
    city = approved_run(world, policy="hcmc-top-up")
    pupil = world.persons["ward1"]
    national = EntitlementLine.objects.get(
        run=run, person=pupil, benefit_code="learning_cost_support"
    )
    local = EntitlementLine.objects.get(run=city, person=pupil)
    assert local.status == national.status == LineStatus.IN_FORCE

    pay(national, world.users["district"])
    with pytest.raises(PaidTwice, match="already paid under line"):
        pay(local, world.users["district"])
    assert Disbursement.objects.filter(person=pupil).count() == 1


@pytest.mark.parametrize(
    ("username", "refusal"),
    [
        ("district", None),
        ("ward01", None),
        ("school01", None),
        ("viewer", NotAllowed),
        ("county", OutOfScope),
        ("nobody", OutOfScope),
    ],
)
def test_who_may_record_a_payment_for_a_ward1_pupil(world, run, username, refusal):
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["ward1"]
    ).user
    line = EntitlementLine.objects.get(
        run=run, person=world.persons["ward1"], benefit_code="learning_cost_support"
    )
    if refusal is None:
        assert pay(line, world.users[username]).pk
    else:
        with pytest.raises(refusal):
            pay(line, world.users[username])
        assert not Disbursement.objects.exists()
