"""A school year split between a benefit and its successor by their months in force: the
pupil is paid both parts, each up to its own line, and still never the same months twice.

School year 2020-2021 (starting 5 September): Decree 06/2018's preschool lunch, 10% of the
base salary a month (1,490,000 from 1/7/2019, Decree 38/2019), for September-October; Decree
105/2020's, 160,000 a month, for November-May. Both have the purpose `preschool_lunch`."""

import datetime as dt
import io

import pytest

from reach.entitlements.models import EntitlementLine
from reach.entitlements.tests.factories import make_pupil
from reach.payments.models import Disbursement, PaymentClaim
from reach.payments.selectors import lines_in_force, reconcile
from reach.payments.services import OverPaid, PaidTwice, PaymentImportRejected
from reach.payments.services.imports import import_payment_results
from reach.payments.tests.factories import approved_run, pay
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir, load_policy_file
from reach.policy.tests.factories import benefit, policy_document, write_yaml

pytestmark = pytest.mark.django_db
DECREE_06, DECREE_105 = "preschool_lunch_support_06", "preschool_lunch_support"


@pytest.fixture
def child(world):
    """A poor child of ward 26734 in the 4-year-old class of 2020 (born 2016)."""
    load_policies_dir(path=default_policies_dir())
    return make_pupil(
        unit=world.units["ward1"],
        level="preschool",
        grade=None,
        year=2020,
        birth_date=dt.date(2016, 5, 1),
    )


@pytest.fixture
def run(world, child):
    return approved_run(world, school_year=2020)


def lunch(run, child, code: str) -> EntitlementLine:
    return EntitlementLine.objects.get(run=run, person=child, benefit_code=code)


def city_lunch_policy() -> dict:
    """A second policy granting preschool lunch, 150,000 a month for 9 months, judged whole."""
    return policy_document(
        benefit(
            "city_lunch",
            purpose="preschool_lunch",
            condition={"field": "level", "op": "eq", "value": "preschool"},
        ),
        code="city-lunch",
    )


def test_the_2020_lunch_lines_pay_september_october_and_november_to_may(run, child):
    september = lunch(run, child, DECREE_06)
    november = lunch(run, child, DECREE_105)
    assert (september.first_month, september.months) == (0, 2)
    assert (november.first_month, november.months) == (2, 7)
    assert september.amount_minor == 1_490_000 * 10 // 100 * 2 == 298_000
    assert november.amount_minor == 160_000 * 7 == 1_120_000


def test_both_2020_lunch_lines_298000_and_1120000_are_paid_in_full_a_third_payment_refused(
    world, run, child
):
    office = world.users["district"]
    september, november = lunch(run, child, DECREE_06), lunch(run, child, DECREE_105)

    pay(september, office, amount=298_000)
    pay(november, office, amount=1_120_000)

    claims = PaymentClaim.objects.filter(person=child, purpose="preschool_lunch")
    assert sorted(claims.values_list("first_month", "paid_minor")) == [
        (0, 298_000),
        (2, 1_120_000),
    ]
    with pytest.raises(OverPaid):
        pay(september, office, amount=1)
    with pytest.raises(OverPaid):
        pay(november, office, amount=1)
    assert Disbursement.objects.filter(person=child).count() == 2


def test_reconciliation_shows_both_lunch_lines_paid_298000_and_1120000(world, run, child):
    office = world.users["district"]
    september, november = lunch(run, child, DECREE_06), lunch(run, child, DECREE_105)
    pay(september, office)
    pay(november, office, amount=1_000_000)  # 120,000 still due

    paid = {
        line.benefit_code: (line.paid, line.gap)
        for line in lines_in_force(user=office, school_year=2020).filter(person=child)
        if line.benefit_code in (DECREE_06, DECREE_105)
    }
    assert paid == {DECREE_06: (298_000, None), DECREE_105: (1_000_000, "under_paid")}

    pay(november, office, amount=120_000)
    report = reconcile(user=office, school_year=2020, unit=world.units["ward1"])
    assert report.counts["not_entitled"] == 0
    still_due = lines_in_force(user=office, school_year=2020).filter(person=child)
    assert not still_due.filter(benefit_code__in=[DECREE_06, DECREE_105]).exclude(gap=None)


def test_the_same_lunch_months_from_two_runs_are_paid_once_1120000(world, run, child):
    """A ward run approved beside the district run supersedes its lines: November-May, paid
    under the district's line, is the ward line's claim too, already paid in full."""
    office = world.users["district"]
    pay(lunch(run, child, DECREE_105), office)
    ward = approved_run(world, school_year=2020, unit=world.units["ward1"])

    with pytest.raises(OverPaid):
        pay(lunch(ward, child, DECREE_105), office, amount=1)
    claim = PaymentClaim.objects.get(person=child, purpose="preschool_lunch", first_month=2)
    assert claim.paid_minor == 1_120_000


def test_a_whole_year_lunch_of_another_policy_is_refused_once_november_to_may_is_paid(
    world, run, child, tmp_path
):
    """A second policy grants preschool lunch for the whole year (first month 0, no months
    counted): its months overlap November-May, so it is not paid beside it, and the refusal
    names the months already paid."""
    load_policy_file(path=write_yaml(tmp_path / "city.yaml", city_lunch_policy()))
    city = approved_run(world, policy="city-lunch", school_year=2020)
    whole_year = EntitlementLine.objects.get(run=city, person=child)
    assert (whole_year.first_month, whole_year.months) == (0, None)
    office = world.users["district"]
    pay(lunch(run, child, DECREE_105), office)

    with pytest.raises(PaidTwice, match=r"preschool_lunch of 2020 \(months from 11/2020\)"):
        pay(whole_year, office, amount=1)
    assert Disbursement.objects.filter(person=child).count() == 1


def payment_file(*rows: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(["line,amount,method,voucher,paid_on", *rows]) + "\n").encode())


def test_a_payment_file_pays_both_lunch_lines_298000_and_1120000(world, run, child):
    september, november = lunch(run, child, DECREE_06), lunch(run, child, DECREE_105)
    text = payment_file(
        f"{september.pk},298000,cash,PC-1,2020-10-20",
        f"{november.pk},1120000,cash,PC-2,2021-05-20",
    )

    count = import_payment_results(file=text, filename="lunch.csv", actor=world.users["district"])

    assert count == 2
    assert PaymentClaim.objects.get(line=september).paid_minor == 298_000
    assert PaymentClaim.objects.get(line=november).paid_minor == 1_120_000


def test_a_payment_file_paying_a_whole_year_lunch_beside_november_to_may_is_refused(
    world, run, child, tmp_path
):
    load_policy_file(path=write_yaml(tmp_path / "city.yaml", city_lunch_policy()))
    whole_year = EntitlementLine.objects.get(
        run=approved_run(world, policy="city-lunch", school_year=2020), person=child
    )
    november = lunch(run, child, DECREE_105)
    text = payment_file(
        f"{november.pk},1120000,cash,PC-1,2021-05-20",
        f"{whole_year.pk},100000,cash,PC-2,2021-05-20",
    )

    with pytest.raises(PaymentImportRejected) as rejected:
        import_payment_results(file=text, filename="lunch.csv", actor=world.users["district"])

    assert [(error.line, error.reason) for error in rejected.value.errors] == [
        (3, f"the file pays this pupil's preschool_lunch twice (lines {november.pk} and "
         f"{whole_year.pk})")
    ]  # fmt: skip
    assert not Disbursement.objects.filter(person=child).exists()
