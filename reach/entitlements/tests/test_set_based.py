"""The property that keeps runs honest: the lines written set-based (one INSERT ... SELECT per
benefit or amount group, one DELETE per exclusive group) equal a per-student evaluation in
Python (`evaluate` + `compute_amount` + the largest of each exclusive group) on generated
households."""

import pytest

from reach.accounts.permissions import command_line_actor
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
                    )
                except AmountUnavailable as error:
                    assert error.column is not None
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


@pytest.fixture
def generated(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    load_policies_dir(path=default_policies_dir())
    generate_households(unit=Unit.objects.get(code="761"), households=250, seed=7, year=YEAR)
    generate_households(
        unit=Unit.objects.get(code="522723000000"), households=250, seed=11, year=YEAR
    )
    for code in DIFFICULT_COMMUNES:
        UnitYearAttribute.objects.create(
            unit=Unit.objects.get(code=code), year=YEAR, extremely_difficult_commune=True
        )
    ids = list(
        Enrolment.objects.filter(school_year=YEAR).order_by("pk").values_list("pk", flat=True)
    )
    Enrolment.objects.filter(pk__in=ids[::3]).update(school_days=180)
    Enrolment.objects.filter(pk__in=ids[1::7]).update(school_days=205)


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


def test_set_based_lines_stay_equal_after_a_rerun(generated):
    first = run_entitlements(policy_codes=POLICIES, school_year=YEAR, unit=None)
    lines = actual_lines(first)

    second = run_entitlements(policy_codes=POLICIES, school_year=YEAR, unit=None)

    assert actual_lines(second) == lines
    assert second.diff["counts"]["added"] == second.diff["counts"]["removed"] == 0
    assert second.diff["counts"]["changed"] == 0


def test_set_based_lines_with_double_enrolments_and_a_correction_diff(generated):
    # Pupils enrolled twice: each benefit takes their first matching enrolment, and exclusive
    # groups still keep one line; the rerun after a change reports exactly that change.
    pupils = list(
        Enrolment.objects.filter(school_year=YEAR, level="primary")
        .order_by("pk")
        .values_list("person_id", flat=True)[:20]
    )
    for person in pupils:
        Enrolment.objects.create(
            person_id=person, school_year=YEAR, level="lower_secondary", grade=6, boarding=True
        )
    first = run_entitlements(policy_codes=POLICIES, school_year=YEAR, unit=None)
    before = actual_lines(first)
    assert before == expected_lines(POLICIES, school_year=YEAR, scope_path=None)
    Enrolment.objects.filter(school_year=YEAR, school_days=180).update(school_days=181)

    second = run_entitlements(policy_codes=POLICIES, school_year=YEAR, unit=None)

    expected = expected_lines(POLICIES, school_year=YEAR, scope_path=None)
    assert actual_lines(second) == expected
    moved = sorted(key for key, line in expected.items() if before[key][1] != line[1])
    assert moved  # the meal subsidy counts the school days
    assert [
        (entry["person"], entry["policy"], entry["benefit"]) for entry in second.diff["changed"]
    ] == moved
    assert second.diff["counts"] == {
        "added": 0,
        "removed": 0,
        "changed": len(moved),
        "unchanged": len(expected) - len(moved),
    }
