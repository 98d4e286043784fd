"""The facts queryset, and the property that keeps SQL and Python in agreement: for random
students and random conditions, `condition_to_q` over `enrolment_facts` selects exactly the
enrolments for which `evaluate` holds."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.db.models import BooleanField, Case, When
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.geo.models import UnitYearAttribute
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.policy.catalog import FACT_COLUMNS, FIELDS, FieldType
from reach.policy.conditions import (
    age_by_birth_year,
    age_on,
    condition_to_q,
    evaluate,
    validate_condition,
    years_before,
)
from reach.policy.facts import EXTRA_COLUMNS, enrolment_facts, facts_of
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person
from reach.registry.tests.factories import (
    EnrolmentFactory,
    HouseholdFactory,
    HouseholdYearStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2024


@dataclass
class Place:
    units: dict
    schools: dict


@pytest.fixture
def place(db) -> Place:
    """VN > 79 > 761 > communes 26734 (extremely difficult in 2024) and 26737 (recorded as not
    difficult); VN > 7 > 7001 (difficult in 2023 only). A public school, and private ones of
    unknown, recognised and refused 普惠 status."""
    vn = UnitFactory(code="VN", level="country")
    hcmc = UnitFactory(code="79", level="province", parent=vn)
    district = UnitFactory(code="761", level="district", parent=hcmc)
    other = UnitFactory(code="7", level="province", parent=vn)
    units = {
        "difficult": UnitFactory(code="26734", parent=district),
        "ordinary": UnitFactory(code="26737", parent=district),
        "difficult_2023": UnitFactory(code="7001", parent=other),
    }
    UnitYearAttribute.objects.create(
        unit=units["difficult"], year=YEAR, extremely_difficult_commune=True
    )
    UnitYearAttribute.objects.create(
        unit=units["ordinary"], year=YEAR, extremely_difficult_commune=False
    )
    UnitYearAttribute.objects.create(
        unit=units["difficult_2023"], year=YEAR - 1, extremely_difficult_commune=True
    )
    schools = {
        "public": SchoolFactory(unit=units["ordinary"], ownership="public"),
        "private": SchoolFactory(unit=units["ordinary"], ownership="private"),
        "private_inclusive": SchoolFactory(
            unit=units["ordinary"], ownership="private", inclusive="yes"
        ),
        "private_not_inclusive": SchoolFactory(
            unit=units["ordinary"], ownership="private", inclusive="no"
        ),
    }
    return Place(units, schools)


def pupil(place: Place, *, unit="difficult", school="public", household_status=None, **enrolment):
    household = HouseholdFactory(unit=place.units[unit])
    if household_status:
        HouseholdYearStatusFactory(household=household, year=YEAR, status=household_status)
    person = PersonFactory(household=household)
    school_obj = place.schools[school] if school else None
    return EnrolmentFactory(person=person, school=school_obj, **enrolment)


def test_facts_are_one_sql_statement(place, django_assert_num_queries):
    for _ in range(3):
        pupil(place, household_status="poor")
    with django_assert_num_queries(1):
        facts = [facts_of(row) for row in enrolment_facts(school_year=YEAR)]
    assert len(facts) == 3


def test_facts_of_a_values_row_equal_those_of_the_instance(place):
    pupil(place, household_status="near_poor", program="bachelor", level="higher_education")
    columns = (*FACT_COLUMNS, *EXTRA_COLUMNS)
    [row] = enrolment_facts(school_year=YEAR).values(*columns)
    [instance] = enrolment_facts(school_year=YEAR)
    assert facts_of(row) == facts_of(instance)
    assert (facts_of(row)["program"], facts_of(row)["household_status"]) == (
        "bachelor",
        "near_poor",
    )


def test_facts_of_a_poor_pupil_in_a_difficult_commune(place):
    enrolment = pupil(
        place, household_status="poor", school="private", grade=3, boarding=True, school_days=180
    )
    Person.objects.filter(pk=enrolment.person_id).update(ethnic_minority=True, orphan=True)
    [row] = enrolment_facts(school_year=YEAR)
    assert facts_of(row, reference_date=dt.date(2024, 9, 5)) == {
        "level": "primary",
        "grade": 3,
        "boarding": True,
        "birth_date": dt.date(2015, 5, 1),
        "household_status": "poor",
        "ethnic_minority": True,
        "orphan": True,
        "disabled": False,
        "martyr_child": False,
        "extremely_difficult_commune": True,
        "program": None,
        "school_ownership": "private",
        "school_inclusive": "unknown",
        "school_days": 180,
        "unit_path": "VN.79.761.26734",
        "reference_date": dt.date(2024, 9, 5),
        "age": 9,
    }


def test_household_status_is_that_of_the_calendar_year_of_the_school_year(place):
    enrolment = pupil(place)
    HouseholdYearStatus.objects.create(
        household=enrolment.person.household, year=YEAR - 1, status="poor"
    )
    [row] = enrolment_facts(school_year=YEAR)
    assert row.household_status == "none"
    HouseholdYearStatus.objects.create(
        household=enrolment.person.household, year=YEAR, status="near_poor"
    )
    [row] = enrolment_facts(school_year=YEAR)
    assert row.household_status == "near_poor"


def test_extremely_difficult_commune_only_in_the_year_it_is_recorded_true(place):
    for unit in ("difficult", "ordinary", "difficult_2023"):
        pupil(place, unit=unit)
    flags = {
        row.unit_path.rsplit(".", 1)[1]: row.extremely_difficult_commune
        for row in enrolment_facts(school_year=YEAR)
    }
    assert flags == {"26734": True, "26737": False, "7001": False}


def test_a_pupil_without_a_school_counts_as_in_a_public_school(place):
    pupil(place, school=None)
    [row] = enrolment_facts(school_year=YEAR)
    assert row.school_ownership == "public"


@pytest.mark.parametrize(
    ("school", "inclusive"),
    [
        ("public", "yes"),  # a public kindergarten is 普惠 by definition
        ("private_inclusive", "yes"),
        ("private_not_inclusive", "no"),
        ("private", "unknown"),  # not recorded: never counts as 普惠
        (None, "unknown"),  # no school recorded
    ],
)
def test_school_inclusive_is_yes_for_public_the_record_for_private_unknown_without_school(
    place, school, inclusive
):
    pupil(place, school=school, level="preschool")
    [row] = enrolment_facts(school_year=YEAR)
    assert row.school_inclusive == inclusive


def test_only_enrolled_pupils_of_the_school_year_under_the_unit(place):
    kept = pupil(place, unit="difficult")
    pupil(place, unit="difficult", status="dropped_out")
    pupil(place, unit="difficult", school_year=YEAR - 1)
    elsewhere = pupil(place, unit="difficult_2023")
    assert {e.pk for e in enrolment_facts(school_year=YEAR)} == {kept.pk, elsewhere.pk}
    assert {e.pk for e in enrolment_facts(school_year=YEAR, unit_path="VN.79")} == {kept.pk}
    assert {e.pk for e in enrolment_facts(school_year=YEAR, unit_path="VN.7")} == {elsewhere.pk}
    assert {e.pk for e in enrolment_facts(school_year=YEAR, unit_path="VN.7001")} == set()


@pytest.mark.parametrize(
    ("reference_date", "birth_date", "age"),
    [
        (dt.date(2024, 9, 5), dt.date(2021, 9, 5), 3),  # third birthday on the reference date
        (dt.date(2024, 9, 5), dt.date(2021, 9, 6), 2),
        (dt.date(2021, 2, 28), dt.date(2016, 2, 29), 4),  # leap-day child, common year
        (dt.date(2021, 3, 1), dt.date(2016, 2, 29), 5),
        (dt.date(2024, 2, 29), dt.date(2021, 2, 28), 3),  # leap-day reference date
        (dt.date(2024, 2, 29), dt.date(2021, 3, 1), 2),
    ],
)
def test_sql_age_boundaries_match_whole_years(place, reference_date, birth_date, age):
    enrolment = pupil(place)
    Person.objects.filter(pk=enrolment.person_id).update(birth_date=birth_date)
    facts = enrolment_facts(school_year=YEAR)
    for op, value, holds in [
        ("eq", age, True),
        ("ge", age, True),
        ("gt", age, False),
        ("le", age, True),
        ("lt", age, False),
        ("lt", age + 1, True),
        ("between", [age, age], True),
        ("in", [age + 1, age], True),
        ("not_in", [age], False),
        ("ne", age - 1, True),
    ]:
        condition = {"field": "age", "op": op, "value": value}
        selected = facts.filter(condition_to_q(condition, reference_date=reference_date)).exists()
        assert selected is holds, (op, value)
        [row] = facts
        assert evaluate(condition, facts_of(row, reference_date=reference_date)) is holds


# -- the property ---------------------------------------------------------------------------

REFERENCE_DATES = [dt.date(2024, 9, 5), dt.date(2024, 2, 29), dt.date(2023, 3, 1)]
SCHOOL_DAYS = [0, 1, 150, 180, 200, 366]
UNIT_PATHS = [None, "VN", "VN.79", "VN.7", "VN.79.761.26734", "VN.7001"]


def conditions_for(pools: dict[str, list[int]]):
    """Random conditions over the whole catalog; integer values come mostly from `pools` (the
    students' own values, one either side), so that boundaries are hit."""

    def values_of(field):
        if field.type is FieldType.CHOICE:
            return st.sampled_from(list(field.values))
        pool = st.sampled_from(pools[field.name]) if pools.get(field.name) else st.nothing()
        return pool | pool | st.integers(field.minimum, min(field.maximum, 30))

    def leaf_of(field):
        ops = [op.value for op in field.ops]

        @st.composite
        def leaf(draw):
            op = draw(st.sampled_from(ops))
            node = {"field": field.name, "op": op}
            if op in ("in", "not_in"):
                node["value"] = draw(st.lists(values_of(field), min_size=1, max_size=3))
            elif op == "between":
                node["value"] = sorted(draw(st.lists(values_of(field), min_size=2, max_size=2)))
            elif op not in ("is_true", "is_false"):
                node["value"] = draw(values_of(field))
            return node

        return leaf()

    integer_leaves = [leaf_of(f) for f in FIELDS.values() if f.type is FieldType.INTEGER]
    leaves = st.one_of(*integer_leaves, *[leaf_of(field) for field in FIELDS.values()])
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda items: {"all": items}),
            st.lists(children, min_size=1, max_size=3).map(lambda items: {"any": items}),
            children.map(lambda child: {"not": child}),
        ),
        max_leaves=6,
    )


def pools_of(reference_date: dt.date, students: list[dict]) -> dict[str, list[int]]:
    values = {
        "age": [age_on(s["birth_date"], reference_date) for s in students],
        "age_by_birth_year": [age_by_birth_year(s["birth_date"], reference_date) for s in students],
        "grade": [s["grade"] for s in students if s["grade"] is not None],
        "school_days": [s["school_days"] for s in students if s["school_days"] is not None],
    }
    return {
        name: sorted({v + d for v in found for d in (-1, 0, 1)} & set(range(0, 367)))
        for name, found in values.items()
    }


@st.composite
def birth_dates(draw, reference_date: dt.date):
    """Mostly a birthday a day either side of the reference date; sometimes 29 February, or
    the first or last day of a year (the bounds of a class by year of birth)."""
    years = draw(st.integers(0, 25))
    near = years_before(reference_date, years) + dt.timedelta(days=draw(st.integers(-1, 1)))
    leap = dt.date(draw(st.sampled_from([2008, 2012, 2016, 2020])), 2, 29)
    year = reference_date.year - years
    new_year = dt.date(year, 1, 1) + dt.timedelta(days=draw(st.integers(-1, 0)))
    return draw(st.sampled_from([near, near, leap, new_year]))


@st.composite
def populations(draw):
    reference_date = draw(st.sampled_from(REFERENCE_DATES))
    student = st.fixed_dictionaries(
        {
            "unit": st.sampled_from(["difficult", "ordinary", "difficult_2023"]),
            "school": st.sampled_from(
                [None, "public", "private", "private_inclusive", "private_not_inclusive"]
            ),
            "status": st.none() | st.sampled_from(list(FIELDS["household_status"].values)),
            "status_last_year": st.none() | st.just("poor"),
            "level": st.sampled_from(list(FIELDS["level"].values)),
            "grade": st.none() | st.integers(0, 13),
            "boarding": st.booleans(),
            "program": st.sampled_from(["", "bachelor", "associate"]),
            "school_days": st.none() | st.sampled_from(SCHOOL_DAYS),
            "birth_date": birth_dates(reference_date),
            "ethnic_minority": st.booleans(),
            "orphan": st.booleans(),
            "disabled": st.booleans(),
            "martyr_child": st.booleans(),
            "enrolment_status": st.sampled_from(["enrolled", "enrolled", "dropped_out"]),
            "school_year": st.sampled_from([YEAR, YEAR, YEAR, YEAR - 1]),
        }
    )
    return reference_date, draw(st.lists(student, min_size=1, max_size=8))


def create_student(place: Place, index: int, s: dict) -> Enrolment:
    household = Household.objects.create(
        code=f"P{index}", unit=place.units[s["unit"]], head_name="Head"
    )
    if s["status"]:
        HouseholdYearStatus.objects.create(household=household, year=YEAR, status=s["status"])
    if s["status_last_year"]:
        HouseholdYearStatus.objects.create(
            household=household, year=YEAR - 1, status=s["status_last_year"]
        )
    person = Person.objects.create(
        household=household,
        full_name=f"Student {index}",
        sex="f",
        relation="child",
        birth_date=s["birth_date"],
        **{flag: s[flag] for flag in ("ethnic_minority", "orphan", "disabled", "martyr_child")},
    )
    return Enrolment.objects.create(
        person=person,
        school=place.schools[s["school"]] if s["school"] else None,
        school_year=s["school_year"],
        status=s["enrolment_status"],
        **{key: s[key] for key in ("level", "grade", "boarding", "program", "school_days")},
    )


def expected_facts(place: Place, s: dict) -> dict:
    return {
        "level": s["level"],
        "grade": s["grade"],
        "boarding": s["boarding"],
        "birth_date": s["birth_date"],
        "household_status": s["status"] or "none",
        "ethnic_minority": s["ethnic_minority"],
        "orphan": s["orphan"],
        "disabled": s["disabled"],
        "martyr_child": s["martyr_child"],
        "extremely_difficult_commune": s["unit"] == "difficult",
        "program": s["program"] or None,
        "school_ownership": "private" if (s["school"] or "").startswith("private") else "public",
        "school_inclusive": INCLUSIVE[s["school"]],
        "school_days": s["school_days"],
        "unit_path": place.units[s["unit"]].path,
    }


INCLUSIVE = {
    None: "unknown",
    "public": "yes",
    "private": "unknown",
    "private_inclusive": "yes",
    "private_not_inclusive": "no",
}


def under(path: str, prefix: str | None) -> bool:
    return prefix is None or path == prefix or path.startswith(prefix + ".")


def boundary_leaves(pools: dict[str, list[int]]) -> list[dict]:
    """Every integer comparison at every pooled value, and its negation."""
    leaves = []
    for name, pool in pools.items():
        field = FIELDS[name]
        for value in pool:
            if not field.minimum <= value <= field.maximum:
                continue
            for op in ("eq", "ne", "lt", "le", "gt", "ge"):
                leaves.append({"field": name, "op": op, "value": value})
            leaves.append({"field": name, "op": "in", "value": [value]})
            leaves.append({"field": name, "op": "not_in", "value": [value]})
            leaves.append({"field": name, "op": "between", "value": [value, value]})
            if value < field.maximum:
                leaves.append({"field": name, "op": "between", "value": [value, value + 1]})
    return leaves + [{"not": leaf} for leaf in leaves]


def selected_by_sql(facts, conditions: list[dict], reference_date: dt.date) -> list[set[int]]:
    """The pks each condition selects, as WHERE would: a few queries, 200 conditions each."""
    selected: list[set[int]] = []
    for start in range(0, len(conditions), 200):
        chunk = conditions[start : start + 200]
        columns = {
            f"c{i}": Case(
                When(condition_to_q(condition, reference_date=reference_date), then=True),
                default=False,
                output_field=BooleanField(),
            )
            for i, condition in enumerate(chunk)
        }
        rows = list(facts.annotate(**columns).values("pk", *columns))
        selected += [{row["pk"] for row in rows if row[f"c{i}"]} for i in range(len(chunk))]
    return selected


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=populations(), unit_path=st.sampled_from(UNIT_PATHS), data=st.data())
def test_sql_selects_exactly_the_students_python_says_meet_the_condition(
    place, population, unit_path, data
):
    """Random condition trees through `filter`, as runs use them; then every age comparison
    (whole years and by year of birth) at the students' own ages on the reference date, one
    either side (the date arithmetic)."""
    reference_date, students = population
    pools = pools_of(reference_date, students)
    conditions = data.draw(st.lists(conditions_for(pools), min_size=5, max_size=5))
    with transaction.atomic():
        created = {create_student(place, i, s).pk: s for i, s in enumerate(students)}
        facts = enrolment_facts(school_year=YEAR, unit_path=unit_path)
        rows = {row.pk: facts_of(row, reference_date=reference_date) for row in facts}
        in_scope = {
            pk
            for pk, s in created.items()
            if s["school_year"] == YEAR
            and s["enrolment_status"] == "enrolled"
            and under(place.units[s["unit"]].path, unit_path)
        }
        assert set(rows) == in_scope
        for pk, row_facts in rows.items():
            row_facts = {k: v for k, v in row_facts.items() if k not in ("age", "reference_date")}
            assert row_facts == expected_facts(place, created[pk])
        for condition in conditions:
            assert validate_condition(condition, "condition") == []
            by_python = {pk for pk, row_facts in rows.items() if evaluate(condition, row_facts)}
            q = condition_to_q(condition, reference_date=reference_date)
            by_sql = set(facts.filter(q).values_list("pk", flat=True))
            assert by_sql == by_python, (condition, reference_date)
        sweep = boundary_leaves({name: pools[name] for name in ("age", "age_by_birth_year")})
        for condition, by_sql in zip(
            sweep, selected_by_sql(facts, sweep, reference_date), strict=True
        ):
            by_python = {pk for pk, row_facts in rows.items() if evaluate(condition, row_facts)}
            assert by_sql == by_python, (condition, reference_date)
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("birth_date", "years"),
    [
        (dt.date(2021, 1, 1), 3),  # first day of the class's year of birth
        (dt.date(2021, 11, 20), 3),  # born late in 2021: aged 2 on 2024-09-05, 3-year-old class
        (dt.date(2021, 12, 31), 3),
        (dt.date(2020, 12, 31), 4),
        (dt.date(2022, 1, 1), 2),
    ],
)
def test_sql_age_by_birth_year_is_the_school_year_minus_the_year_of_birth(place, birth_date, years):
    enrolment = pupil(place)
    Person.objects.filter(pk=enrolment.person_id).update(birth_date=birth_date)
    facts = enrolment_facts(school_year=YEAR)
    reference_date = dt.date(2024, 9, 5)
    for op, value, holds in [
        ("eq", years, True),
        ("ne", years, False),
        ("ge", years, True),
        ("gt", years, False),
        ("le", years, True),
        ("lt", years, False),
        ("lt", years + 1, True),
        ("between", [years, years + 2], True),
        ("between", [years + 1, years + 2], False),
        ("in", [years + 1, years], True),
        ("not_in", [years], False),
    ]:
        condition = {"field": "age_by_birth_year", "op": op, "value": value}
        selected = facts.filter(condition_to_q(condition, reference_date=reference_date)).exists()
        assert selected is holds, (op, value)
        [row] = facts
        assert evaluate(condition, facts_of(row, reference_date=reference_date)) is holds
