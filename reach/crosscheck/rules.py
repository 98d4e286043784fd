"""The cross-check's rules as data (`data/rules.yaml`) and its school ages (the indicators')."""

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from reach.geo.choices import UnitLevel
from reach.indicators.parameters import AgeBand, indicator_parameters

DATA = Path(__file__).resolve().parent / "data" / "rules.yaml"


@dataclass(frozen=True)
class Rhythm:
    """How often the units of a level of a country compare a register (`rhythm:` in the data)."""

    country: str
    level: str
    every_months: int
    source: str
    confidence: str


@dataclass(frozen=True)
class Rules:
    source: str
    poor_statuses: tuple[str, ...]
    attending_statuses: tuple[str, ...]
    rhythms: tuple[Rhythm, ...]


@functools.cache
def rules() -> Rules:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return Rules(
        source=str(data["source"]),
        poor_statuses=tuple(data["poor_statuses"]),
        attending_statuses=tuple(data["attending_statuses"]),
        rhythms=tuple(_rhythm(country, value) for country, value in data["rhythm"].items()),
    )


def _rhythm(country: str, data: dict) -> Rhythm:
    level, every = data["level"], data["every_months"]
    if level not in UnitLevel.values:
        raise ValueError(f"{DATA}: rhythm {country}: unknown level {level!r}")
    if not isinstance(every, int) or not 1 <= every <= 12:
        raise ValueError(f"{DATA}: rhythm {country}: every_months is 1 to 12")
    return Rhythm(
        country=str(country),
        level=level,
        every_months=every,
        source=str(data["source"]),
        confidence=str(data["confidence"]),
    )


def school_ages() -> AgeBand:
    return indicator_parameters().out_of_school_ages
