import datetime as dt

from ninja import Schema

from reach.common.schemas import Invalid


class CrosscheckRunOut(Schema):
    """A comparison run and the counts of its ledgers."""

    id: int
    unit: str
    month: dt.date
    school_year: int
    status: str
    filename: str
    register_rows: int
    matched: int
    outside_unit: int
    school_age: int
    not_in_register: int
    not_attending: int
    suspected: int
    dropouts: int
    poor_dropouts: int
    cases_opened: int


class CrosscheckDueOut(Schema):
    """A unit due to compare a school register in the month: when it last compared (null:
    never) and the rhythm of `rules.yaml` that has it compare, with its source and confidence."""

    unit: str
    name: str
    level: str
    last_compared: dt.date | None
    every_months: int
    source: str
    confidence: str


class FindingOut(Schema):
    """A child on a list: name and national ID masked to its last four characters, no birth
    date or address, unless the caller may see them unmasked (`masked` says which)."""

    person_id: int
    full_name: str
    national_id: str
    household_status: str
    poor: bool
    mismatch: str
    school_code: str
    masked: bool


class RowError(Schema):
    line: int
    column: str
    reason: str


class RegisterRejectedOut(Invalid):
    """422: nothing was kept; `errors` lists every bad row (empty when the file itself was
    refused: `detail` then says why)."""

    errors: list[RowError] = []
