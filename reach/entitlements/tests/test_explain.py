"""Why a student gets or does not get each benefit: the same rules as a run, read for one
person, with every comparison, the rule in words, the amount's arithmetic and the source."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from reach.entitlements.explain import Outcome, explain_person
from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import run_entitlements
from reach.entitlements.tests.factories import make_place, make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.models import Enrolment
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
GUIDING = "cn-guiding-2015"  # the county's own items and top-ups
NATIONAL = "cn-national-student-aid"  # China's national standards, under the county's
VN_POLICY = "vn-poverty-education"


@pytest.fixture
def place(db):
    load_policies_dir(path=default_policies_dir())
    return make_place()


def verdicts_of(explanation) -> dict:
    return {v.code: v for policy in explanation.policies for v in policy.verdicts}


def test_explain_poor_senior_high_pupil_in_guiding_gets_national_2000_county_1000_760_400_500(
    place,
):
    pupil = make_pupil(
        unit=place.units["town"], level="upper_secondary", grade=10, birth_date=dt.date(2008, 3, 1)
    )

    explanation = explain_person(person=pupil, school_year=2024)

    # the Vietnamese policy does not apply in Guizhou; the national and county ones stack
    policies = {policy.policy_code: policy for policy in explanation.policies}
    assert set(policies) == {NATIONAL, GUIDING}
    assert {(p.version, p.reference_date) for p in policies.values()} == {(1, dt.date(2024, 9, 1))}
    granted = {
        (code, v.code): v.amount_minor
        for code, policy in policies.items()
        for v in policy.verdicts
        if v.outcome == Outcome.GRANTED
    }
    assert granted == {
        (NATIONAL, "upper_secondary_national_grant_2000"): 2000_00,
        (GUIDING, "upper_secondary_poverty_special_grant"): 1000_00,
        (GUIDING, "upper_secondary_tuition_waiver"): 760_00,
        (GUIDING, "upper_secondary_textbook_waiver"): 400_00,
        (GUIDING, "upper_secondary_accommodation_waiver"): 500_00,
    }
    grant = verdicts_of(explanation)["upper_secondary_poverty_special_grant"]
    assert grant.rule == "level is upper secondary and household status is poor"
    assert [(c.words, c.value, c.in_favour) for c in grant.checks] == [
        ("level is upper secondary", "upper secondary", True),
        ("household status is poor", "poor", True),
    ]
    assert grant.source["document"] and grant.source["article"].startswith("二(一)3")
    assert grant.amount_words == "1,000 a year"
    national = verdicts_of(explanation)["upper_secondary_national_grant_2000"]
    assert national.source["confidence"] == "high"


def test_explain_refusal_names_the_comparison_that_failed(place):
    pupil = make_pupil(unit=place.units["town"], level="lower_secondary", grade=8)

    verdict = verdicts_of(explain_person(person=pupil, school_year=2024))[
        "living_subsidy_boarding_lower_secondary_2024"
    ]

    assert verdict.outcome == Outcome.REFUSED and verdict.amount_minor == 0
    assert [(c.words, c.value, c.in_favour) for c in verdict.checks] == [
        ("level is lower secondary", "lower secondary", True),
        ("boarding: yes", "no", False),
        ("household status is poor", "poor", True),
    ]


def test_explain_exclusive_group_keeps_the_exemption_2700000_over_the_70pct_reduction(place):
    """Fee 300,000 a month: exemption 100% x 9 = 2,700,000; reduction 70% = 210,000 x 9 =
    1,890,000, superseded in the group `tuition`."""
    pupil = make_pupil(
        unit=place.units["difficult"],
        level="lower_secondary",
        grade=7,
        birth_date=dt.date(2012, 1, 10),
        ethnic_minority=True,
    )

    verdicts = verdicts_of(explain_person(person=pupil, school_year=2024))

    exemption, reduction = verdicts["tuition_exemption_81"], verdicts["tuition_reduction_70_81"]
    assert (exemption.outcome, exemption.amount_minor) == (Outcome.GRANTED, 2_700_000)
    assert exemption.amount_words == "100% of 300,000 = 300,000 × 9 months"
    assert (reduction.outcome, reduction.amount_minor) == (Outcome.SUPERSEDED, 1_890_000)
    assert reduction.superseded_by == exemption.name
    assert verdicts["learning_cost_support"].amount_minor == 1_350_000


def test_explain_2020_lunch_counts_2_months_of_06_2018_and_7_of_105_2020_in_words(place):
    """Decree 105/2020 from 1/11/2020: 10% of 1,490,000 = 149,000 x 2 and 160,000 x 7; the
    rule says a month counts when in force on its 5th, a convention to confirm."""
    child = make_pupil(
        unit=place.units["vn"], level="preschool", grade=None, year=2020,
        birth_date=dt.date(2016, 3, 1), status="near_poor",
    )  # fmt: skip

    verdicts = verdicts_of(explain_person(person=child, school_year=2020))

    before, after = verdicts["preschool_lunch_support_06"], verdicts["preschool_lunch_support"]
    assert (before.outcome, before.amount_minor) == (Outcome.GRANTED, 298_000)
    assert before.amount_words == "10% of 1,490,000 = 149,000 × 2 of 9 months in force"
    assert (after.outcome, after.amount_minor) == (Outcome.GRANTED, 1_120_000)
    assert after.amount_words == "160,000 × 7 of 9 months in force"
    assert "in force on day 5 of it (convention to confirm)" in after.rule


def test_explain_a_check_under_not_counts_for_the_pupil_when_it_fails(place):
    pupil = make_pupil(unit=place.units["ordinary"], level="lower_secondary", grade=6)

    exemption = verdicts_of(explain_person(person=pupil, school_year=2024))["tuition_exemption_81"]

    negated = [c for c in exemption.checks if c.negated]
    assert [(c.words, c.passed, c.in_favour) for c in negated] == [
        ("level is primary", False, True),
        ("school ownership is public", True, False),
    ]
    assert exemption.outcome == Outcome.GRANTED


def test_explain_agrees_with_the_run_for_every_pupil(place):
    pupils = [
        make_pupil(
            unit=place.units["difficult"],
            level="preschool",
            grade=None,
            birth_date=dt.date(2020, 3, 1),
            status="near_poor",
        ),
        make_pupil(
            unit=place.units["ordinary"],
            level="upper_secondary",
            grade=11,
            birth_date=dt.date(2008, 2, 2),
        ),
        make_pupil(
            unit=place.units["town"], level="primary", grade=3, boarding=True, school_days=180
        ),
        make_pupil(
            unit=place.units["town"],
            level="higher_education",
            grade=2,
            birth_date=dt.date(2004, 2, 2),
        ),
        make_pupil(unit=place.units["ordinary"], level="primary", status=None),
    ]
    Enrolment.objects.filter(level="higher_education").update(program="bachelor")
    run_entitlements(policy_codes=[NATIONAL, GUIDING, VN_POLICY], school_year=2024, unit=None)

    for pupil in pupils:
        explanation = explain_person(person=pupil, school_year=2024)
        granted = {
            (v.policy_code, v.code): v.amount_minor
            for policy in explanation.policies
            for v in policy.verdicts
            if v.granted
        }
        lines = {
            (line.policy_code, line.benefit_code): line.amount_minor
            for line in EntitlementLine.objects.filter(person=pupil)
        }
        assert granted == lines, pupil
        assert all(v.agrees_with_run for p in explanation.policies for v in p.verdicts)


def test_explain_before_any_run_says_no_line_was_recorded(place):
    pupil = make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)

    grant = verdicts_of(explain_person(person=pupil, school_year=2024))[
        "upper_secondary_national_grant_2000"
    ]

    assert grant.line is None and not grant.agrees_with_run


def test_explain_a_person_not_enrolled_gets_a_note_and_no_benefit(place):
    pupil = make_pupil(unit=place.units["town"], level="primary")
    sibling = PersonFactory(household=pupil.household)

    explanation = explain_person(person=sibling, school_year=2024)

    assert explanation.policies == [] and not explanation.enrolled
    assert explanation.notes == ["Not enrolled in school year 2024: no benefit applies."]


def test_explain_speaks_vietnamese(place):
    pupil = make_pupil(unit=place.units["ordinary"], level="lower_secondary", grade=6)

    verdicts = verdicts_of(explain_person(person=pupil, school_year=2024, lang="vi"))

    support = verdicts["learning_cost_support"]
    assert support.name == "Hỗ trợ chi phí học tập"
    assert support.amount_words == "150.000 × 9 tháng"
    assert support.checks[0].words.startswith("cấp học là một trong")


def test_explain_command_prints_each_benefit_with_its_checks_and_source(place):
    pupil = make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    out = io.StringIO()

    call_command("explain", "--person", str(pupil.pk), "--year", "2024", stdout=out)

    text = out.getvalue()
    assert f"(person {pupil.pk}), school year 2024" in text
    assert (
        "+ Senior high national grant (average 2,000) (upper_secondary_national_grant_2000) · "
        "granted: 2,000 CNY" in text
    )
    assert "[cn-national-student-aid v1]" in text and "[cn-guiding-2015 v1]" in text
    assert "[-] level is preschool (actual: upper secondary)" in text
    assert "source: " in text and "No run has recorded it yet." in text


def test_explain_command_unknown_person_is_a_clear_error(place):
    with pytest.raises(CommandError, match="no person with id 999999"):
        call_command("explain", "--person", "999999", "--year", "2024", stdout=io.StringIO())


def test_explain_a_private_pupil_whose_province_set_no_support_shows_it_not_set(place):
    pupil = make_pupil(
        unit=place.units["ordinary"],
        status="none",
        level="lower_secondary",
        grade=7,
        year=2025,
        ownership="private",
    )

    explanation = explain_person(person=pupil, school_year=2025)

    verdict = verdicts_of(explanation)["private_school_tuition_support_238"]
    assert verdict.outcome is Outcome.NO_AMOUNT
    assert verdict.note == (
        "private_tuition_support not set for level lower_secondary in VN.79.761.26737, "
        "school year 2025"
    )
