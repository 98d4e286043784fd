import datetime as dt

from ninja import Schema


class FileEventOut(Schema):
    at: dt.datetime
    kind: str  # entitlement, approval, notice, payment, objection
    text: str
    run: int | None


class FileEnrolmentOut(Schema):
    school: str | None
    level: str
    grade: int | None
    status: str


class FileYearOut(Schema):
    school_year: int
    enrolments: list[FileEnrolmentOut]
    events: list[FileEventOut]


class StudentFileOut(Schema):
    person: int
    years: list[FileYearOut]
