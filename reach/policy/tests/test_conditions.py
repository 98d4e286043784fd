"""Conditions: validation paths, Python evaluation of every operator, ages, words."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reach.policy.catalog import FIELDS
from reach.policy.conditions import (
    age_on,
    describe,
    evaluate,
    explain,
    required_values,
    validate_condition,
    years_before,
)


def leaf(field: str, op: str, value=None) -> dict:
    node = {"field": field, "op": op}
    if value is not None:
        node["value"] = value
    return node


PUPIL = {
    "level": "lower_secondary",
    "grade": 7,
    "boarding": True,
    "household_status": "near_poor",
    "ethnic_minority": False,
    "orphan": False,
    "program": None,
    "school_days": None,
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (leaf("level", "eq", "lower_secondary"), True),
        (leaf("level", "eq", "primary"), False),
        (leaf("level", "ne", "primary"), True),
        (leaf("level", "ne", "lower_secondary"), False),
        (leaf("level", "in", ["primary", "lower_secondary"]), True),
        (leaf("level", "in", ["primary", "preschool"]), False),
        (leaf("level", "not_in", ["primary", "preschool"]), True),
        (leaf("level", "not_in", ["lower_secondary"]), False),
        (leaf("grade", "lt", 8), True),
        (leaf("grade", "lt", 7), False),
        (leaf("grade", "le", 7), True),
        (leaf("grade", "le", 6), False),
        (leaf("grade", "gt", 6), True),
        (leaf("grade", "gt", 7), False),
        (leaf("grade", "ge", 7), True),
        (leaf("grade", "ge", 8), False),
        (leaf("grade", "between", [7, 9]), True),
        (leaf("grade", "between", [5, 7]), True),
        (leaf("grade", "between", [8, 9]), False),
        (leaf("boarding", "is_true"), True),
        (leaf("boarding", "is_false"), False),
        (leaf("orphan", "is_false"), True),
        (leaf("orphan", "is_true"), False),
        ({"all": [leaf("boarding", "is_true"), leaf("grade", "eq", 7)]}, True),
        ({"all": [leaf("boarding", "is_true"), leaf("grade", "eq", 8)]}, False),
        ({"any": [leaf("orphan", "is_true"), leaf("grade", "eq", 7)]}, True),
        ({"any": [leaf("orphan", "is_true"), leaf("grade", "eq", 8)]}, False),
        ({"not": leaf("orphan", "is_true")}, True),
        ({"not": {"any": [leaf("orphan", "is_true"), leaf("boarding", "is_true")]}}, False),
    ],
)
def test_evaluate_each_operator_on_a_near_poor_grade_7_boarder(condition, expected):
    assert validate_condition(condition, "c") == []
    assert evaluate(condition, PUPIL) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (leaf("school_days", "eq", 180), False),
        (leaf("school_days", "lt", 180), False),
        (leaf("school_days", "ge", 0), False),
        (leaf("school_days", "between", [0, 366]), False),
        (leaf("school_days", "in", [180]), False),
        (leaf("school_days", "ne", 180), True),
        (leaf("school_days", "not_in", [180]), True),
        (leaf("program", "eq", "bachelor"), False),
        (leaf("program", "ne", "bachelor"), True),
        (leaf("martyr_child", "is_true"), False),  # not in the facts at all
        (leaf("martyr_child", "is_false"), True),
        (leaf("age", "ge", 0), False),  # no birth date, no age
        ({"not": leaf("school_days", "lt", 180)}, True),
        ({"not": leaf("school_days", "ne", 180)}, False),
    ],
)
def test_a_comparison_on_an_unknown_fact_is_false_except_ne_not_in_is_false(condition, expected):
    assert evaluate(condition, PUPIL) is expected


def test_blank_program_counts_as_unknown():
    assert evaluate(leaf("program", "ne", "bachelor"), {"program": ""})
    assert not evaluate(leaf("program", "in", ["bachelor"]), {"program": ""})


# -- ages -----------------------------------------------------------------------------------

REFERENCE = dt.date(2024, 9, 5)


@pytest.mark.parametrize(
    ("birth_date", "age"),
    [
        (dt.date(2019, 9, 5), 5),  # fifth birthday on the reference date: already 5
        (dt.date(2019, 9, 6), 4),  # birthday the day after: still 4
        (dt.date(2019, 9, 4), 5),
        (dt.date(2024, 9, 5), 0),
        (dt.date(2020, 2, 29), 4),
    ],
)
def test_age_on_5_september_2024(birth_date, age):
    assert age_on(birth_date, REFERENCE) == age


@pytest.mark.parametrize(
    ("reference_date", "age"),
    [
        (dt.date(2021, 2, 28), 4),  # born 29 Feb 2016: in a common year, 5 only on 1 March
        (dt.date(2021, 3, 1), 5),
        (dt.date(2020, 2, 28), 3),
        (dt.date(2020, 2, 29), 4),
        (dt.date(2024, 2, 29), 8),
    ],
)
def test_age_of_a_child_born_29_february_2016(reference_date, age):
    assert age_on(dt.date(2016, 2, 29), reference_date) == age


def test_years_before_29_february_is_28_february_in_a_common_year():
    assert years_before(dt.date(2024, 2, 29), 3) == dt.date(2021, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)
    assert years_before(dt.date(2024, 9, 5), 5) == dt.date(2019, 9, 5)


@pytest.mark.parametrize(
    ("birth_date", "between_3_and_5"),
    [
        (dt.date(2021, 9, 5), True),  # 3 today
        (dt.date(2021, 9, 6), False),  # 3 tomorrow
        (dt.date(2018, 9, 6), True),  # 6 tomorrow: still 5
        (dt.date(2018, 9, 5), False),  # 6 today
    ],
)
def test_age_between_3_and_5_at_the_edges(birth_date, between_3_and_5):
    facts = {"birth_date": birth_date, "reference_date": REFERENCE}
    assert evaluate(leaf("age", "between", [3, 5]), facts) is between_3_and_5


def test_a_given_age_wins_over_the_birth_date():
    assert evaluate(leaf("age", "eq", 4), {"age": 4, "birth_date": dt.date(2000, 1, 1)})


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "error"),
    [
        (leaf("colour", "eq", "red"), "c.field: unknown field 'colour'"),
        (leaf("level", "like", "p"), "c.op: unknown operator 'like'"),
        ({"field": "level", "value": "primary"}, "c.op: missing"),
        (leaf("level", "lt", "primary"), "c.op: lt does not apply to the choice field level"),
        (leaf("boarding", "eq", True), "c.op: eq does not apply to the boolean field boarding"),
        (leaf("level", "eq", "college"), "c.value: 'college' is not a level value"),
        (leaf("level", "eq"), "c.value: missing"),
        (leaf("grade", "eq", "7"), "c.value: must be a whole number 0-20"),
        (leaf("grade", "eq", True), "c.value: must be a whole number 0-20"),
        (leaf("age", "ge", -1), "c.value: must be a whole number 0-150"),
        (leaf("level", "in", []), "c.value: must be a non-empty list"),
        (leaf("level", "in", ["primary", "x"]), "c.value[1]: 'x' is not a level value"),
        (leaf("grade", "between", [9, 7]), "c.value: low must not be above high"),
        (leaf("grade", "between", [7]), "c.value: must be [low, high]"),
        ({"field": "boarding", "op": "is_true", "value": 1}, "c.value: is_true takes no value"),
        ({**leaf("grade", "eq", 7), "extra": 1}, "c.extra: unknown key"),
        ({"all": []}, "c.all: must be a non-empty list of conditions"),
        ({"any": leaf("orphan", "is_true")}, "c.any: must be a non-empty list of conditions"),
        ({"all": [leaf("orphan", "is_true")], "any": []}, "c: must have exactly one of"),
        ({"not": "orphan"}, "c.not: must be a mapping"),
        ("orphan", "c: must be a mapping"),
        (
            {"all": [leaf("orphan", "is_true"), {"any": [leaf("level", "eq", "x")]}]},
            "c.all[1].any[0].value: 'x' is not a level value",
        ),
    ],
)
def test_validate_condition_names_the_path_of_the_error(condition, error):
    errors = validate_condition(condition, "c")
    assert any(line.startswith(error) for line in errors), errors


def test_validate_condition_lists_every_error():
    condition = {"all": [leaf("colour", "eq", 1), leaf("grade", "ge", 99), leaf("orphan", "eq")]}
    errors = validate_condition(condition, "benefits[2].condition")
    assert [line.split(":")[0] for line in errors] == [
        "benefits[2].condition.all[0].field",
        "benefits[2].condition.all[1].value",
        "benefits[2].condition.all[2].op",
    ]


def test_every_catalog_field_and_operator_validates():
    for field in FIELDS.values():
        sample = next(iter(field.values)) if field.values else 1
        for op in field.ops:
            value = {
                "in": [sample],
                "not_in": [sample],
                "between": [sample, sample],
                "is_true": None,
                "is_false": None,
            }.get(op, sample)
            assert validate_condition(leaf(field.name, op, value), "c") == [], (field.name, op)


# -- words ----------------------------------------------------------------------------------

POOR_PUPIL = {
    "all": [
        leaf("level", "in", ["primary", "lower_secondary"]),
        leaf("household_status", "eq", "poor"),
    ]
}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "level is one of primary, lower secondary and household status is poor"),
        ("vi", "cấp học là một trong tiểu học, trung học cơ sở và tình trạng hộ là hộ nghèo"),
        ("zh", "学段为 小学、初中 之一 且 家庭状况为 贫困户"),
        ("zh-hans", "学段为 小学、初中 之一 且 家庭状况为 贫困户"),
    ],
)
def test_describe_in_three_languages(lang, words):
    assert describe(POOR_PUPIL, lang) == words


def test_describe_puts_nested_groups_in_brackets():
    condition = {
        "all": [
            leaf("level", "eq", "preschool"),
            leaf("age", "between", [3, 5]),
            {"any": [leaf("orphan", "is_true"), {"not": leaf("boarding", "is_true")}]},
        ]
    }
    assert describe(condition, "en") == (
        "level is preschool and age is between 3 and 5 and (orphan: yes or not (boarding: yes))"
    )


def test_explain_gives_each_comparison_with_the_students_value():
    facts = {"level": "primary", "household_status": "near_poor"}
    assert explain(POOR_PUPIL, facts, "en") == [
        {
            "field": "level",
            "op": "in",
            "expected": ["primary", "lower_secondary"],
            "actual": "primary",
            "passed": True,
            "negated": False,
            "in_favour": True,
            "words": "level is one of primary, lower secondary",
        },
        {
            "field": "household_status",
            "op": "eq",
            "expected": "poor",
            "actual": "near_poor",
            "passed": False,
            "negated": False,
            "in_favour": False,
            "words": "household status is poor",
        },
    ]


def test_explain_counts_a_comparison_under_not_in_favour_when_it_fails():
    condition = {"all": [leaf("orphan", "is_true"), {"not": {"not": leaf("boarding", "is_true")}}]}
    facts = {"orphan": True, "boarding": False}
    lines = explain({"not": condition}, facts, "en")
    assert [
        (line["field"], line["passed"], line["negated"], line["in_favour"]) for line in lines
    ] == [
        ("orphan", True, True, False),
        ("boarding", False, True, True),
    ]


def test_explain_reports_the_age_computed_from_the_birth_date():
    facts = {"birth_date": dt.date(2020, 9, 6), "reference_date": REFERENCE}
    [line] = explain(leaf("age", "ge", 4), facts, "vi")
    assert (line["actual"], line["passed"], line["words"]) == (3, False, "tuổi từ 4 trở lên")


# -- the levels a condition allows (a run tries a benefit on the pupils of those only) -------

PRIMARY_POOR = {
    "all": [
        {"field": "level", "op": "in", "value": ["primary", "lower_secondary"]},
        {"field": "household_status", "op": "eq", "value": "poor"},
    ]
}


@pytest.mark.parametrize(
    ("condition", "levels"),
    [
        (PRIMARY_POOR, {"primary", "lower_secondary"}),
        ({"field": "level", "op": "eq", "value": "preschool"}, {"preschool"}),
        # `all` narrows to what every constrained part allows
        (
            {"all": [PRIMARY_POOR, {"field": "level", "op": "eq", "value": "primary"}]},
            {"primary"},
        ),
        # `any` allows the union, but only when every branch names its levels
        (
            {"any": [PRIMARY_POOR, {"field": "level", "op": "eq", "value": "preschool"}]},
            {"primary", "lower_secondary", "preschool"},
        ),
        ({"any": [PRIMARY_POOR, {"field": "orphan", "op": "is_true"}]}, None),
        # a `not`, another operator or another field says nothing of the level
        ({"not": {"field": "level", "op": "eq", "value": "primary"}}, None),
        ({"field": "level", "op": "ne", "value": "primary"}, None),
        ({"field": "household_status", "op": "eq", "value": "poor"}, None),
    ],
)
def test_required_values_are_the_levels_a_condition_allows(condition, levels):
    expected = None if levels is None else frozenset(levels)
    assert required_values(condition, "level") == expected


LEVELS = list(FIELDS["level"].values)
STATUSES = list(FIELDS["household_status"].values)


def _narrowing_leaves():
    level_ops = st.sampled_from(["eq", "ne"]).flatmap(
        lambda op: st.sampled_from(LEVELS).map(lambda v: leaf("level", op, v))
    ) | st.sampled_from(["in", "not_in"]).flatmap(
        lambda op: st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3).map(
            lambda values: leaf("level", op, values)
        )
    )
    others = st.sampled_from(STATUSES).map(lambda v: leaf("household_status", "eq", v)) | (
        st.just(leaf("orphan", "is_true"))
    )
    return level_ops | others


CONDITIONS = st.recursive(
    _narrowing_leaves(),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"all": items}),
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"any": items}),
        children.map(lambda child: {"not": child}),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    condition=CONDITIONS,
    level=st.sampled_from(LEVELS),
    status=st.sampled_from(STATUSES),
    orphan=st.booleans(),
)
def test_required_values_never_rule_out_a_pupil_the_condition_admits(
    condition, level, status, orphan
):
    """A run tries a benefit only on the levels `required_values` gives: wider than the
    condition is allowed, narrower would lose pupils."""
    facts = {"level": level, "household_status": status, "orphan": orphan}
    allowed = required_values(condition, "level")
    if evaluate(condition, facts):
        assert allowed is None or level in allowed, (condition, facts)
