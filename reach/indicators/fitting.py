"""Fits the dropout risk score's weights on a district's past school years.

For each school year Y given, the pupils enrolled in Y at the dropout levels under the unit
(those in the last grade of a school's final level excepted: they finish) are scored with
the factors of `detection.risk_factors`; the outcome is whether they attend any school in
Y + 1. A logistic regression (scikit-learn) of the outcome on the factors gives each factor a
log-odds; the score keeps its form, a sum of whole points per factor present, with
`POINTS_PER_LOG_ODDS` points for one unit of log-odds (a factor the past years show lowering the
risk gets 0: the score only adds). The threshold is the one that gave the best F1 on the years
fitted. The file written holds the weights and a `fitted:` block with the date, the unit, the
years, the pupils and dropouts counted, the intercept and the scale, so a score converts back
to a probability: log-odds = intercept + score / points_per_log_odds.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db.models import Exists, OuterRef, Q

from reach.accounts.choices import AuditAction
from reach.accounts.scoping import under_paths
from reach.accounts.services import record_audit_event
from reach.geo.models import Unit
from reach.indicators.detection import scored_enrolments
from reach.indicators.parameters import (
    RISK_FACTORS,
    IndicatorParameters,
    RiskWeights,
    forget_loaded_weights,
    indicator_parameters,
    parse_risk_weights,
    risk_weights,
)
from reach.registry.choices import EducationLevel
from reach.registry.models import Enrolment

POINTS_PER_LOG_ODDS = 10
# The grades after which a pupil leaves school having finished it, not dropped out.
FINAL_GRADES = {EducationLevel.UPPER_SECONDARY: 12, EducationLevel.VOCATIONAL_SECONDARY: 3}
REGULARISATION = 1.0  # scikit-learn's C: the inverse strength of the L2 penalty


class FitError(ValueError):
    """The years asked for cannot be fitted (no outcome recorded, no dropout among them)."""


@dataclass(frozen=True)
class Cut:
    """The pupils flagged at a threshold and how they met the outcomes."""

    threshold: float
    flagged: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class FitResult:
    weights: RiskWeights
    coefficients: dict[str, float]
    intercept: float
    pupils: int
    dropouts: int
    cut: Cut  # at the fitted threshold, on the years fitted


def measure(flags: Sequence[bool], outcomes: Sequence[bool], threshold: float = 0) -> Cut:
    """Precision, recall and F1 of the pupils `flags` marks against the `outcomes`."""
    flagged = sum(flags)
    hits = sum(1 for f, o in zip(flags, outcomes, strict=True) if f and o)
    dropouts = sum(outcomes)
    precision = hits / flagged if flagged else 0.0
    recall = hits / dropouts if dropouts else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Cut(threshold, flagged, precision, recall, f1)


def best_cut(scores: Sequence[float], outcomes: Sequence[bool]) -> Cut:
    """The threshold on `scores` ("flag at or above") with the best F1, in one sorted pass."""
    dropouts = sum(outcomes)
    ranked = sorted(zip(scores, outcomes, strict=True), key=lambda pair: -pair[0])
    best = Cut(float("inf"), 0, 0.0, 0.0, 0.0)
    hits = flagged = 0
    for i, (score, outcome) in enumerate(ranked):
        flagged += 1
        hits += outcome
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue  # a threshold flags every pupil of the same score
        if hits and dropouts:
            precision, recall = hits / flagged, hits / dropouts
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best.f1:
                best = Cut(score, flagged, precision, recall, f1)
    return best


def outcome_rows(
    *,
    unit: Unit,
    years: Sequence[int],
    base: RiskWeights | None = None,
    params: IndicatorParameters | None = None,
) -> tuple[list[list[int]], list[bool]]:
    """(factors present, 0 or 1 per factor of `RISK_FACTORS`; not attending the year after) of
    every pupil scored in `years` under `unit`: one statement per year. The factors are
    defined as in `base` (the weights in use)."""
    params = params or indicator_parameters()
    weights = RiskWeights(  # only the factors' definitions are read, not their weights
        threshold=1, weights=dict.fromkeys(RISK_FACTORS, 1), **_definitions(base or risk_weights())
    )
    features: list[list[int]] = []
    outcomes: list[bool] = []
    finishing = Q()
    for level, grade in FINAL_GRADES.items():
        finishing |= Q(level=level, grade__gte=grade)
    for year in years:
        if not Enrolment.objects.filter(
            under_paths("person__household__unit__path", (unit.path,)), school_year=year + 1
        ).exists():
            raise FitError(f"no enrolment recorded in {year + 1} under {unit.code}: no outcome")
        attending = Enrolment.objects.filter(
            person=OuterRef("person"),
            school_year=year + 1,
            status__in=params.child.attending_statuses,
        )
        pupils = Enrolment.objects.filter(
            under_paths("person__household__unit__path", (unit.path,))
        ).exclude(finishing)
        rows = (
            scored_enrolments(pupils, school_year=year, params=params, weights=weights)
            .annotate(attending_next=Exists(attending))
            .values_list("attending_next", *(f"risk_{name}" for name in RISK_FACTORS))
        )
        for attending_next, *present in rows.iterator(chunk_size=5000):
            features.append([int(bool(p)) for p in present])
            outcomes.append(not attending_next)
    return features, outcomes


def _definitions(base: RiskWeights) -> dict:
    """What defines the factors (statuses, attendance limits), kept from `base`."""
    return {
        "poor_statuses": base.poor_statuses,
        "low_attendance_below": base.low_attendance_below,
        "absences_drop_points": base.absences_drop_points,
        "very_low_attendance_below": base.very_low_attendance_below,
    }


def fit_weights(
    features: list[list[int]],
    outcomes: list[bool],
    *,
    base: RiskWeights,
    unit: Unit,
    years: Sequence[int],
    today: dt.date,
    note: str = "",
) -> FitResult:
    """The weights a logistic regression of `outcomes` on `features` gives, as whole points."""
    from sklearn.linear_model import LogisticRegression  # a heavy import, for this command only

    if not features:
        raise FitError("no pupil scored in the years given")
    if not any(outcomes) or all(outcomes):
        raise FitError("the years given hold no dropout (or only dropouts): nothing to learn")
    model = LogisticRegression(C=REGULARISATION, max_iter=1000)
    model.fit(features, outcomes)
    coefficients = {name: float(c) for name, c in zip(RISK_FACTORS, model.coef_[0], strict=True)}
    points = {name: max(0, round(c * POINTS_PER_LOG_ODDS)) for name, c in coefficients.items()}
    if not any(points.values()):
        raise FitError("no factor raised the risk in the years given")
    scores = [
        sum(points[n] for n, x in zip(RISK_FACTORS, row, strict=True) if x) for row in features
    ]
    cut = best_cut(scores, outcomes)
    threshold = int(min(max(cut.threshold, 1), sum(points.values())))
    intercept = float(model.intercept_[0])
    fitted = {
        "on": today.isoformat(),
        "unit": unit.code,
        "years": list(years),
        "pupils": len(outcomes),
        "dropouts": sum(outcomes),
        "intercept": round(intercept, 4),
        "points_per_log_odds": POINTS_PER_LOG_ODDS,
        "log_odds": {name: round(c, 4) for name, c in coefficients.items()},
        "f1_on_years_fitted": round(cut.f1, 4),
    }
    if note:
        fitted["note"] = note
    weights = RiskWeights(threshold=threshold, weights=points, fitted=fitted, **_definitions(base))
    return FitResult(weights, coefficients, intercept, len(outcomes), sum(outcomes), cut)


def weights_document(weights: RiskWeights) -> dict:
    """`weights` as the mapping `parse_risk_weights` reads (the shape of `data/risk.yaml`)."""
    factors: dict[str, dict] = {name: {"weight": weights.weights[name]} for name in RISK_FACTORS}
    factors["poor_household"]["household_statuses"] = list(weights.poor_statuses)
    factors["low_attendance"]["below_percent"] = weights.low_attendance_below
    factors["very_low_attendance"]["below_percent"] = weights.very_low_attendance_below
    factors["recent_absences"]["drop_points"] = weights.absences_drop_points
    document: dict = {"threshold": weights.threshold, "factors": factors}
    if weights.fitted is not None:
        document["fitted"] = weights.fitted
    return document


HEADER = """\
# The dropout risk score of an enrolled pupil: the sum of the weights of the factors present;
# at or above `threshold` a pupil is listed as at risk. Written by `reach fit_risk_weights`:
# the weights are whole points ({scale} per unit of log-odds) of a logistic regression of
# whether each pupil of the `fitted.years` under `fitted.unit` was attending the year after;
# `fitted.log_odds` holds the fitted values, `fitted.intercept` the log-odds of a pupil with
# no factor. The other values (statuses, attendance limits) were kept from the file before.
"""


def write_weights(path: Path, weights: RiskWeights) -> None:
    """Write `weights` to `path` as data, after checking that it reads back the same."""
    document = weights_document(weights)
    parse_risk_weights(document, where=str(path))
    text = HEADER.format(scale=POINTS_PER_LOG_ODDS) + yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False
    )
    path.write_text(text, encoding="utf-8")


def fit_risk_weights(
    *, actor, unit: Unit, years: Sequence[int], path: Path, today: dt.date
) -> FitResult:
    """Fit the weights on `years` under `unit`, write them to `path` and audit the fit. The
    command line's actor reads the whole registry; nothing personal leaves in the file."""
    base = parse_risk_weights(yaml.safe_load(path.read_text(encoding="utf-8")), where=str(path))
    features, outcomes = outcome_rows(unit=unit, years=years, base=base)
    result = fit_weights(features, outcomes, base=base, unit=unit, years=years, today=today)
    write_weights(path, result.weights)
    forget_loaded_weights()
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        before={"risk_weights": base.weights, "threshold": base.threshold},
        after={
            "risk_weights": result.weights.weights,
            "threshold": result.weights.threshold,
            "fitted": result.weights.fitted,
        },
        reason="reach fit_risk_weights",
    )
    return result
