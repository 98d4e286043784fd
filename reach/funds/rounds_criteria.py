"""A scholarship round's criteria and score rules: the policy condition language
(reach/policy/conditions.py) over the facts of `enrolment_facts`, plus the round fields below,
which a policy does not test but a round may (the dropout risk score and its threshold, a
pupil returning after dropping out, the attendance rate).

The same tree has the same readings as a policy's: `validate_criteria` when a round is saved,
`criteria_q` (a Q over `round_facts`, for the set-based draw), `criteria_hold` (Python, on one
pupil's facts: a nomination, the explanation, the tests' and the benchmark's baseline) and
`describe_criteria` in words. A catalog field is handed to the policy's own functions, so the
two languages cannot drift apart.

Achievement (marks, prizes) is not recorded in the registry: a round cannot test it yet and a
school's nomination carries it in its note (to confirm: which record the schools would share).
"""

import datetime as dt
from collections.abc import Mapping
from functools import reduce
from operator import add
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from reach.common.languages import lang_key
from reach.indicators.detection import risk_factors
from reach.indicators.parameters import RISK_FACTORS, RiskWeights, risk_weights
from reach.policy.catalog import FIELDS, Field, FieldType, Op, labels
from reach.policy.conditions import (
    LIST_OPS,
    NO_VALUE_OPS,
    OPS,
    _compare,
    _positive_q,
    _validate_value,
    condition_to_q,
    describe,
    evaluate,
    validate_condition,
)
from reach.policy.facts import enrolment_facts
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Enrolment

ROUND_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "risk_score",
            FieldType.INTEGER,
            labels("điểm nguy cơ bỏ học", "辍学风险分", "dropout risk score"),
            column="risk_score",
            source="the sum of the weights of indicators/data/risk.yaml's factors present",
            maximum=1000,
        ),
        Field(
            "at_risk",
            FieldType.BOOLEAN,
            labels("có nguy cơ bỏ học", "有辍学风险", "at risk of dropping out"),
            column="at_risk",
            source="risk score at or above risk.yaml's threshold",
        ),
        Field(
            "returning_dropout",
            FieldType.BOOLEAN,
            labels("trở lại học sau khi bỏ học", "辍学后返校", "returning after dropping out"),
            column="returning_dropout",
            source="an enrolment of the year before ended as dropped out",
        ),
        Field(
            "attendance_rate",
            FieldType.INTEGER,
            labels("tỷ lệ chuyên cần (%)", "出勤率（%）", "attendance rate (%)"),
            column="attendance_rate",
            source="enrolment.attendance_rate of the school year so far",
            maximum=100,
            nullable=True,
        ),
    )
}
ROUND_COLUMNS = tuple(f.column for f in ROUND_FIELDS.values())


def _leaf_field(node: Mapping) -> Field | None:
    name = node.get("field")
    return ROUND_FIELDS.get(name) if isinstance(name, str) else None


def _children(node: Mapping) -> list:
    return node["all"] if "all" in node else node["any"]


# -- validation -----------------------------------------------------------------------------


def validate_criteria(node: Any, path: str = "criteria") -> list[str]:
    """Every error of a round's condition tree, as `path: message`."""
    if isinstance(node, Mapping) and ("all" in node or "any" in node) and len(node) == 1:
        child = _children(node)
        key = "all" if "all" in node else "any"
        if not isinstance(child, list) or not child:
            return [f"{path}.{key}: must be a non-empty list of conditions"]
        return [e for i, c in enumerate(child) for e in validate_criteria(c, f"{path}.{key}[{i}]")]
    if isinstance(node, Mapping) and "not" in node and len(node) == 1:
        return validate_criteria(node["not"], f"{path}.not")
    if isinstance(node, Mapping) and _leaf_field(node) is not None:
        return _validate_round_leaf(node, path)
    return validate_condition(node, path)


def _validate_round_leaf(node: Mapping, path: str) -> list[str]:
    field = ROUND_FIELDS[node["field"]]
    errors = [f"{path}.{key}: unknown key" for key in node if key not in ("field", "op", "value")]
    op = node.get("op")
    if op not in OPS or Op(op) not in field.ops:
        return [*errors, f"{path}.op: use one of {', '.join(field.ops)}"]
    op = Op(op)
    if op in NO_VALUE_OPS:
        return errors + ([f"{path}.value: {op.value} takes no value"] if "value" in node else [])
    value = node.get("value")
    if op in LIST_OPS or op is Op.BETWEEN:
        if not isinstance(value, list) or not value or (op is Op.BETWEEN and len(value) != 2):
            return [*errors, f"{path}.value: must be a non-empty list"]
        return errors + [
            e for i, item in enumerate(value) for e in _validate_value(field, item, f"{path}[{i}]")
        ]
    return errors + _validate_value(field, value, f"{path}.value")


def validate_score_rules(rules: Any) -> list[str]:
    if not isinstance(rules, list):
        return ["score_rules: must be a list"]
    errors = []
    for index, rule in enumerate(rules):
        where = f"score_rules[{index}]"
        if not isinstance(rule, Mapping) or "when" not in rule:
            errors.append(f"{where}: needs when and points")
            continue
        points = rule.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= 1000:
            errors.append(f"{where}.points: must be a whole number 1-1000")
        errors += validate_criteria(rule["when"], f"{where}.when")
    if len(rules) > 60:
        errors.append("score_rules: at most 60 rules")
    return errors


def validate_tiers(tiers: Any) -> list[str]:
    if not isinstance(tiers, list) or not tiers:
        return ["tiers: must be a non-empty list of {min_score, amount_minor}"]
    errors = []
    for index, tier in enumerate(tiers):
        ok = isinstance(tier, Mapping) and all(
            isinstance(tier.get(key), int) and not isinstance(tier.get(key), bool)
            for key in ("min_score", "amount_minor")
        )
        if not ok or tier["amount_minor"] <= 0 or tier["min_score"] < 0:
            errors.append(f"tiers[{index}]: min_score >= 0 and amount_minor > 0, whole numbers")
    return errors


def fields_used(node: Mapping) -> set[str]:
    if "all" in node or "any" in node:
        return set().union(*(fields_used(child) for child in _children(node)))
    if "not" in node:
        return fields_used(node["not"])
    return {node["field"]}


# -- SQL ------------------------------------------------------------------------------------


def criteria_q(node: Mapping, *, reference_date: dt.date) -> Q:
    """The tree as a Q over `round_facts`."""
    if "all" in node or "any" in node:
        parts = [criteria_q(child, reference_date=reference_date) for child in _children(node)]
        return reduce((lambda a, b: a & b) if "all" in node else (lambda a, b: a | b), parts)
    if "not" in node:
        return ~criteria_q(node["not"], reference_date=reference_date)
    field = _leaf_field(node)
    if field is None:
        return condition_to_q(node, reference_date=reference_date)
    op, value = Op(node["op"]), node.get("value")
    if op is Op.NE:
        return ~_positive_q(field, Op.EQ, value)
    if op is Op.NOT_IN:
        return ~_positive_q(field, Op.IN, value)
    return _positive_q(field, op, value)


def _risk_score(school_year: int, weights: RiskWeights):
    factors = risk_factors(school_year, weights)
    return reduce(
        add,
        [
            Case(
                When(factors[f"risk_{name}"], then=Value(weights.weights[name])),
                default=Value(0),
                output_field=IntegerField(),
            )
            for name in RISK_FACTORS
        ],
    )


def round_facts(
    *, school_year: int, unit_path: str | None, used: set[str], weights: RiskWeights | None = None
) -> QuerySet[Enrolment]:
    """`enrolment_facts` with the round fields in `used` added as columns (only those: the
    risk score costs a few subqueries a pupil)."""
    facts = enrolment_facts(school_year=school_year, unit_path=unit_path)
    if used & {"risk_score", "at_risk"}:
        weights = weights or risk_weights()
        score = _risk_score(school_year, weights)
        facts = facts.annotate(risk_score=score).annotate(
            at_risk=ExpressionWrapper(Q(risk_score__gte=weights.threshold), BooleanField())
        )
    if "returning_dropout" in used:
        facts = facts.annotate(
            returning_dropout=Exists(
                Enrolment.objects.filter(
                    person=OuterRef("person"),
                    school_year=school_year - 1,
                    status=EnrolmentStatus.DROPPED_OUT,
                )
            )
        )
    return facts


# -- Python ---------------------------------------------------------------------------------


def criteria_hold(node: Mapping, facts: Mapping) -> bool:
    """Whether one pupil's facts (`facts_of` plus the round columns) meet the tree."""
    if "all" in node:
        return all(criteria_hold(child, facts) for child in node["all"])
    if "any" in node:
        return any(criteria_hold(child, facts) for child in node["any"])
    if "not" in node:
        return not criteria_hold(node["not"], facts)
    field = _leaf_field(node)
    if field is None:
        return evaluate(node, facts)
    return _compare(Op(node["op"]), node.get("value"), facts.get(field.column))


def score_of(rules: list, facts: Mapping) -> tuple[int, int]:
    """(score, bits of the rules that held), as the draw computes them in SQL."""
    score = bits = 0
    for index, rule in enumerate(rules):
        if criteria_hold(rule["when"], facts):
            score += rule["points"]
            bits |= 1 << index
    return score, bits


def tier_amount(tiers: list, score: int) -> int:
    """The amount of the highest tier whose minimum the score reaches (0 below them all)."""
    reached = [t for t in tiers if score >= t["min_score"]]
    return max(reached, key=lambda t: t["min_score"])["amount_minor"] if reached else 0


def describe_criteria(node: Mapping, lang: str = "en") -> str:
    if "all" in node or "any" in node:
        joins = {"en": (" and ", " or "), "vi": (" và ", " hoặc "), "zh": (" 且 ", " 或 ")}
        word = joins[lang_key(lang)][0 if "all" in node else 1]
        parts = [describe_criteria(child, lang) for child in _children(node)]
        return word.join(f"({p})" if len(parts) > 1 and " " in p else p for p in parts)
    if "not" in node:
        return {"en": "not ({x})", "vi": "không phải ({x})", "zh": "并非（{x}）"}[
            lang_key(lang)
        ].format(x=describe_criteria(node["not"], lang))
    field = _leaf_field(node)
    if field is None:
        return describe(node, lang)
    op, value = Op(node["op"]), node.get("value")
    if op is Op.IS_TRUE:
        return field.label(lang)
    if op is Op.IS_FALSE:
        return {"en": "not ", "vi": "không ", "zh": "非"}[lang_key(lang)] + field.label(lang)
    return f"{field.label(lang)} {op.value} {value}"


def known_fields() -> dict[str, Field]:
    return {**FIELDS, **ROUND_FIELDS}
