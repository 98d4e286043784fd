"""A round's candidates are the pupils a per-pupil Python evaluation of its criteria selects:
random small populations and random criteria (catalog fields and round fields), drawn set-based
by one INSERT ... SELECT, compared with `criteria_hold` on facts built from the generated data
itself; scores and the rules behind them agree too."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.funds.models import RoundCandidate
from reach.funds.rounds_criteria import (
    criteria_hold,
    score_of,
    tier_amount,
    validate_criteria,
)
from reach.funds.services.rounds import RoundInput, create_round, draw_candidates
from reach.funds.tests.factories import FundFactory
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.indicators.parameters import indicator_parameters
from reach.policy.conditions import age_on
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

pytestmark = pytest.mark.django_db
YEAR = 2024
TIERS = [{"min_score": 0, "amount_minor": 100_000}, {"min_score": 30, "amount_minor": 300_000}]
LEVELS = {"primary": (1, 5), "lower_secondary": (6, 9), "upper_secondary": (10, 12)}


@pytest.fixture
def area(db):
    """A district of two wards (a fund's area) and a ward outside it, a school in each."""
    vn = UnitFactory(code="VN", level="country")
    district = UnitFactory(code="D9", level="district", parent=vn)
    units = {
        "in_a": UnitFactory(code="W1", parent=district),
        "in_b": UnitFactory(code="W2", parent=district),
        "out": UnitFactory(code="W3", parent=vn),
    }
    schools = {key: SchoolFactory(unit=unit, levels=list(LEVELS)) for key, unit in units.items()}
    return district, units, schools


students = st.fixed_dictionaries(
    {
        "ward": st.sampled_from(["in_a", "in_a", "in_b", "out"]),
        "status": st.none() | st.sampled_from(["poor", "near_poor", "none"]),
        "level": st.sampled_from(list(LEVELS)),
        "step": st.integers(0, 3),
        "orphan": st.booleans(),
        "ethnic_minority": st.booleans(),
        "attendance_rate": st.none() | st.sampled_from([0, 50, 79, 80, 95, 100]),
        "dropped_last_year": st.booleans(),
        "enrolled": st.sampled_from([True, True, True, False]),
        "age_shift": st.integers(-1, 1),
    }
)


def _leaf():
    return st.one_of(
        st.builds(
            lambda op, v: {"field": "household_status", "op": op, "value": v},
            st.sampled_from(["eq", "ne"]),
            st.sampled_from(["poor", "near_poor", "none"]),
        ),
        st.builds(
            lambda op, v: {"field": "household_status", "op": op, "value": v},
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(["poor", "near_poor", "none"]), min_size=1, max_size=2),
        ),
        st.builds(
            lambda v: {"field": "level", "op": "in", "value": v},
            st.lists(st.sampled_from(list(LEVELS)), min_size=1, max_size=2),
        ),
        st.builds(
            lambda op, v: {"field": "grade", "op": op, "value": v},
            st.sampled_from(["ge", "le", "eq", "ne"]),
            st.integers(1, 12),
        ),
        st.builds(
            lambda op, v: {"field": "age", "op": op, "value": v},
            st.sampled_from(["ge", "lt"]),
            st.integers(6, 18),
        ),
        st.builds(
            lambda f, op: {"field": f, "op": op},
            st.sampled_from(["orphan", "ethnic_minority", "returning_dropout"]),
            st.sampled_from(["is_true", "is_false"]),
        ),
        st.builds(
            lambda op, v: {"field": "attendance_rate", "op": op, "value": v},
            st.sampled_from(["lt", "ge", "ne", "not_in"]),
            st.sampled_from([50, 80]),
        ).map(lambda n: n if n["op"] != "not_in" else {**n, "value": [n["value"]]}),
    )


criteria = st.recursive(
    _leaf(),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"all": items}),
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"any": items}),
        children.map(lambda child: {"not": child}),
    ),
    max_leaves=5,
)
score_rules = st.lists(
    st.builds(lambda when, points: {"when": when, "points": points}, criteria, st.integers(1, 40)),
    max_size=3,
)


def _create(index: int, s: dict, units, schools, reference_date: dt.date) -> Person:
    household = Household.objects.create(code=f"G{index}", unit=units[s["ward"]], head_name="H")
    if s["status"]:
        HouseholdYearStatus.objects.create(household=household, year=YEAR, status=s["status"])
    first, last = LEVELS[s["level"]]
    grade = min(first + s["step"], last)
    birth = reference_date.replace(year=reference_date.year - grade - 6) + dt.timedelta(
        days=s["age_shift"]
    )
    person = Person.objects.create(
        household=household,
        full_name=f"Pupil {index}",
        sex="m",
        relation="child",
        birth_date=birth,
        orphan=s["orphan"],
        ethnic_minority=s["ethnic_minority"],
    )
    Enrolment.objects.create(
        person=person,
        school=schools[s["ward"]],
        school_year=YEAR,
        level=s["level"],
        grade=grade,
        attendance_rate=s["attendance_rate"],
        status="enrolled" if s["enrolled"] else "dropped_out",
    )
    if s["dropped_last_year"]:
        Enrolment.objects.create(
            person=person,
            school=schools[s["ward"]],
            school_year=YEAR - 1,
            level=s["level"],
            grade=grade,
            status="dropped_out",
        )
    return person


def _facts(s: dict, person: Person, reference_date: dt.date) -> dict:
    """The pupil's facts, from the generated data (not from the facts query)."""
    first, last = LEVELS[s["level"]]
    return {
        "level": s["level"],
        "grade": min(first + s["step"], last),
        "household_status": s["status"] or "none",
        "orphan": s["orphan"],
        "ethnic_minority": s["ethnic_minority"],
        "age": age_on(person.birth_date, reference_date),
        "attendance_rate": s["attendance_rate"],
        "returning_dropout": s["dropped_last_year"],
    }


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    population=st.lists(students, min_size=1, max_size=8),
    condition=criteria,
    rules=score_rules,
)
def test_drawn_candidates_equal_the_per_pupil_python_evaluation(
    world, area, population, condition, rules
):
    district, units, schools = area
    reference_date = indicator_parameters().reference_date(YEAR)
    assert validate_criteria(condition) == []
    with transaction.atomic():
        fund = FundFactory(unit=district)
        people = [
            (s, _create(i, s, units, schools, reference_date)) for i, s in enumerate(population)
        ]
        round_ = create_round(
            actor=world.users["admin"],
            fund=fund,
            data=RoundInput(
                code="R-PROP",
                names={"en": "Property round"},
                school_year=YEAR,
                budget_minor=10**12,
                criteria=condition,
                score_rules=rules,
                tiers=TIERS,
            ),
        )
        draw_candidates(actor=world.users["admin"], round_=round_)
        expected = {}
        for s, person in people:
            if not s["enrolled"] or s["ward"] == "out":
                continue
            facts = _facts(s, person, reference_date)
            if criteria_hold(condition, facts):
                score, bits = score_of(rules, facts)
                expected[person.pk] = (score, bits, tier_amount(TIERS, score))
        drawn = {
            c.person_id: (c.score, c.rule_bits, c.amount_minor)
            for c in RoundCandidate.objects.filter(round=round_)
        }
        assert drawn == expected, condition
        transaction.set_rollback(True)
