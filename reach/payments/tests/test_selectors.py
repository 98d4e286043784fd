"""Reconciliation and coverage on a generated district with planted gaps: each planted gap is
found, and nothing else; coverage counts the pupils served in full, and its units add up."""

import pytest

from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.payments.choices import Gap
from reach.payments.selectors import coverage, list_gaps, poor_pupils, reconcile
from reach.payments.tests.factories import approved_run, pay
from reach.policy.services import load_policy_file
from reach.policy.tests.factories import benefit, policy_document, write_yaml
from reach.registry.generate import generate_households
from reach.registry.models import HouseholdYearStatus

pytestmark = pytest.mark.django_db
ANY_STATUS = ["poor", "near_poor"]


def simple_policy() -> dict:
    """Poor pupils: support 1,350,000 and the fee 1,000,000; near-poor: the fee 500,000."""

    def status(*values):
        return {"field": "household_status", "op": "in", "value": list(values)}

    return policy_document(
        benefit("support", condition=status("poor"), purpose="support"),
        benefit(
            "fee_poor",
            condition=status("poor"),
            amount={"per": "year", "value": 1000000},
            purpose="fee",
            exclusive_group="fee",
        ),
        benefit(
            "fee_near_poor",
            condition=status("near_poor"),
            amount={"per": "year", "value": 500000},
            purpose="fee",
            exclusive_group="fee",
        ),
        code="test-policy",
    )


@pytest.fixture
def district(world, tmp_path):
    """District 12 with 400 generated households, the test policy's run approved and every
    line paid in full except the planted gaps; then a correction after two pupils' household
    status changed. Returns what was planted, by (person, benefit)."""
    load_policy_file(path=write_yaml(tmp_path / "test.yaml", simple_policy()))
    generate_households(unit=world.units["d12"], households=400, seed=3, year=2024)
    run = approved_run(world, policy="test-policy")
    office = world.users["district"]
    lines = list(EntitlementLine.objects.filter(run=run).order_by("id"))
    pupils_of: dict[int, set[int]] = {}
    for line in lines:
        pupils_of.setdefault(line.household_id, set()).add(line.person_id)
    alone = [  # poor pupils with no other pupil in their household: a status change is theirs
        line
        for line in lines
        if line.benefit_code == "fee_poor" and len(pupils_of[line.household_id]) == 1
    ]
    over, loose = alone[0], alone[1]
    others = [
        line for line in lines if line.household_id not in (over.household_id, loose.household_id)
    ]
    not_paid = {(line.person_id, line.benefit_code) for line in others[10:13]}
    under_paid = {(line.person_id, line.benefit_code) for line in others[20:22]}
    over_pupil, loose_pupil = over.person_id, loose.person_id
    for line in lines:
        key = (line.person_id, line.benefit_code)
        if key in not_paid:
            continue
        pay(line, office, amount=line.amount_minor // 2 if key in under_paid else None)
    HouseholdYearStatus.objects.filter(household__members=over_pupil, year=2024).update(
        status="near_poor"
    )
    HouseholdYearStatus.objects.filter(household__members=loose_pupil, year=2024).update(
        status="none"
    )
    approved_run(world, policy="test-policy", corrects=run, correction_reason="annual review")
    return {
        Gap.NOT_PAID: not_paid,
        Gap.UNDER_PAID: under_paid,
        Gap.OVER_PAID: {(over_pupil, "fee_near_poor")},  # 1,000,000 paid, 500,000 due now
        Gap.NOT_ENTITLED: {(over_pupil, "support"), (loose_pupil, "support"), (loose_pupil, "fee")},
    }


def found(world, gap: str) -> set:
    rows = list_gaps(user=world.users["district"], school_year=2024, gap=gap)
    if gap == Gap.NOT_ENTITLED:
        return {(claim.person_id, claim.purpose) for claim in rows}
    return {(line.person_id, line.benefit_code) for line in rows}


def test_reconciliation_finds_each_planted_gap_and_nothing_else(world, district):
    for gap in Gap:
        assert found(world, gap) == district[gap], gap

    result = reconcile(user=world.users["district"], school_year=2024)

    assert result.counts == {gap.value: len(planted) for gap, planted in district.items()}
    assert result.amounts[Gap.OVER_PAID] == {"VND": 500_000}
    half_paid = sum(
        line.amount_minor - line.amount_minor // 2
        for line in EntitlementLine.objects.filter(status=LineStatus.IN_FORCE)
        if (line.person_id, line.benefit_code) in district[Gap.UNDER_PAID]
    )
    assert result.amounts[Gap.UNDER_PAID] == {"VND": half_paid}
    assert sum(row["lines"] for row in result.by_unit) == sum(
        len(district[gap]) for gap in (Gap.NOT_PAID, Gap.UNDER_PAID, Gap.OVER_PAID)
    )


def test_a_ward_officer_reconciles_its_ward_only(world, district):
    ward = world.units["ward1"]
    mine = reconcile(user=world.users["ward01"], school_year=2024)
    lines = list_gaps(user=world.users["ward01"], school_year=2024, gap=Gap.NOT_PAID)
    assert {line.unit_id for line in lines} <= {ward.pk}
    assert mine.counts[Gap.NOT_PAID] == len(lines)
    assert reconcile(user=world.users["county"], school_year=2024).counts == {
        g.value: 0 for g in Gap
    }


def test_coverage_is_the_share_of_poor_and_near_poor_pupils_served_in_full(world, district):
    pupils = poor_pupils(user=world.users["district"], school_year=2024)
    unserved = {person for gap in (Gap.NOT_PAID, Gap.UNDER_PAID) for person, _b in district[gap]}

    total, wards = coverage(user=world.users["district"], school_year=2024, unit=world.units["d12"])

    assert total.pupils == pupils.count() > 20
    assert total.entitled == total.pupils  # the policy covers every poor and near-poor pupil
    assert total.served == total.pupils - len(unserved)
    assert total.percent == round(100 * total.served / total.pupils, 1) and total.target == 100
    assert {row.unit.code for row in wards} <= {u.code for u in world.units.values()} | set(
        EntitlementLine.objects.values_list("unit__code", flat=True)
    )
    assert sum(row.pupils for row in wards) == total.pupils
    assert sum(row.served for row in wards) == total.served
    assert set(pupils.filter(served=False).values_list("pk", flat=True)) == unserved
