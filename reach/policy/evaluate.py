"""The one evaluation loop in Python: which benefits one student gets, and why.

Each benefit's condition is evaluated on the student's facts; a benefit whose condition holds
gets its amount computed; of an exclusive group only the largest amount stays (the first in
order on ties), the others are superseded by it. `reach calc`, the explanation of a student and
the benchmark's baseline judge through it; a run writes the same in SQL
(`reach.entitlements.engine`)."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from reach.policy.amounts import (
    Amount,
    AmountSpec,
    AmountUnavailable,
    InKindSpec,
    ReferenceBook,
    compute_amount,
)
from reach.policy.conditions import evaluate

T = TypeVar("T")


@dataclass(frozen=True)
class Rule(Generic[T]):
    """What the loop reads of a benefit; `of` is the caller's own benefit, handed back."""

    of: T
    condition: Mapping[str, Any]
    amount: AmountSpec
    in_kind: Sequence[InKindSpec]
    exclusive_group: str
    months: int | None = None  # the months of the school year counted (None: the amount's own)


@dataclass
class Judgement(Generic[T]):
    """One benefit judged for one student, on the facts that decided it."""

    rule: Rule[T]
    facts: Mapping[str, Any]
    met: bool
    amount: Amount | None = None
    unavailable: AmountUnavailable | None = None
    superseded_by: "Judgement[T] | None" = None

    @property
    def minor(self) -> int:
        return self.amount.minor if self.amount is not None else 0

    @property
    def worth_something(self) -> bool:
        """The condition holds and the amount is money or goods."""
        return self.amount is not None and bool(self.amount.minor or self.amount.in_kind)

    @property
    def granted(self) -> bool:
        return self.worth_something and self.superseded_by is None


def judge_benefits(
    rules: Sequence[Rule[T]],
    *,
    facts_rows: Sequence[Mapping[str, Any]],
    currency: str,
    book: ReferenceBook,
    reference_date: dt.date,
    school_year: int,
    lang: str = "en",
) -> list[Judgement[T]]:
    """Every rule judged, in order. A rule is judged on the first of `facts_rows` (a student's
    enrolments) that meets its condition, or on the first when none does."""
    judgements = []
    for rule in rules:
        facts = next((row for row in facts_rows if evaluate(rule.condition, row)), None)
        judgement = Judgement(rule, facts or facts_rows[0], met=facts is not None)
        if facts is not None:
            try:
                judgement.amount = compute_amount(
                    rule.amount,
                    currency=currency,
                    facts=facts,
                    book=book,
                    reference_date=reference_date,
                    school_year=school_year,
                    in_kind=rule.in_kind,
                    lang=lang,
                    months=rule.months,
                )
            except AmountUnavailable as error:
                judgement.unavailable = error
        judgements.append(judgement)
    _keep_largest_per_group(judgements)
    return judgements


def granted(judgements: Sequence[Judgement[T]]) -> list[tuple[T, Amount]]:
    """The caller's benefits granted, in order, each with its amount."""
    return [(j.rule.of, j.amount) for j in judgements if j.granted and j.amount is not None]


def _keep_largest_per_group(judgements: Sequence[Judgement[T]]) -> None:
    winners: dict[str, Judgement[T]] = {}
    for judgement in judgements:
        group = judgement.rule.exclusive_group
        if group and judgement.worth_something:
            best = winners.get(group)
            if best is None or judgement.minor > best.minor:
                winners[group] = judgement
    for judgement in judgements:
        winner = winners.get(judgement.rule.exclusive_group)
        if judgement.worth_something and winner is not None and winner is not judgement:
            judgement.superseded_by = winner
