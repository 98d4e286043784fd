"""The one evaluation loop: conditions, amounts and the largest of each exclusive group."""

import datetime as dt

from reach.policy.amounts import AmountSpec, ReferenceBook
from reach.policy.evaluate import Rule, granted, judge_benefits

DAY = dt.date(2024, 9, 5)
POOR = {"field": "household_status", "op": "eq", "value": "poor"}
BOARDING = {"field": "boarding", "op": "is_true"}


def rule(code: str, condition: dict, yearly: int, group: str = "") -> Rule[str]:
    return Rule(code, condition, AmountSpec("year", value_minor=yearly), (), group)


def judge(rules: list[Rule[str]], *facts_rows: dict):
    return judge_benefits(
        rules,
        facts_rows=list(facts_rows),
        currency="VND",
        book=ReferenceBook({}, {}),
        reference_date=DAY,
        school_year=2024,
    )


def test_of_an_exclusive_group_the_largest_amount_stays_and_supersedes_the_others():
    rules = [
        rule("reduction_50", POOR, 500, "tuition"),
        rule("exemption", POOR, 1000, "tuition"),
        rule("meal", POOR, 300),
    ]

    judgements = judge(rules, {"household_status": "poor"})

    assert granted(judgements) == [
        ("exemption", judgements[1].amount),
        ("meal", judgements[2].amount),
    ]
    assert judgements[0].superseded_by is judgements[1]


def test_equal_amounts_of_a_group_keep_the_first_in_order():
    judgements = judge(
        [rule("first", POOR, 700, "tuition"), rule("second", POOR, 700, "tuition")],
        {"household_status": "poor"},
    )

    assert [code for code, _amount in granted(judgements)] == ["first"]


def test_an_amount_of_nothing_is_not_granted_and_does_not_win_its_group():
    judgements = judge(
        [rule("nothing", POOR, 0, "tuition"), rule("something", POOR, 1, "tuition")],
        {"household_status": "poor"},
    )

    assert [code for code, _amount in granted(judgements)] == ["something"]
    assert judgements[0].met and judgements[0].superseded_by is None


def test_a_rule_is_judged_on_the_first_enrolment_that_meets_it_else_on_the_first():
    day_school = {"household_status": "poor", "boarding": False}
    boarding_school = {"household_status": "poor", "boarding": True}

    boarding, refused = judge(
        [rule("boarding", BOARDING, 100), rule("not_poor", {"not": POOR}, 100)],
        day_school,
        boarding_school,
    )

    assert boarding.met and boarding.facts is boarding_school
    assert not refused.met and refused.facts is day_school and refused.amount is None
