"""The learning and training parameters of `data/targets.yaml` and the ages they use."""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.db.models import Q
from django.utils import timezone

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Targets:
    source: str
    percent: dict[str, int]
    community_level: str


@dataclass(frozen=True)
class TrainingParameters:
    source: str
    trained_percent: int
    certified_percent: int
    need_served_percent: int
    worker_household_statuses: tuple[str, ...]
    trained_since: dt.date
    trained_course_kinds: tuple[str, ...]
    working_ages: tuple[int, int]
    working_ages_confidence: str
    youth_ages: tuple[int, int]
    youth_household_statuses: tuple[str, ...]


def _ages(value, where: str) -> tuple[int, int]:
    low, high = (int(v) for v in value)
    if low > high:
        raise ValueError(f"{where}: ages {low}-{high} are reversed")
    return low, high


@cache
def _read() -> dict:
    with open(DATA_DIR / "targets.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def targets() -> Targets:
    data = _read()["learning_targets"]
    return Targets(
        source=data["source"],
        percent={key: int(value) for key, value in data["percent"].items()},
        community_level=data["community_level"],
    )


def training_parameters() -> TrainingParameters:
    data = _read()["training"]
    return TrainingParameters(
        source=data["source"],
        trained_percent=int(data["trained_percent"]),
        certified_percent=int(data["certified_percent"]),
        need_served_percent=int(data["need_served_percent"]),
        worker_household_statuses=tuple(data["worker_household_statuses"]),
        trained_since=dt.date.fromisoformat(data["trained_since"]),
        trained_course_kinds=tuple(data["trained_course_kinds"]),
        working_ages=_ages(data["working_ages"], "training.working_ages"),
        working_ages_confidence=str(data.get("working_ages_confidence", "")),
        youth_ages=_ages(data["youth_ages"], "training.youth_ages"),
        youth_household_statuses=tuple(data["youth_household_statuses"]),
    )


def year_end(year: int) -> dt.date:
    """Ages of a year are whole years on its 31 December."""
    return dt.date(year, 12, 31)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def aged(ages: tuple[int, int], on: dt.date, prefix: str = "") -> Q:
    """Persons aged `ages[0]` to `ages[1]` (inclusive) on `on`, as a birth-date range."""
    low, high = ages
    latest = _years_before(on, low)
    earliest = _years_before(on, high + 1) + dt.timedelta(days=1)
    return Q(**{f"{prefix}birth_date__gte": earliest, f"{prefix}birth_date__lte": latest})


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def this_year() -> int:
    """The year a page or the API opens on when none is asked for."""
    return timezone.localdate().year
