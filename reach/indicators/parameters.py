"""The indicator and risk parameters, read from YAML data files and validated once.

`data/parameters.yaml` holds the age bands, levels and diplomas of the two education
deprivation indicators (with their sources and confidence), the right-age attendance target
and the dropout lists; `data/risk.yaml` holds the weights of the dropout risk score. Settings
`REACH_INDICATOR_PARAMETERS` and `REACH_RISK_WEIGHTS` point at other files.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from reach.registry.choices import (
    EducationCompleted,
    EducationLevel,
    EnrolmentStatus,
    HouseholdStatus,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class ParameterError(ValueError):
    """A parameter file is missing a value or holds one that cannot be used."""


@dataclass(frozen=True)
class AgeBand:
    """Whole years of age from `first` to `last`, both included."""

    first: int
    last: int

    def birth_dates(self, on: dt.date) -> tuple[dt.date, dt.date]:
        """(after, up_to): a person is in the band on `on` when after < birth date <= up_to."""
        return on.replace(year=on.year - self.last - 1), on.replace(year=on.year - self.first)

    def __contains__(self, age: int) -> bool:
        return self.first <= age <= self.last


@dataclass(frozen=True)
class LevelsForAges:
    ages: AgeBand
    levels: tuple[str, ...]


@dataclass(frozen=True)
class DiplomaForAges:
    ages: AgeBand
    completed: tuple[str, ...]
    vocational_certificate: bool


@dataclass(frozen=True)
class Source:
    text: str
    confidence: str
    note: str


@dataclass(frozen=True)
class ChildAttendance:
    source: Source
    ages: AgeBand
    attending_statuses: tuple[str, ...]
    levels_by_age: tuple[LevelsForAges, ...]


@dataclass(frozen=True)
class AdultEducation:
    source: Source
    ages: AgeBand
    in_training_statuses: tuple[str, ...]
    in_training_levels: tuple[str, ...]
    required_by_age: tuple[DiplomaForAges, ...]


@dataclass(frozen=True)
class RightAgeAttendance:
    source: Source
    household_statuses: tuple[str, ...]
    target_percent: int


@dataclass(frozen=True)
class IndicatorParameters:
    age_month: int
    age_day: int
    child: ChildAttendance
    adult: AdultEducation
    right_age: RightAgeAttendance
    out_of_school_ages: AgeBand
    out_of_school_source: Source
    dropout_levels: tuple[str, ...]

    def reference_date(self, school_year: int) -> dt.date:
        """The day on which ages are counted for `school_year` (2024: 2024-09-01 by default)."""
        return dt.date(school_year, self.age_month, self.age_day)


@dataclass(frozen=True)
class RiskWeights:
    threshold: int
    weights: dict[str, int]
    poor_statuses: tuple[str, ...]
    low_attendance_below: int
    absences_drop_points: int = 15
    very_low_attendance_below: int = 65
    fitted: dict | None = None  # when fitted: the date, the years and unit used, the fit's figures

    @property
    def maximum(self) -> int:
        return sum(self.weights.values())


RISK_FACTORS = (
    "poor_household",
    "low_attendance",
    "repeated_grade",
    "orphan",
    "disabled",
    "far_from_school",
    "older_sibling_dropped_out",
    "left_behind",
    "very_low_attendance",
    "recent_absences",
    "secondary_level",
    "leaving_lower_secondary",
    "upper_secondary_level",
    "register_mismatch",
)
# Factors added after weights files were written: a file without one gives it weight 0 (the
# factor is shown nowhere) until a fit over years with its records gives it one.
LATER_FACTORS = ("register_mismatch",)


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ParameterError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping at the top")
    return data


def _get(data: dict, key: str, where: str):
    if not isinstance(data, dict) or key not in data:
        raise ParameterError(f"{where}: missing '{key}'")
    return data[key]


def _band(value, where: str) -> AgeBand:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and v >= 0 for v in value)
        or value[0] > value[1]
    ):
        raise ParameterError(f"{where}: an age range is [first, last] with 0 <= first <= last")
    return AgeBand(value[0], value[1])


def _codes(value, allowed: list[str], where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ParameterError(f"{where}: expected a non-empty list")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise ParameterError(f"{where}: unknown value(s) {unknown}; allowed: {allowed}")
    return tuple(value)


def _source(data: dict, where: str) -> Source:
    return Source(
        text=str(_get(data, "source", where)),
        confidence=str(_get(data, "confidence", where)),
        note=str(data.get("note", "")),
    )


def _covers(parts: tuple, band: AgeBand, where: str) -> None:
    """The parts' age ranges cover `band` exactly once."""
    ages = sorted(age for part in parts for age in range(part.ages.first, part.ages.last + 1))
    if ages != list(range(band.first, band.last + 1)):
        raise ParameterError(f"{where}: the age ranges must cover {band.first}-{band.last} once")


def parse_parameters(data: dict, where: str = "parameters") -> IndicatorParameters:
    levels, statuses = EducationLevel.values, EnrolmentStatus.values
    reference = _get(data, "age_reference", where)
    month, day = _get(reference, "month", where), _get(reference, "day", where)
    try:
        dt.date(2001, month, day)  # not a leap year: 29 February cannot be a reference day
    except (TypeError, ValueError) as error:
        raise ParameterError(f"{where}: age_reference is not a day of the year") from error

    c = _get(data, "child_school_attendance", where)
    cw = f"{where}: child_school_attendance"
    child = ChildAttendance(
        source=_source(c, cw),
        ages=_band(_get(c, "ages", cw), cw),
        attending_statuses=_codes(_get(c, "attending_statuses", cw), statuses, cw),
        levels_by_age=tuple(
            LevelsForAges(
                ages=_band(_get(item, "ages", cw), cw),
                levels=_codes(_get(item, "levels", cw), levels, cw),
            )
            for item in _get(c, "levels_by_age", cw)
        ),
    )
    _covers(child.levels_by_age, child.ages, cw)

    a = _get(data, "adult_education_level", where)
    aw = f"{where}: adult_education_level"
    adult = AdultEducation(
        source=_source(a, aw),
        ages=_band(_get(a, "ages", aw), aw),
        in_training_statuses=_codes(_get(a, "in_training_statuses", aw), statuses, aw),
        in_training_levels=_codes(_get(a, "in_training_levels", aw), levels, aw),
        required_by_age=tuple(
            DiplomaForAges(
                ages=_band(_get(item, "ages", aw), aw),
                completed=_codes(_get(item, "completed", aw), EducationCompleted.values, aw),
                vocational_certificate=bool(_get(item, "vocational_certificate", aw)),
            )
            for item in _get(a, "required_by_age", aw)
        ),
    )
    _covers(adult.required_by_age, adult.ages, aw)

    r = _get(data, "right_age_attendance", where)
    rw = f"{where}: right_age_attendance"
    target = _get(r, "target_percent", rw)
    if not isinstance(target, int) or not 0 < target <= 100:
        raise ParameterError(f"{rw}: target_percent is a whole percentage, 1 to 100")
    right_age = RightAgeAttendance(
        source=_source(r, rw),
        household_statuses=_codes(_get(r, "household_statuses", rw), HouseholdStatus.values, rw),
        target_percent=target,
    )
    o = _get(data, "out_of_school", where)
    ow = f"{where}: out_of_school"
    d = _get(data, "dropout", where)
    return IndicatorParameters(
        age_month=month,
        age_day=day,
        child=child,
        adult=adult,
        right_age=right_age,
        out_of_school_ages=_band(_get(o, "ages", ow), ow),
        out_of_school_source=_source(o, ow),
        dropout_levels=_codes(_get(d, "levels", f"{where}: dropout"), levels, f"{where}: dropout"),
    )


def parse_risk_weights(data: dict, where: str = "risk") -> RiskWeights:
    threshold = _get(data, "threshold", where)
    factors = _get(data, "factors", where)
    if not isinstance(factors, dict) or not (
        set(RISK_FACTORS) - set(LATER_FACTORS) <= set(factors) <= set(RISK_FACTORS)
    ):
        raise ParameterError(f"{where}: factors must be exactly {list(RISK_FACTORS)}")
    factors = {name: {"weight": 0} for name in LATER_FACTORS} | factors
    weights = {}
    for name in RISK_FACTORS:
        weight = _get(factors[name], "weight", f"{where}: {name}")
        if not isinstance(weight, int) or weight < 0:
            raise ParameterError(f"{where}: {name}: a weight is a whole number >= 0")
        weights[name] = weight
    if not isinstance(threshold, int) or not 0 < threshold <= sum(weights.values()):
        raise ParameterError(f"{where}: threshold must be between 1 and the sum of the weights")
    poor = factors["poor_household"]
    below = _get(factors["low_attendance"], "below_percent", f"{where}: low_attendance")
    if not isinstance(below, int) or not 0 < below <= 100:
        raise ParameterError(f"{where}: low_attendance: below_percent is 1 to 100")
    drop = _get(factors["recent_absences"], "drop_points", f"{where}: recent_absences")
    if not isinstance(drop, int) or not 0 < drop <= 100:
        raise ParameterError(f"{where}: recent_absences: drop_points is 1 to 100")
    very_low = _get(
        factors["very_low_attendance"], "below_percent", f"{where}: very_low_attendance"
    )
    if not isinstance(very_low, int) or not 0 < very_low <= below:
        raise ParameterError(
            f"{where}: very_low_attendance: below_percent is 1 to low_attendance's below_percent"
        )
    fitted = data.get("fitted")
    if fitted is not None and not isinstance(fitted, dict):
        raise ParameterError(f"{where}: fitted: expected a mapping")
    return RiskWeights(
        threshold=threshold,
        weights=weights,
        poor_statuses=_codes(
            _get(poor, "household_statuses", f"{where}: poor_household"),
            HouseholdStatus.values,
            f"{where}: poor_household",
        ),
        low_attendance_below=below,
        absences_drop_points=drop,
        very_low_attendance_below=very_low,
        fitted=fitted,
    )


@cache
def _load_parameters(path: str) -> IndicatorParameters:
    return parse_parameters(_read(Path(path)), where=path)


@cache
def _load_risk_weights(path: str) -> RiskWeights:
    return parse_risk_weights(_read(Path(path)), where=path)


def indicator_parameters() -> IndicatorParameters:
    path = getattr(settings, "REACH_INDICATOR_PARAMETERS", DATA_DIR / "parameters.yaml")
    return _load_parameters(str(path))


def risk_weights() -> RiskWeights:
    return _load_risk_weights(str(getattr(settings, "REACH_RISK_WEIGHTS", DATA_DIR / "risk.yaml")))


def load_risk_weights(path: Path) -> RiskWeights:
    """The weights of the file at `path`, read now (not cached)."""
    return parse_risk_weights(_read(path), where=str(path))


def forget_loaded_weights() -> None:
    """Read the weights file again at the next `risk_weights()` (after a fit rewrote it)."""
    _load_risk_weights.cache_clear()
