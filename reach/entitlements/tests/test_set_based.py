"""The property that keeps runs honest: the lines written set-based (one INSERT ... SELECT per
benefit or amount group, one DELETE per exclusive group) equal a per-student evaluation in
Python (`evaluate` + `compute_amount` + the largest of each exclusive group) on generated
households."""

import pytest

from reach.accounts.permissions import command_line_actor
from reach.entitlements.choices import RunStatus
from reach.entitlements.engine import funding_parts
from reach.entitlements.models import EntitlementLine
from reach.entitlements.plan import plan_benefits
from reach.entitlements.services import run_entitlements
from reach.geo.models import PATH_SEPARATOR, Unit, UnitYearAttribute
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.policy.amounts import AmountUnavailable, compute_amount
from reach.policy.calc import default_policies_dir
from reach.policy.conditions import evaluate
from reach.policy.facts import enrolment_facts, facts_of
from reach.policy.selectors import get_current_policy_version, get_reference_book
from reach.policy.services import load_policies_dir
from reach.registry.generate import generate_households
from reach.registry.models import Enrolment

pytestmark = pytest.mark.django_db
YEAR = 2024
POLICIES = ["cn-national-student-aid", "cn-guiding-2015", "vn-poverty-education"]
DIFFICULT_COMMUNES = ["26734", "26740", "26749", "26761", "522723101000"]


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + PATH_SEPARATOR)


def expected_lines(policy_codes: list[str], *, school_year: int, scope_path: str | None):
    """Per student, in Python: (person, policy, benefit) -> (enrolment, amount, in kind,
    funding). A pupil enrolled twice gets a benefit through their first matching enrolment."""
    book = get_reference_book()
    rows = list(
        enrolment_facts(school_year=school_year, unit_path=scope_path).order_by("pk").values()
    )
    expected = {}
    for code in policy_codes:
        version = get_current_policy_version(code)
        plans = plan_benefits(version, school_year=school_year)
        day = version.reference_date(school_year)
        granted: dict[int, list] = {}
        taken: set[tuple[int, str]] = set()
        for row in rows:
            facts = facts_of(row, reference_date=day)
            if not under(facts["unit_path"], version.policy.jurisdiction):
                continue
            person = row["person_id"]
            for plan in plans:
                if (person, plan.benefit.code) in taken:
                    continue
                if not evaluate(plan.benefit.condition, facts):
                    continue
                taken.add((person, plan.benefit.code))
                try:
                    amount = compute_amount(
                        plan.spec,
                        currency=plan.currency,
                        facts=facts,
                        book=book,
                        reference_date=day,
                        school_year=school_year,
                        in_kind=plan.in_kind,
                        months=plan.months,
                    )
                except AmountUnavailable as error:
                    assert error.per_pupil
                    continue
                if amount.minor or amount.in_kind:
                    granted.setdefault(person, []).append((plan, amount, row["id"]))
        for person, items in granted.items():
            winners: dict[str, tuple] = {}
            for plan, amount, _enrolment in items:
                group = plan.benefit.exclusive_group
                if not group:
                    continue
                best = winners.get(group)
                rank = (amount.minor, -plan.benefit.position)
                if best is None or rank > best:
                    winners[group] = rank
            for plan, amount, enrolment in items:
                group = plan.benefit.exclusive_group
                if group and winners[group] != (amount.minor, -plan.benefit.position):
                    continue
                expected[(person, code, plan.benefit.code)] = (
                    enrolment,
                    amount.minor,
                    [goods.as_dict() for goods in amount.in_kind],
                    funding_parts(amount.minor, plan.benefit.funding),
                )
    return expected


def actual_lines(run):
    return {
        (line.person_id, line.policy_code, line.benefit_code): (
            line.enrolment_id,
            line.amount_minor,
            line.in_kind,
            line.funding,
        )
        for line in EntitlementLine.objects.filter(run=run)
    }


def generate(year: int, households: int = 250, *, seed: int = 0, load: bool = True) -> None:
    if load:
        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        load_policies_dir(path=default_policies_dir())
    vn, cn = Unit.objects.get(code="761"), Unit.objects.get(code="522723000000")
    generate_households(unit=vn, households=households, seed=7 + seed, year=year)
    generate_households(unit=cn, households=households, seed=11 + seed, year=year)
    for code in DIFFICULT_COMMUNES:
        UnitYearAttribute.objects.create(
            unit=Unit.objects.get(code=code), year=year, extremely_difficult_commune=True
        )
    ids = list(
        Enrolment.objects.filter(school_year=year).order_by("pk").values_list("pk", flat=True)
    )
    Enrolment.objects.filter(pk__in=ids[::3]).update(school_days=180)
    Enrolment.objects.filter(pk__in=ids[1::7]).update(school_days=205)
    Enrolment.objects.filter(pk__in=ids[2::5]).update(boarding=True)  # semi-boarders too


@pytest.fixture
def generated(db):
    generate(YEAR)


@pytest.mark.parametrize("scope", [None, "761", "522723000000", "26734"])
def test_set_based_lines_equal_the_per_student_evaluation(generated, scope):
    unit = Unit.objects.get(code=scope) if scope else None

    run = run_entitlements(policy_codes=POLICIES, school_year=YEAR, unit=unit)

    expected = expected_lines(POLICIES, school_year=YEAR, scope_path=unit.path if unit else None)
    assert actual_lines(run) == expected
    assert len(expected) > (10 if scope != "26734" else 0)
    if scope is None:
        benefits = {benefit for _person, _policy, benefit in expected}
        # The data reach the grouped paths: fee table by level and unit, school days.
        assert {"tuition_reduction_50_81", "nutrition_meal_subsidy_5"} <= benefits
        # Decree 66/2025 from 1/5/2025: the semi-boarders' months split between two decrees
        assert {"semi_boarding_food_116", "semi_boarding_food_66"} <= benefits


@pytest.mark.parametrize(("year", "benefits", "left_out"), [
    # the years before: Decree 116/2016 at the 2016 base salary; Decree 86/2015's tuition
    # exemption finds no 2016 fee in the demo table, its learning-cost support no amount
    (2016, {"semi_boarding_food_116"}, ["tuition_exemption_86", "learning_cost_support_86"]),
    # Decree 105/2020 from 1/11/2020: Decree 06/2018's lunch pays 2 months, 105's 7
    (2020, {"preschool_lunch_support_06", "preschool_lunch_support"}, []),
    # Decree 81/2021 from 15/10/2021 governs the whole of 2021-2022
    (2021, {"learning_cost_support"}, ["tuition_exemption_81"]),
    # Decree 238/2025 from 3/9/2025 governs the whole of 2025-2026, Decree 81/2021 none of it
    (2025, {"tuition_exemption_public_238", "semi_boarding_food_66"}, []),
])  # fmt: skip
def test_set_based_lines_equal_the_per_student_evaluation_in_the_years_of_a_change(
    db, year, benefits, left_out
):
    generate(year)

    run = run_entitlements(policy_codes=POLICIES, school_year=year, unit=None)

    expected = expected_lines(POLICIES, school_year=year, scope_path=None)
    assert actual_lines(run) == expected
    assert benefits <= {benefit for _person, _policy, benefit in expected}
    warnings = run.totals["warnings"]
    for code in left_out:
        assert any(f"vn-poverty-education/{code}: " in warning for warning in warnings), warnings
    if year == 2016:
        assert any("amount is not set" in warning for warning in warnings), warnings
    if year == 2025:
        assert not any(benefit.endswith("_81") for _person, _policy, benefit in expected)


def test_a_run_for_every_school_year_2016_to_2026_completes_in_both_countries(db):
    """A small generated set each year (generation is seeded): every run finishes; the
    Vietnamese policy has lines every year, China's national policy in the years its small set
    holds a pupil of a poor household."""
    granted: dict[int, set[str]] = {}
    for year in range(2016, 2027):
        generate(year, households=40, seed=year, load=year == 2016)

        run = run_entitlements(policy_codes=POLICIES, school_year=year, unit=None)

        assert run.status == RunStatus.DONE, (year, run.error)
        lines = EntitlementLine.objects.filter(run=run)
        granted[year] = set(lines.values_list("policy_code", flat=True))
    assert all("vn-poverty-education" in policies for policies in granted.values()), granted
    assert sum("cn-national-student-aid" in policies for policies in granted.values()) >= 8
