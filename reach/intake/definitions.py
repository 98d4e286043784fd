"""The universal-education rates and the entry grades of intake planning, read from
`data/universal.yaml` (or `REACH_UNIVERSAL_DEFINITIONS`) and validated once."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

from reach.common.languages import in_current_language
from reach.indicators.parameters import AgeBand
from reach.registry.choices import (
    EducationCompleted,
    EducationLevel,
    EnrolmentStatus,
    HouseholdStatus,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "universal.yaml"
LANGUAGES = ("en", "vi", "zh-hans")
POLICY_FLAGS = ("martyr_child", "orphan", "disabled", "ethnic_minority")


class DefinitionError(ValueError):
    """The definitions file is missing a value or holds one that cannot be used."""


@dataclass(frozen=True)
class Level:
    """A level of attainment of the standard; `threshold` None: not known, to confirm."""

    level: int
    threshold: float | None
    confidence: str


@dataclass(frozen=True)
class Rate:
    code: str
    labels: dict[str, str]
    source: str
    confidence: str
    ages: AgeBand
    attending: tuple[str, ...]
    completed: tuple[str, ...]
    levels: tuple[Level, ...]
    note: str = ""

    @property
    def label(self) -> str:
        return in_current_language(self.labels) or self.code

    def level_reached(self, value: float | None) -> int | None:
        """The highest level whose threshold `value` reaches; None when no threshold is
        known or none is reached."""
        reached = None
        if value is None:
            return None
        for level in self.levels:
            if level.threshold is not None and value >= level.threshold:
                reached = level.level
        return reached

    @property
    def thresholds_known(self) -> bool:
        return any(level.threshold is not None for level in self.levels)


@dataclass(frozen=True)
class EntryGradeRule:
    grade: int
    level: str
    by_age: int | None
    from_level: str
    from_grade: int | None
    source: str


@dataclass(frozen=True)
class Definitions:
    attending_statuses: tuple[str, ...]
    rates: dict[str, Rate]
    entry_grades: tuple[EntryGradeRule, ...]
    priority_statuses: tuple[str, ...]
    policy_flags: tuple[str, ...]


def _codes(value: object, allowed: list[str], where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or any(v not in allowed for v in value):
        raise DefinitionError(f"{where}: a list of {', '.join(allowed)}")
    return tuple(value)


def _rate(code: str, node: dict) -> Rate:
    where = f"rates.{code}"
    labels = node.get("label")
    if not isinstance(labels, dict) or set(labels) != set(LANGUAGES):
        raise DefinitionError(f"{where}.label: give it in {', '.join(LANGUAGES)}")
    for key in ("source", "confidence"):
        if not node.get(key):
            raise DefinitionError(f"{where}.{key}: required")
    ages = node.get("ages")
    if not (isinstance(ages, list) and len(ages) == 2 and 0 <= ages[0] <= ages[1]):
        raise DefinitionError(f"{where}.ages: [first, last]")
    attending = _codes(node.get("attending", []), EducationLevel.values, f"{where}.attending")
    completed = _codes(node.get("completed", []), EducationCompleted.values, f"{where}.completed")
    if not attending and not completed:
        raise DefinitionError(f"{where}: say what counts (attending or completed)")
    levels = []
    for item in node.get("levels") or []:
        threshold = item.get("threshold_percent")
        if threshold is not None and not 0 <= float(threshold) <= 100:
            raise DefinitionError(f"{where}.levels: a threshold is a percent")
        if threshold is None and item.get("confidence") != "to confirm":
            raise DefinitionError(f"{where}.levels: a threshold left null is 'to confirm'")
        levels.append(
            Level(
                level=int(item["level"]),
                threshold=None if threshold is None else float(threshold),
                confidence=str(item.get("confidence", "")),
            )
        )
    return Rate(
        code=code,
        labels={k: str(v) for k, v in labels.items()},
        source=str(node["source"]),
        confidence=str(node["confidence"]),
        ages=AgeBand(int(ages[0]), int(ages[1])),
        attending=attending,
        completed=completed,
        levels=tuple(levels),
        note=str(node.get("note", "")),
    )


def _entry(node: dict) -> EntryGradeRule:
    where = f"entry_grades.{node.get('grade')}"
    grade = node.get("grade")
    if grade not in (0, 1, 6, 10):
        raise DefinitionError(f"{where}: grade is one of 0, 1, 6, 10")
    if node.get("level") not in EducationLevel.values:
        raise DefinitionError(f"{where}.level: an education level")
    by_age, from_grade = node.get("by_age"), node.get("from_grade")
    if (by_age is None) == (from_grade is None):
        raise DefinitionError(f"{where}: either by_age or from_grade")
    if from_grade is not None and node.get("from_level") not in EducationLevel.values:
        raise DefinitionError(f"{where}.from_level: an education level")
    return EntryGradeRule(
        grade=int(grade),
        level=str(node["level"]),
        by_age=None if by_age is None else int(by_age),
        from_level=str(node.get("from_level", "")),
        from_grade=None if from_grade is None else int(from_grade),
        source=str(node.get("source", "")),
    )


def load_definitions(path: Path) -> Definitions:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rates = data.get("rates")
    if not isinstance(rates, dict) or not rates:
        raise DefinitionError("rates: at least one definition")
    priority = data.get("priority") or {}
    return Definitions(
        attending_statuses=_codes(
            data.get("attending_statuses"), EnrolmentStatus.values, "attending_statuses"
        ),
        rates={code: _rate(code, node) for code, node in rates.items()},
        entry_grades=tuple(_entry(node) for node in data.get("entry_grades") or []),
        priority_statuses=_codes(
            priority.get("household_statuses", []),
            HouseholdStatus.values,
            "priority.household_statuses",
        ),
        policy_flags=_codes(
            priority.get("policy_family_flags", []), list(POLICY_FLAGS), "priority.policy_flags"
        ),
    )


@cache
def _cached(path: str) -> Definitions:
    return load_definitions(Path(path))


def universal_definitions() -> Definitions:
    """The definitions of `REACH_UNIVERSAL_DEFINITIONS` (default `data/universal.yaml`)."""
    return _cached(str(getattr(settings, "REACH_UNIVERSAL_DEFINITIONS", None) or DATA_FILE))
