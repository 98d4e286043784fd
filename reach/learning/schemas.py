import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

FIRST_YEAR, LAST_YEAR = 2000, 2100
Year = Annotated[
    int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="A calendar year (2000 to 2100).")
]


class CriterionOut(Schema):
    code: str
    group: str
    label: str
    max_points: int | None  # None: to confirm
    computed: str


class CriteriaSetOut(Schema):
    id: int
    code: str
    version: int
    title: str
    name: str
    source: str
    confidence: str
    pass_mark: int | None  # None: to confirm
    criteria: list[CriterionOut]


class ScoreOut(Schema):
    code: str
    max_points: int | None
    self_points: int | None
    computed_points: int | None
    computed_value: str
    board_points: int | None


class RegistrationOut(Schema):
    id: int
    year: int
    title: str
    subject: str
    unit: str
    criteria_set: str
    status: str
    self_score: int | None
    board_score: int | None
    pass_mark: int | None
    decision_number: str
    decided_on: dt.date | None


class RegistrationDetail(RegistrationOut):
    scores: list[ScoreOut]


class RegisterIn(Schema):
    """Name the criteria set version and one subject of its title."""

    year: Year
    criteria_set: int
    household: int | None = None
    clan: int | None = None
    community: str | None = None  # a unit code
    organisation: int | None = None
    school: int | None = None
    person: int | None = None


class PointsIn(Schema):
    points: dict[str, int | None]


class EvaluationIn(Schema):
    board: str
    points: dict[str, int | None] | None = None


class DecisionIn(Schema):
    decision_number: str
    decided_on: dt.date


class TitleRateOut(Schema):
    title: str
    recognised: int
    total: int
    rate: float | None
    target: int | None


class TitleRatesOut(Schema):
    unit: str | None
    rates: list[TitleRateOut]


class TrainingFiguresOut(Schema):
    unit: str | None
    workers: int
    trained: int
    certified: int
    youth_need: int
    served: int
    trained_rate: float | None
    certified_rate: float | None
    served_rate: float | None


class TrainingPersonOut(Schema):
    """A person behind a training figure: no national ID, birth date or address."""

    id: int
    full_name: str
    household: str
    unit: str


class CourseOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    unit: str
    provider: str
    starts_on: dt.date
    ends_on: dt.date
    certificate: bool
    participant_count: int
    completed_count: int


class ParticipantOut(Schema):
    id: int
    person: int
    full_name: str
    status: str
    completed_on: dt.date | None
    certificate_number: str
    days_present: int


class CourseIn(Schema):
    code: str
    name: str
    kind: str
    unit: str
    starts_on: dt.date
    ends_on: dt.date
    certificate: bool = False
    completes_level: str = ""
    provider_name: str = ""


class ParticipantIn(Schema):
    person: int


class CompletionIn(Schema):
    completed_on: dt.date
    certificate_number: str = ""


class ClanIn(Schema):
    unit: str
    name: str
    households: list[int] = []


class ClanOut(Schema):
    id: int
    unit: str
    name: str
    household_count: int


class AttendanceIn(Schema):
    on: dt.date
    present: bool = True


class BoardUnitOut(Schema):
    unit: str
    name: str
    has_board: bool
    established_on: dt.date | None
    decision_number: str


class BoardsOut(Schema):
    """The sub-units with a board against the aim, and the list behind the rate."""

    unit: str | None
    with_board: int
    total: int
    rate: float | None
    target: float
    units: list[BoardUnitOut]
    without: list[str]


class EventOut(Schema):
    id: int
    on: dt.date
    period: str
    unit: str
    organisation: str | None
    kind: str
    name: str
    participants: int
    products: str
    funds_raised_minor: int
    currency: str


class ReportedFundsOut(Schema):
    currency: str
    events: int
    amount_minor: int


class KindCountOut(Schema):
    kind: str
    events: int
    participants: int


class FundsRaisedOut(Schema):
    currency: str
    receipts: int
    amount_minor: int


class MonthReportOut(Schema):
    unit: str
    year: int
    events: int
    participants: int
    by_kind: list[KindCountOut]
    funds: list[FundsRaisedOut]
    in_kind_receipts: int
    reported_at_events: list[ReportedFundsOut]


class CommendationOut(Schema):
    id: int
    year: int
    period: str
    unit: str
    organisation: str | None
    person_id: int | None
    recipient: str
    achievement: str
    level: str
    award: str
    decision_number: str
    decided_on: dt.date


class OutreachIn(Schema):
    unit: str
    on: dt.date
    channel: str
    audience: str
    name: str
    task: int | None = None
    campaign: int | None = None
    articles: int = Field(0, ge=0)
    clips: int = Field(0, ge=0)
    publications: int = Field(0, ge=0)
    note: str = ""


class OutreachOut(Schema):
    id: int
    unit: str
    on: dt.date
    channel: str
    audience: str
    name: str
    task: int | None
    campaign: int | None
    articles: int
    clips: int
    publications: int
