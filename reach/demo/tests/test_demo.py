import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import models

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.entitlements.choices import LineStatus, RunStage
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.geo.models import Unit
from reach.geo.selectors import top_units_for_user
from reach.payments.models import PaymentClaim
from reach.plans.figures import figure, figure_definitions
from reach.plans.models import Target
from reach.plans.targets import target_progress
from reach.policy.models import Policy
from reach.registry.models import Household, HouseholdPastUnit, HouseholdYearStatus, Person
from reach.reports.models import Report
from reach.reports.snapshots import summed, value_of

pytestmark = pytest.mark.django_db

NEW_WARDS = {"D12-APD", "D12-DHT", "D12-TA", "D12-TMT", "D12-TTH"}  # from 2025-07-01


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
    # District 12 was closed on 2025-07-01: its current year is run in the five wards formed
    assert {(run.unit.code, run.policy_codes) for run in runs} == {
        *((ward, "vn-poverty-education") for ward in NEW_WARDS),
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


def test_demo_holds_district_12_before_the_reorganisation_and_its_new_wards_after():
    out = io.StringIO()
    call_command("demo", "--scale", "0.02", stdout=out)
    assert "Reorganisation of 2025-07-01: 11 wards merged into 5" in out.getvalue()
    district, city = Unit.objects.get(code="761"), Unit.objects.get(code="79")
    assert district.valid_to == dt.date(2025, 6, 30)
    # every household of District 12 lives in a new ward since 2025 and kept its ward of 2024
    vietnam = Household.objects.filter(unit__path__startswith="VN.")
    assert set(vietnam.values_list("unit__code", flat=True)) == NEW_WARDS
    assert HouseholdPastUnit.objects.count() == vietnam.count() == 240
    past = HouseholdPastUnit.objects.select_related("unit", "household__unit")
    assert {(p.unit.parent_id, p.valid_to) for p in past} == {(district.pk, dt.date(2025, 6, 30))}
    assert all(p.unit.successor_id == p.household.unit_id for p in past)
    for year in (2024, 2025, 2026):
        assert HouseholdYearStatus.objects.filter(household__in=vietnam, year=year).count() == 240

    # a 2024-2025 report shows the eleven wards, a 2025-2026 one the five, under the city
    reports = Report.objects.filter(template__in=["vn_district_school_year", "vn_city_school_year"])
    by_year = {report.school_year: report for report in reports}
    assert (by_year[2024].unit, by_year[2025].unit) == (district, city)
    assert len(by_year[2024].snapshot["sub_units"]) == 11
    assert {row["code"] for row in by_year[2025].snapshot["sub_units"]} == NEW_WARDS
    # the trend across the change adds up: each year's ward reports sum to District 12's figure
    right_age = figure_definitions().figures["right_age_attendance"]
    for year, wards in ((2024, 11), (2025, 5)):
        signed = Report.objects.filter(template="vn_ward_school_year", school_year=year)
        assert signed.count() == wards
        total = summed(value_of(r.snapshot["figures"]["right_age_attendance"]) for r in signed)
        district_figure = figure(right_age, district, year)
        assert total.denominator
        assert (total.numerator, total.denominator) == district_figure[:2]

    # the district office follows its wards; ward01 follows 26734 into Thới An
    office = User.objects.get(username="district")
    assert NEW_WARDS <= {unit.code for unit in top_units_for_user(office)}
    assert restrict(Household.objects.all(), office).count() == 240
    ward01 = User.objects.get(username="ward01")
    theirs = restrict(Household.objects.all(), ward01)
    assert set(theirs.values_list("unit__code", flat=True)) == {"D12-TA"}
    assert theirs.filter(past_units__unit__code="26734").exists()
