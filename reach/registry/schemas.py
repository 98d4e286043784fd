import datetime as dt

from ninja import Schema


class UnitOut(Schema):
    code: str
    name: str
    level: str
    unit_path: str


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class HouseholdOut(Schema):
    id: int
    code: str
    unit: str
    unit_path: str
    status: str | None
    head_name: str
    address: str
    member_count: int


class HouseholdPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[HouseholdOut]


class StatusOut(Schema):
    year: int
    status: str
    decision: str


class EnrolmentOut(Schema):
    id: int
    school_year: int
    school: str | None
    level: str
    grade: int | None
    boarding: bool
    status: str
    attendance_rate: int | None


class PersonOut(Schema):
    id: int
    household_id: int
    full_name: str
    sex: str
    birth_date: dt.date
    national_id: str | None
    ethnicity: str
    ethnic_minority: bool
    disabled: bool
    orphan: bool
    martyr_child: bool
    relation: str
    education_completed: str
    vocational_certificate: bool


class PersonDetail(PersonOut):
    enrolments: list[EnrolmentOut]


class HouseholdDetail(HouseholdOut):
    statuses: list[StatusOut]
    members: list[PersonDetail]


class ErrorOut(Schema):
    detail: str


class ImportErrorOut(Schema):
    line: int
    column: str
    reason: str


class ImportBatchOut(Schema):
    """A staged household import: its preview (`summary`) and every bad row (`errors`)."""

    id: int
    filename: str
    status: str
    row_count: int
    summary: dict
    errors: list[ImportErrorOut]
    duplicates: list[dict]


REFUSALS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
