"""The cross-check's rules as data (`data/rules.yaml`) and its school ages (the indicators')."""

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from reach.indicators.parameters import AgeBand, indicator_parameters

DATA = Path(__file__).resolve().parent / "data" / "rules.yaml"


@dataclass(frozen=True)
class Rules:
    source: str
    poor_statuses: tuple[str, ...]
    attending_statuses: tuple[str, ...]


@functools.cache
def rules() -> Rules:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return Rules(
        source=str(data["source"]),
        poor_statuses=tuple(data["poor_statuses"]),
        attending_statuses=tuple(data["attending_statuses"]),
    )


def school_ages() -> AgeBand:
    return indicator_parameters().out_of_school_ages
