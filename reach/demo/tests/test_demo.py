import io

import pytest
from django.core.management import call_command
from django.db import models

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.entitlements.choices import LineStatus, RunStage
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.payments.models import PaymentClaim
from reach.plans.models import Target
from reach.plans.targets import target_progress
from reach.policy.models import Policy
from reach.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def test_demo_loads_both_jurisdictions_accounts_and_policies_once():
    call_command("demo", "--scale", "0.01", stdout=io.StringIO())
    assert set(Policy.objects.values_list("code", flat=True)) == {
        "cn-guiding-2015",
        "cn-national-student-aid",
        "vn-poverty-education",
    }
    district = User.objects.get(username="district")
    county = User.objects.get(username="county")
    assert district.check_password("demo")
    vn = restrict(Household.objects.all(), district)
    cn = restrict(Household.objects.all(), county)
    assert vn.count() == 120 and cn.count() == 80
    assert not vn.filter(unit__path__startswith="CN").exists()
    assert restrict(Household.objects.all(), User.objects.get(username="ward01")).count() < 120

    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Household.objects.count() == 200


def test_demo_publishes_each_jurisdictions_run_and_leaves_gaps_to_find():
    call_command("demo", "--scale", "0.05", stdout=io.StringIO())
    runs = EntitlementRun.objects.all()
    assert {(run.unit.code, run.policy_codes) for run in runs} == {
        ("761", "vn-poverty-education"),
        ("522723000000", "cn-guiding-2015,cn-national-student-aid"),
    }
    assert {run.stage for run in runs} == {RunStage.PUBLISHED}
    assert all(run.submitted_by.username == "admin" for run in runs)
    assert {run.decided_by.username for run in runs} == {"district", "county"}
    lines = EntitlementLine.objects.filter(status=LineStatus.IN_FORCE)
    claims = PaymentClaim.objects.all()
    full = claims.filter(paid_minor=models.F("amount_minor")).count()
    part = claims.filter(paid_minor__gt=0, paid_minor__lt=models.F("amount_minor")).count()
    unpaid = lines.exclude(claims__isnull=False).count()
    assert full > part > 0 and unpaid > 0  # mostly paid, with gaps of both kinds
    assert full + part + unpaid == lines.count()

    # the plans of both jurisdictions, with targets computed from these records
    progress = {
        (t.plan.code, t.indicator, t.unit.code): target_progress(t, persons=Person.objects.all())
        for t in Target.objects.select_related("plan", "unit")
    }
    right_age = progress[("237/KH-BGDĐT", "right_age_attendance", "VN")].actual
    assert right_age.denominator and 0 < right_age.numerator <= right_age.denominator
    tuition = progress[("351/KH-GDĐT", "tuition_exemption_coverage", "761")].actual
    given = EntitlementLine.objects.filter(
        status=LineStatus.IN_FORCE, benefit__purpose="tuition", unit__path__startswith="VN."
    )
    assert tuition.denominator and tuition.numerator <= given.count()
    # the ward fund's round awarded poor and near-poor pupils of District 12 this year
    scholarships = progress[("351/KH-GDĐT", "scholarship_coverage", "761")].actual
    assert 0 < scholarships.numerator < scholarships.denominator
    assert progress[("GD-JYJ-2015", "dropout_rate", "522723000000")].actual.denominator
