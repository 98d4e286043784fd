"""The parameter files are data: the shipped ones load, and mistakes are refused with where."""

import copy
import datetime as dt
import re

import pytest
import yaml

from reach.indicators.parameters import (
    DATA_DIR,
    AgeBand,
    ParameterError,
    indicator_parameters,
    parse_parameters,
    parse_risk_weights,
    risk_weights,
)

SHIPPED = yaml.safe_load((DATA_DIR / "parameters.yaml").read_text(encoding="utf-8"))
RISK = yaml.safe_load((DATA_DIR / "risk.yaml").read_text(encoding="utf-8"))


def test_shipped_parameters_hold_the_working_definitions():
    params = indicator_parameters()
    assert (params.child.ages.first, params.child.ages.last) == (3, 15)
    assert (params.adult.ages.first, params.adult.ages.last) == (16, 30)
    assert params.reference_date(2024) == dt.date(2024, 9, 1)
    assert params.right_age.target_percent == 90
    assert params.child.source.confidence == params.adult.source.confidence == "medium"
    assert "NOT FOUND" in params.child.source.note


def test_shipped_risk_weights_load():
    weights = risk_weights()
    assert 0 < weights.threshold <= weights.maximum


def test_age_band_birth_dates_bound_the_band():
    after, up_to = AgeBand(3, 15).birth_dates(dt.date(2024, 9, 1))
    assert (after, up_to) == (dt.date(2008, 9, 1), dt.date(2021, 9, 1))


def _broken(change) -> dict:
    data = copy.deepcopy(SHIPPED)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("age_reference"), "missing 'age_reference'"),
        (lambda d: d.update(age_reference={"month": 2, "day": 29}), "not a day of the year"),
        (
            lambda d: d["child_school_attendance"]["levels_by_age"].pop(),
            "must cover 3-15 once",
        ),
        (
            lambda d: d["child_school_attendance"]["levels_by_age"][0].update(levels=["creche"]),
            "unknown value(s) ['creche']",
        ),
        (lambda d: d["adult_education_level"].update(ages=[30, 16]), "an age range is"),
        (lambda d: d["right_age_attendance"].update(target_percent=0), "target_percent"),
        (
            lambda d: d["adult_education_level"]["required_by_age"][1].update(completed=["phd"]),
            "unknown value(s) ['phd']",
        ),
    ],
)
def test_broken_parameters_are_refused_with_where(change, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        parse_parameters(_broken(change), where="test.yaml")


def test_a_weights_file_written_before_the_register_mismatch_factor_gives_it_weight_0():
    data = copy.deepcopy(RISK)
    data["factors"].pop("register_mismatch")

    assert parse_risk_weights(data).weights["register_mismatch"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["factors"].pop("orphan"), "factors must be exactly"),
        (lambda d: d["factors"]["orphan"].update(weight=-1), "a weight is a whole number"),
        (lambda d: d.update(threshold=1000), "threshold must be between"),
        (lambda d: d["factors"]["low_attendance"].update(below_percent=0), "below_percent"),
    ],
)
def test_broken_risk_weights_are_refused(change, message):
    data = copy.deepcopy(RISK)
    change(data)
    with pytest.raises(ParameterError, match=message):
        parse_risk_weights(data)
