import datetime as dt

from ninja import Schema


class PlanOut(Schema):
    id: int
    code: str
    number: str
    title: str
    unit: str
    organisation: str | None
    issued_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    implements: int | None
    bases: list[str]
    task_count: int
    done_count: int
    overdue_count: int


class TaskOut(Schema):
    id: int
    section: str
    number: str  # empty for a section row
    content: str
    window_text: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    window_understood: bool
    lead: list[str]
    co_units: list[str]
    lead_text: str
    co_text: str
    deliverable: str
    status: str


class TargetOut(Schema):
    """A target with its actual computed from the records the caller sees (never typed)."""

    id: int
    indicator: str
    label: str
    unit: str
    task: int | None
    direction: str
    value: float
    school_year: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    baseline_value: float | None
    baseline_year: int | None
    available: bool
    reason: str
    actual: float | None
    actual_year: int | None
    numerator: int | None
    denominator: int | None
    expected: float | None
    light: str
    source: str
    confidence: str
