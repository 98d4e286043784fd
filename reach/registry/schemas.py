import datetime as dt

from ninja import Schema

from reach.common.schemas import SchoolYear


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
    address: str  # empty when masked
    member_count: int
    masked: bool  # national IDs, birth dates and the address masked for this caller


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
    birth_date: dt.date | None  # None when masked
    national_id: str | None  # its last four characters when masked
    ethnicity: str
    ethnic_minority: bool
    disabled: bool
    orphan: bool
    martyr_child: bool
    left_behind: bool
    migrant: bool
    unsupported: bool
    caregiver_name: str  # empty when masked
    caregiver_relation: str
    relation: str
    education_completed: str
    vocational_certificate: bool
    masked: bool


class PersonDetail(PersonOut):
    enrolments: list[EnrolmentOut]


class HouseholdDetail(HouseholdOut):
    statuses: list[StatusOut]
    members: list[PersonDetail]


class ImportErrorOut(Schema):
    line: int
    column: str
    reason: str


class ImportBatchOut(Schema):
    """An uploaded file: a household import, its preview (`summary`) and every bad row
    (`errors`), or a payment-result file recorded in the background (`kind` "payments")."""

    id: int
    kind: str  # "households" or "payments"
    filename: str
    status: str
    row_count: int
    summary: dict
    errors: list[ImportErrorOut]
    duplicates: list[dict]
    progress_done: int
    progress_total: int


class ImportQueuedOut(Schema):
    """A large household file accepted for checking in the background: read the batch at
    `status_url` until its status is no longer "queued" or "checking"."""

    id: int
    status: str
    status_url: str


class EnrolmentIn(Schema):
    """An enrolment to record: `school` is the school's code (none: a school outside the
    registry), `school_year` the year it starts in (2024 is 2024-2025)."""

    school: str | None = None
    school_year: SchoolYear
    level: str
    grade: int | None = None
    boarding: bool = False
    program: str = ""
    school_days: int | None = None
    attendance_rate: int | None = None
    reason: str = ""


class PersonIn(Schema):
    """A person to add to a household, with their enrolment if school staff add a pupil."""

    household_id: int
    full_name: str
    sex: str
    birth_date: dt.date
    relation: str
    national_id: str | None = None
    ethnicity: str = ""
    ethnic_minority: bool = False
    disabled: bool = False
    orphan: bool = False
    martyr_child: bool = False
    left_behind: bool = False
    migrant: bool = False
    unsupported: bool = False
    caregiver_name: str = ""
    caregiver_relation: str = ""
    education_completed: str = "none"
    vocational_certificate: bool = False
    enrolment: EnrolmentIn | None = None
    reason: str = ""


class PersonPatch(Schema):
    """The personal details to correct; the others stay as they are."""

    full_name: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    national_id: str | None = None
    ethnicity: str | None = None
    ethnic_minority: bool | None = None
    disabled: bool | None = None
    orphan: bool | None = None
    martyr_child: bool | None = None
    left_behind: bool | None = None
    migrant: bool | None = None
    unsupported: bool | None = None
    caregiver_name: str | None = None
    caregiver_relation: str | None = None
    relation: str | None = None
    education_completed: str | None = None
    vocational_certificate: bool | None = None
    reason: str = ""


class EnrolmentEnd(Schema):
    """How an enrolment ended (dropped_out, transferred, graduated); `reason` (when and why)
    goes into the audit trail."""

    status: str
    reason: str = ""


class StatusIn(Schema):
    """A household's poverty status of a year, as the ward's official list has it."""

    status: str
    decision: str = ""
    reason: str = ""
