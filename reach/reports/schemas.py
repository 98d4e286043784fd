import datetime as dt

from ninja import Schema


class FigureOut(Schema):
    numerator: int | None
    denominator: int | None
    value: float | None


class ReportOut(Schema):
    id: int
    template: str
    unit: str
    organisation: str | None
    period_kind: str
    period_label: str
    starts_on: dt.date
    ends_on: dt.date
    school_year: int
    due_on: dt.date
    status: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class SubUnitOut(Schema):
    code: str
    name: str
    missing: bool
    figures: dict[str, FigureOut]


class ReportEventOut(Schema):
    action: str
    by: str
    at: dt.datetime
    reason: str
    figures: list[str]


class DriftOut(Schema):
    figure: str
    signed: FigureOut
    live: FigureOut


class ReportDetailOut(ReportOut):
    narrative: dict[str, str]
    # The snapshot frozen at submission (None while a draft): figures and the table of
    # sub-units; never altered afterwards.
    snapshot_taken_at: str | None
    # When the figures' counts kept per unit it was read from were computed (None: counted
    # from the records when it was taken, or not taken yet)
    snapshot_counted_as_of: str | None = None
    figures: dict[str, FigureOut] | None
    sub_units: list[SubUnitOut] | None
    returned_figures: dict[str, str]
    drift: list[DriftOut]
    history: list[ReportEventOut]


class BoardRowOut(Schema):
    unit: str
    name: str
    report: int | None
    state: str
    due_on: dt.date
    late: bool


class ReportBoardOut(Schema):
    template: str
    unit: str
    period_label: str
    starts_on: dt.date
    ends_on: dt.date
    # the day `unit` closed when the period lies after it: the rows are the units standing for it
    closed_on: dt.date | None
    rows: list[BoardRowOut]


class DataValueSetOut(Schema):
    dataValues: list[dict[str, str]]  # noqa: N815  # DHIS2's own field name


class Dhis2Out(Schema):
    dataValueSet: DataValueSetOut  # noqa: N815
    unmapped: list[str]
