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
