"""Fitting the risk score's weights on past school years: the fit finds the factor that caused
the dropouts, the score stays a sum of the weights of the factors shown, and the command
writes the weights as data with the date, the unit and the years used."""

import datetime as dt
import random

import pytest
import yaml
from django.core.management import call_command

from reach.accounts.models import AuditEvent
from reach.crosscheck.tests.factories import CrosscheckRunFactory, FindingFactory
from reach.geo.models import Unit
from reach.indicators.detection import factors_of, scored_enrolments
from reach.indicators.fitting import best_cut, fit_weights, outcome_rows, weights_document
from reach.indicators.parameters import RISK_FACTORS, parse_risk_weights, risk_weights
from reach.indicators.tests.factories import enrol, household_in, person_aged
from reach.registry.models import Enrolment, Person

pytestmark = pytest.mark.django_db

PAST, NEXT = 2023, 2024
ORPHAN = RISK_FACTORS.index("orphan")
DISABLED = RISK_FACTORS.index("disabled")
LEFT_BEHIND = RISK_FACTORS.index("left_behind")


def _planted(n: int = 4000, seed: int = 7) -> tuple[list[list[int]], list[bool]]:
    """Pupils whose dropout odds rise with being an orphan (log-odds +2), fall with a left-behind
    flag (-1.5) and ignore disability."""
    rng = random.Random(seed)
    features, outcomes = [], []
    for _ in range(n):
        row = [0] * len(RISK_FACTORS)
        row[ORPHAN], row[DISABLED], row[LEFT_BEHIND] = (int(rng.random() < 0.3) for _ in "abc")
        log_odds = -3 + 2 * row[ORPHAN] - 1.5 * row[LEFT_BEHIND]
        features.append(row)
        outcomes.append(rng.random() < 1 / (1 + 2.718281828**-log_odds))
    return features, outcomes


def test_the_fit_recovers_the_direction_of_the_planted_factors():
    features, outcomes = _planted()

    result = fit_weights(
        features,
        outcomes,
        base=risk_weights(),
        unit=Unit(code="761"),
        years=[PAST],
        today=dt.date(2025, 9, 1),
    )

    assert 1.5 < result.coefficients["orphan"] < 2.5  # planted: +2
    assert -2 < result.coefficients["left_behind"] < -1  # planted: -1.5
    assert abs(result.coefficients["disabled"]) < 0.3  # planted: 0
    weights = result.weights.weights
    assert weights["orphan"] == round(result.coefficients["orphan"] * 10)
    assert weights["left_behind"] == 0  # the score only adds: a protective factor counts 0
    assert weights["orphan"] > weights["disabled"]
    assert result.weights.threshold == weights["orphan"]  # flagging the orphans is best


def test_best_cut_flags_every_pupil_of_a_tied_score_together():
    cut = best_cut([3, 3, 1, 0], [True, False, True, False])
    assert (cut.threshold, cut.flagged) == (1, 3)
    assert round(cut.f1, 3) == 0.8


@pytest.fixture
def history(world):
    """Ward 1's pupils of 2023: 12 orphans of whom 8 are not attending in 2024, 24 others of
    whom 2 are not; every one in grade 3 of primary at 95% attendance."""
    school = world.schools["ward1"]
    for orphan, pupils, dropouts in ((True, 12, 8), (False, 24, 2)):
        for n in range(pupils):
            home = household_in(world.units["ward1"], status="none", school_year=PAST)
            child = person_aged(9, household=home, orphan=orphan, school_year=NEXT)
            enrol(child, "primary", grade=3, attendance_rate=95, school=school, school_year=PAST)
            if n >= dropouts:
                enrol(child, "primary", grade=4, school=school, school_year=NEXT)
    return world


def test_outcome_rows_read_each_pupils_factors_and_whether_they_attended_the_year_after(history):
    features, outcomes = outcome_rows(unit=history.units["ward1"], years=[PAST])

    orphans = [o for row, o in zip(features, outcomes, strict=True) if row[ORPHAN]]
    others = [o for row, o in zip(features, outcomes, strict=True) if not row[ORPHAN]]
    assert (len(orphans), sum(orphans)) == (12, 8)
    assert (len(others), sum(others)) == (24, 2)


def test_the_command_writes_the_fitted_weights_as_data_and_audits_the_fit(history, tmp_path):
    out = tmp_path / "risk.yaml"

    call_command("fit_risk_weights", unit="26734", years=[PAST], output=str(out), stdout=None)

    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    weights = parse_risk_weights(document, where=str(out))
    assert weights.weights["orphan"] > 0
    assert weights.weights["disabled"] == 0  # no disabled pupil: nothing learnt, nothing added
    assert weights.weights["register_mismatch"] == 0  # no cross-check in 2023: nothing learnt
    assert (weights.fitted["unit"], weights.fitted["years"]) == ("26734", [PAST])
    assert (weights.fitted["pupils"], weights.fitted["dropouts"]) == (36, 10)
    assert dt.date.fromisoformat(weights.fitted["on"])
    assert weights_document(weights) == document
    event = AuditEvent.objects.get(reason="reach fit_risk_weights")
    assert event.after["risk_weights"] == weights.weights


def test_each_pupils_explanation_sums_to_the_fitted_score(history, tmp_path):
    out = tmp_path / "risk.yaml"
    call_command("fit_risk_weights", unit="26734", years=[PAST], output=str(out), stdout=None)
    weights = parse_risk_weights(yaml.safe_load(out.read_text(encoding="utf-8")))

    scored = list(
        scored_enrolments(
            Enrolment.objects.filter(school_year=PAST), school_year=PAST, weights=weights
        )
    )

    assert {e.risk_score for e in scored} == {0, weights.weights["orphan"]}
    for enrolment in scored:
        assert enrolment.risk_score == sum(f["weight"] for f in factors_of(enrolment, weights))


def test_the_fit_learns_the_register_mismatches_of_the_years_fitted(history, tmp_path):
    """The two non-orphans who left after 2023 and one who stayed were on the ward's latest
    cross-check of 2023 (the other 21 non-orphans were not): the mismatch gets a weight."""
    non_orphans = Person.objects.filter(orphan=False, enrolments__school_year=PAST)
    left = list(non_orphans.exclude(enrolments__school_year=NEXT))
    stayed = non_orphans.filter(enrolments__school_year=NEXT).order_by("pk").first()
    run = CrosscheckRunFactory(
        unit=history.units["ward1"], month=dt.date(PAST, 10, 1), school_year=PAST
    )
    for pupil in [*left, stayed]:
        FindingFactory(run=run, person=pupil)
    out = tmp_path / "risk.yaml"

    call_command("fit_risk_weights", unit="26734", years=[PAST], output=str(out), stdout=None)

    weights = parse_risk_weights(yaml.safe_load(out.read_text(encoding="utf-8")))
    assert len(left) == 2
    assert weights.fitted["log_odds"]["register_mismatch"] > 0
    assert weights.weights["register_mismatch"] > 0
    (scored,) = scored_enrolments(
        Enrolment.objects.filter(school_year=PAST, person=stayed), school_year=PAST, weights=weights
    )
    assert {"code": "register_mismatch", "weight": weights.weights["register_mismatch"]} in [
        {"code": f["code"], "weight": f["weight"]} for f in factors_of(scored, weights)
    ]
