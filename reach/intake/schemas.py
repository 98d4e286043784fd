from ninja import Schema
from pydantic import Field

from reach.common.schemas import SchoolYear


class LevelOut(Schema):
    level: int
    threshold_percent: float | None  # None: not in the facts, to confirm
    confidence: str


class RateOut(Schema):
    code: str
    label: str
    ages: list[int]
    counted: int
    population: int
    value: float | None
    level_reached: int | None
    levels: list[LevelOut]
    source: str
    confidence: str


class UnitRatesOut(Schema):
    unit: str
    rates: list[RateOut]


class IntakePersonOut(Schema):
    """A person behind a number: no national ID, birth date or address."""

    id: int
    full_name: str
    household: str
    unit: str


class WardIntakeOut(Schema):
    ward: str
    children: int
    priority: int
    places: int
    gap: int
    placed_in_ward: int
    placed_elsewhere: int
    unplaced: int


class SchoolPlacesOut(Schema):
    school: str
    ward: str
    places: int
    allocated: int
    free: int


class IntakeChildOut(Schema):
    id: int
    full_name: str
    household: str
    ward: str
    priority: bool
    school: str | None


class IntakeOut(Schema):
    district: str
    school_year: int
    entry_year: int
    grade: int
    wards: list[WardIntakeOut]
    schools: list[SchoolPlacesOut]
    children: list[IntakeChildOut]
    unplaced: list[IntakeChildOut]
    not_named: int


class CapacityIn(Schema):
    school: str = Field(description="The school's code.")
    school_year: SchoolYear
    grade: int = Field(description="Entry grade: 0 (preschool), 1, 6 or 10.")
    places: int = Field(ge=0)


class CapacityOut(Schema):
    id: int
    school: str
    school_year: int
    grade: int
    places: int


class FinisherOut(Schema):
    id: int
    full_name: str
    household: str
    unit: str
    school: str | None
    next_step: str


class StreamingOut(Schema):
    school_year: int
    counts: dict[str, int]
    finishers: list[FinisherOut]


class NextStepIn(Schema):
    person: int
    school_year: SchoolYear
    outcome: str = Field(description="work, vocational or continuing")
    note: str = ""


class OpenCasesIn(Schema):
    school_year: SchoolYear
    unit: str = ""


class OpenedOut(Schema):
    opened: int


class NextStepOut(Schema):
    id: int
    next_step: str
