import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

Year = Annotated[int, Field(ge=2000, le=2100, description="A calendar year (2000 to 2100).")]
Minor = Annotated[int, Field(ge=0, description="An amount in minor units of the currency.")]


class SchoolOut(Schema):
    id: int
    code: str
    name: str
    unit: str


class ProjectOut(Schema):
    id: int
    kind: str
    title: str
    need: int | None
    budget_minor: int
    currency: str
    funding: str
    fund: int | None
    drawn_from_fund_minor: int
    status: str
    planned_on: dt.date
    started_on: dt.date | None
    completed_on: dt.date | None
    cancelled_on: dt.date | None
    cost_minor: int | None


class NeedOut(Schema):
    id: int
    kind: str
    description: str
    quantity: int | None
    status: str
    recorded_on: dt.date
    closed_on: dt.date | None
    projects: list[int]


class PlacementOut(Schema):
    id: int
    teacher_name: str
    sent_by: str
    subject: str
    starts_on: dt.date
    ends_on: dt.date | None


class TrainingOut(Schema):
    id: int
    held_on: dt.date
    topic: str
    hours: Decimal
    teachers: int
    provider: str


class ActivityOut(Schema):
    id: int
    held_on: dt.date
    kind: str
    description: str


class PairingOut(Schema):
    id: int
    kind: str
    helper: SchoolOut
    school: SchoolOut
    starts_on: dt.date
    ends_on: dt.date | None
    focus: str
    activities: list[ActivityOut]


class AmountOut(Schema):
    currency: str
    amount_minor: int


class SchoolPlanOut(Schema):
    school: SchoolOut
    needs: list[NeedOut]
    projects: list[ProjectOut]
    placements: list[PlacementOut]
    trainings: list[TrainingOut]
    pairings: list[PairingOut]
    received: list[AmountOut]


class ReceivedRowOut(Schema):
    school: SchoolOut | None  # None: the total
    extremely_difficult_commune: bool
    poor_village: bool
    projects_completed: int
    amounts: list[AmountOut]
    teachers_sent: int
    trainings: int
    teachers_trained: int
    pairings: int


class ReceivedOut(Schema):
    year: int
    rows: list[ReceivedRowOut]
    total: ReceivedRowOut


class FlagIn(Schema):
    poor_village: bool
    decision: str = ""


class NeedIn(Schema):
    kind: str
    recorded_on: dt.date
    description: str = ""
    quantity: int | None = Field(default=None, ge=1)


class DateIn(Schema):
    on: dt.date


class ProjectIn(Schema):
    kind: str
    title: str = Field(max_length=200)
    budget_minor: Minor
    currency: str = Field(pattern="^(VND|CNY)$")
    funding: str
    planned_on: dt.date
    fund: int | None = None
    need: int | None = None
    note: str = Field(default="", max_length=500)


class ProjectStatusIn(Schema):
    status: str
    on: dt.date
    cost_minor: Minor | None = None


class SpendingIn(Schema):
    amount_minor: int = Field(gt=0)
    occurred_on: dt.date
    idempotency_key: str = Field(min_length=1, max_length=100)


class SpendingOut(Schema):
    transaction: int
    drawn_from_fund_minor: int


class PlacementIn(Schema):
    teacher_name: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date | None = None
    from_school: int | None = None
    from_organisation: int | None = None
    subject: str = Field(default="", max_length=100)


class TrainingIn(Schema):
    held_on: dt.date
    topic: str = Field(max_length=200)
    hours: Decimal = Field(gt=0, max_digits=6, decimal_places=1)
    teachers: int = Field(ge=1)
    provider: str = Field(default="", max_length=200)


class PairingIn(Schema):
    helper: int
    school: int
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    focus: str = Field(default="", max_length=300)


class ActivityIn(Schema):
    held_on: dt.date
    kind: str
    description: str = Field(max_length=500)
