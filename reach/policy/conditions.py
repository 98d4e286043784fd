"""Conditions: a small tree of `all`, `any`, `not` and comparisons `{field, op, value}`.

One tree, four readings: `validate_condition` checks it against the catalog when a policy is
loaded; `condition_to_q` compiles it to a Django Q over `enrolment_facts` (set-based runs);
`evaluate` and `explain` run it in Python on one student's facts (the explanation); `describe`
says it in words. A comparison on an unknown fact (None) is false, except `ne`, `not_in` and
`is_false`, which hold; the SQL leaves are built two-valued so that `not` agrees with Python.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from reach.common.languages import lang_key
from reach.policy.catalog import (
    FIELD_NAMES,
    FIELDS,
    TRUE_ON_MISSING,
    Field,
    FieldType,
    Op,
)

COMPOUND_KEYS = ("all", "any", "not")
LEAF_KEYS = ("field", "op", "value")
OPS = tuple(op.value for op in Op)
LIST_OPS = (Op.IN, Op.NOT_IN)
NO_VALUE_OPS = (Op.IS_TRUE, Op.IS_FALSE)


# -- dates and ages -------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    """The same month-day `years` earlier; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_by_birth_year(birth_date: dt.date, reference_date: dt.date) -> int:
    """The school year's first calendar year minus the year of birth: a child born in 2021 is in
    the "3-year-old class" of school year 2024-2025 whatever the day (Vietnamese preschool
    classes are formed by year of birth). The reference date lies in that first year."""
    return reference_date.year - birth_date.year


def age_on(birth_date: dt.date, reference_date: dt.date) -> int:
    """Whole years at the reference date (born 29 February: a year older on 1 March)."""
    before_birthday = (reference_date.month, reference_date.day) < (
        birth_date.month,
        birth_date.day,
    )
    return reference_date.year - birth_date.year - before_birthday


# -- validation -----------------------------------------------------------------------------


def validate_condition(node: Any, path: str) -> list[str]:
    """Every error in the condition tree, each as `path: message` (path inside the file)."""
    if not isinstance(node, Mapping):
        return [f"{path}: " + _("must be a mapping with one of all, any, not or field")]
    compound = [key for key in COMPOUND_KEYS if key in node]
    if len(compound) > 1 or (compound and "field" in node):
        return [f"{path}: " + _("must have exactly one of all, any, not or field")]
    if compound:
        key = compound[0]
        errors = [f"{path}.{extra}: " + _("unknown key") for extra in node if extra != key]
        child = node[key]
        if key == "not":
            return errors + validate_condition(child, f"{path}.not")
        if not isinstance(child, list) or not child:
            return errors + [f"{path}.{key}: " + _("must be a non-empty list of conditions")]
        for index, item in enumerate(child):
            errors += validate_condition(item, f"{path}.{key}[{index}]")
        return errors
    if "field" not in node:
        return [f"{path}: " + _("must have one of all, any, not or field")]
    return _validate_leaf(node, path)


def _validate_leaf(node: Mapping, path: str) -> list[str]:
    errors = [f"{path}.{key}: " + _("unknown key") for key in node if key not in LEAF_KEYS]
    field = FIELDS.get(node["field"]) if isinstance(node["field"], str) else None
    if field is None:
        errors.append(
            f"{path}.field: "
            + _("unknown field %(name)r; known fields: %(known)s")
            % {"name": node["field"], "known": ", ".join(FIELD_NAMES)}
        )
    op = node.get("op")
    if op not in OPS:
        message = _("missing") if op is None else _("unknown operator %(op)r") % {"op": op}
        errors.append(f"{path}.op: {message}; " + _("known: %(ops)s") % {"ops": ", ".join(OPS)})
        return errors
    op = Op(op)
    if field is None:
        return errors
    if op not in field.ops:
        errors.append(
            f"{path}.op: "
            + _("%(op)s does not apply to the %(type)s field %(field)s; use %(ops)s")
            % {
                "op": op.value,
                "type": field.type.value,
                "field": field.name,
                "ops": ", ".join(field.ops),
            }
        )
        return errors
    if op in NO_VALUE_OPS:
        if "value" in node:
            errors.append(f"{path}.value: " + _("%(op)s takes no value") % {"op": op.value})
        return errors
    if "value" not in node:
        errors.append(f"{path}.value: " + _("missing"))
        return errors
    value = node["value"]
    if op in LIST_OPS:
        if not isinstance(value, list) or not value:
            errors.append(f"{path}.value: " + _("must be a non-empty list"))
            return errors
        for index, item in enumerate(value):
            errors += _validate_value(field, item, f"{path}.value[{index}]")
    elif op is Op.BETWEEN:
        if not isinstance(value, list) or len(value) != 2:
            errors.append(f"{path}.value: " + _("must be [low, high]"))
            return errors
        bounds = [
            _validate_value(field, item, f"{path}.value[{i}]") for i, item in enumerate(value)
        ]
        errors += bounds[0] + bounds[1]
        if not bounds[0] and not bounds[1] and value[0] > value[1]:
            errors.append(f"{path}.value: " + _("low must not be above high"))
    else:
        errors += _validate_value(field, value, f"{path}.value")
    return errors


def _validate_value(field: Field, value: Any, path: str) -> list[str]:
    if field.type is FieldType.CHOICE:
        if not isinstance(value, str) or value not in field.values:
            return [
                f"{path}: "
                + _("%(value)r is not a %(field)s value; one of %(values)s")
                % {"value": value, "field": field.name, "values": ", ".join(field.values)}
            ]
    elif (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not field.minimum <= value <= field.maximum
    ):
        return [
            f"{path}: "
            + _("must be a whole number %(low)s-%(high)s")
            % {"low": field.minimum, "high": field.maximum}
        ]
    return []


# -- SQL ------------------------------------------------------------------------------------


def condition_to_q(node: Mapping, *, reference_date: dt.date) -> Q:
    """The condition as a Q over `enrolment_facts`; `age` becomes birth-date comparisons."""
    if "all" in node or "any" in node:
        children = [condition_to_q(c, reference_date=reference_date) for c in _children(node)]
        q = children[0]
        for child in children[1:]:
            q = (q & child) if "all" in node else (q | child)
        return q
    if "not" in node:
        return ~condition_to_q(node["not"], reference_date=reference_date)
    field, op, value = FIELDS[node["field"]], Op(node["op"]), node.get("value")
    if field.name == "age":
        return _age_q(op, value, reference_date)
    if field.name == "age_by_birth_year":
        return _birth_year_q(op, value, reference_date.year)
    if op is Op.NE:
        return ~_positive_q(field, Op.EQ, value)
    if op is Op.NOT_IN:
        return ~_positive_q(field, Op.IN, value)
    return _positive_q(field, op, value)


def required_values(node: Mapping, field_name: str) -> frozenset | None:
    """The values `field_name` must take for the condition to hold, as far as its `eq` and `in`
    comparisons under `all` and `any` say; None when the condition does not narrow the field
    (a `not` is never read). A run uses it to try each benefit on the pupils of its levels only,
    so it may be wider than the condition, never narrower."""
    if "all" in node:
        narrowed = [required_values(child, field_name) for child in node["all"]]
        known = [values for values in narrowed if values is not None]
        return frozenset.intersection(*known) if known else None
    if "any" in node:
        narrowed = [required_values(child, field_name) for child in node["any"]]
        if any(values is None for values in narrowed):
            return None
        return frozenset().union(*narrowed)
    if node.get("field") != field_name:
        return None
    op = Op(node["op"])
    if op is Op.EQ:
        return frozenset([node["value"]])
    if op is Op.IN:
        return frozenset(node["value"])
    return None


_LOOKUPS = {Op.EQ: "exact", Op.IN: "in", Op.LT: "lt", Op.LE: "lte", Op.GT: "gt", Op.GE: "gte"}


def _positive_q(field: Field, op: Op, value: Any) -> Q:
    """A comparison that is false (never NULL) on an unknown value, so negating it is safe."""
    column = field.column
    if op is Op.BETWEEN:
        q = Q(**{f"{column}__gte": value[0], f"{column}__lte": value[1]})
    elif op in NO_VALUE_OPS:
        q = Q(**{column: op is Op.IS_TRUE})
    else:
        q = Q(**{f"{column}__{_LOOKUPS[op]}": value})
    if field.nullable:
        q &= Q(**{f"{column}__isnull": False})
    return q


def _age_q(op: Op, value: Any, reference_date: dt.date) -> Q:
    """age >= n  <=>  birth_date <= reference_date - n years (see `years_before`)."""

    def born_by(years: int) -> dt.date:
        return years_before(reference_date, years)

    def exactly(years: int) -> Q:
        return Q(birth_date__gt=born_by(years + 1), birth_date__lte=born_by(years))

    if op is Op.GE:
        return Q(birth_date__lte=born_by(value))
    if op is Op.GT:
        return Q(birth_date__lte=born_by(value + 1))
    if op is Op.LE:
        return Q(birth_date__gt=born_by(value + 1))
    if op is Op.LT:
        return Q(birth_date__gt=born_by(value))
    if op is Op.EQ:
        return exactly(value)
    if op is Op.NE:
        return ~exactly(value)
    if op is Op.BETWEEN:
        return Q(birth_date__gt=born_by(value[1] + 1), birth_date__lte=born_by(value[0]))
    any_of = exactly(value[0])
    for years in value[1:]:
        any_of |= exactly(years)
    return any_of if op is Op.IN else ~any_of


def _birth_year_q(op: Op, value: Any, first_year: int) -> Q:
    """age_by_birth_year >= n  <=>  born before 1 January of first_year - n + 1."""

    def born_before_year(year: int) -> Q:
        return Q(birth_date__lt=dt.date(year, 1, 1))

    def exactly(years: int) -> Q:
        year = first_year - years
        return Q(birth_date__gte=dt.date(year, 1, 1), birth_date__lt=dt.date(year + 1, 1, 1))

    if op is Op.GE:
        return born_before_year(first_year - value + 1)
    if op is Op.GT:
        return born_before_year(first_year - value)
    if op is Op.LE:
        return ~born_before_year(first_year - value)
    if op is Op.LT:
        return ~born_before_year(first_year - value + 1)
    if op is Op.EQ:
        return exactly(value)
    if op is Op.NE:
        return ~exactly(value)
    if op is Op.BETWEEN:
        return ~born_before_year(first_year - value[1]) & born_before_year(
            first_year - value[0] + 1
        )
    any_of = exactly(value[0])
    for years in value[1:]:
        any_of |= exactly(years)
    return any_of if op is Op.IN else ~any_of


# -- Python ---------------------------------------------------------------------------------


def fact_value(field: Field, facts: Mapping) -> Any:
    """The student's value of a catalog field; None when unknown ("" counts as unknown)."""
    if field.column == "birth_date":
        if facts.get(field.name) is not None:
            return facts[field.name]
        birth_date, reference_date = facts.get("birth_date"), facts.get("reference_date")
        if birth_date is None or reference_date is None:
            return None
        count = age_on if field.name == "age" else age_by_birth_year
        return count(birth_date, reference_date)
    value = facts.get(field.column)
    return None if value == "" else value


def _compare(op: Op, expected: Any, actual: Any) -> bool:
    if actual is None:
        return op in TRUE_ON_MISSING
    if op is Op.EQ:
        return actual == expected
    if op is Op.NE:
        return actual != expected
    if op is Op.IN:
        return actual in expected
    if op is Op.NOT_IN:
        return actual not in expected
    if op is Op.LT:
        return actual < expected
    if op is Op.LE:
        return actual <= expected
    if op is Op.GT:
        return actual > expected
    if op is Op.GE:
        return actual >= expected
    if op is Op.BETWEEN:
        return expected[0] <= actual <= expected[1]
    if op is Op.IS_TRUE:
        return bool(actual)
    return not actual


def _children(node: Mapping) -> list:
    return node["all"] if "all" in node else node["any"]


def evaluate(node: Mapping, facts: Mapping) -> bool:
    """Whether one student's facts meet the condition. `age` (and `age_by_birth_year`) comes
    from facts["age"] or from facts["birth_date"] and facts["reference_date"]."""
    if "all" in node:
        return all(evaluate(child, facts) for child in node["all"])
    if "any" in node:
        return any(evaluate(child, facts) for child in node["any"])
    if "not" in node:
        return not evaluate(node["not"], facts)
    field = FIELDS[node["field"]]
    return _compare(Op(node["op"]), node.get("value"), fact_value(field, facts))


def explain(
    node: Mapping, facts: Mapping, lang: str = "en", *, negated: bool = False
) -> list[dict]:
    """Every comparison of the tree with the student's value, whether it held (its own result)
    and whether it counts for the student (`in_favour`: it held, or under an odd number of
    `not` it failed)."""
    if "all" in node or "any" in node:
        return [
            line
            for child in _children(node)
            for line in explain(child, facts, lang, negated=negated)
        ]
    if "not" in node:
        return explain(node["not"], facts, lang, negated=not negated)
    field, op = FIELDS[node["field"]], Op(node["op"])
    actual = fact_value(field, facts)
    passed = _compare(op, node.get("value"), actual)
    return [
        {
            "field": field.name,
            "op": op.value,
            "expected": node.get("value"),
            "actual": actual,
            "passed": passed,
            "negated": negated,
            "in_favour": passed != negated,
            "words": describe(node, lang),
        }
    ]


# -- words ----------------------------------------------------------------------------------

_LEAF_WORDS = {
    "en": {
        Op.EQ: "{f} is {v}",
        Op.NE: "{f} is not {v}",
        Op.IN: "{f} is one of {v}",
        Op.NOT_IN: "{f} is none of {v}",
        Op.LT: "{f} is less than {v}",
        Op.LE: "{f} is at most {v}",
        Op.GT: "{f} is more than {v}",
        Op.GE: "{f} is at least {v}",
        Op.BETWEEN: "{f} is between {lo} and {hi}",
        Op.IS_TRUE: "{f}: yes",
        Op.IS_FALSE: "{f}: no",
    },
    "vi": {
        Op.EQ: "{f} là {v}",
        Op.NE: "{f} không là {v}",
        Op.IN: "{f} là một trong {v}",
        Op.NOT_IN: "{f} không là {v}",
        Op.LT: "{f} nhỏ hơn {v}",
        Op.LE: "{f} không quá {v}",
        Op.GT: "{f} lớn hơn {v}",
        Op.GE: "{f} từ {v} trở lên",
        Op.BETWEEN: "{f} từ {lo} đến {hi}",
        Op.IS_TRUE: "{f}: có",
        Op.IS_FALSE: "{f}: không",
    },
    "zh": {
        Op.EQ: "{f}为 {v}",
        Op.NE: "{f}不为 {v}",
        Op.IN: "{f}为 {v} 之一",
        Op.NOT_IN: "{f}不为 {v} 中任何一项",
        Op.LT: "{f}小于 {v}",
        Op.LE: "{f}不超过 {v}",
        Op.GT: "{f}大于 {v}",
        Op.GE: "{f}不少于 {v}",
        Op.BETWEEN: "{f}在 {lo} 至 {hi} 之间",
        Op.IS_TRUE: "{f}：是",
        Op.IS_FALSE: "{f}：否",
    },
}
_JOIN_WORDS = {
    "en": {"all": " and ", "any": " or ", "not": "not ({x})", "list": ", "},
    "vi": {"all": " và ", "any": " hoặc ", "not": "không phải ({x})", "list": ", "},
    "zh": {"all": " 且 ", "any": " 或 ", "not": "并非（{x}）", "list": "、"},
}


def describe(node: Mapping, lang: str = "en") -> str:
    """The condition in words, in vi, zh or en."""
    lang = lang_key(lang)
    joins = _JOIN_WORDS[lang]
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        parts = [_describe_nested(child, lang) for child in node[key]]
        return joins[key].join(parts)
    if "not" in node:
        return joins["not"].format(x=describe(node["not"], lang))
    field, op, value = FIELDS[node["field"]], Op(node["op"]), node.get("value")
    words = {"f": field.label(lang), "v": "", "lo": "", "hi": ""}
    if op in LIST_OPS:
        words["v"] = joins["list"].join(field.value_label(item, lang) for item in value)
    elif op is Op.BETWEEN:
        words["lo"], words["hi"] = (field.value_label(item, lang) for item in value)
    elif op not in NO_VALUE_OPS:
        words["v"] = field.value_label(value, lang)
    return _LEAF_WORDS[lang][op].format(**words)


def _describe_nested(node: Mapping, lang: str) -> str:
    text = describe(node, lang)
    compound = ("all" in node or "any" in node) and len(_children(node)) > 1
    return f"({text})" if compound else text
