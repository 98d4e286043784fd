import datetime as dt

from ninja import Schema

from reach.common.schemas import SchoolYear


class RunRequestIn(Schema):
    policies: list[str]
    school_year: SchoolYear
    unit: str | None = None  # a unit code; None: everything (administrators only)


class RunOut(Schema):
    id: int
    policies: list[str]
    school_year: int
    unit: str | None
    status: str
    progress_done: int
    progress_total: int
    percent_done: int
    error: str
    versions: dict[str, int]
    stage: str  # draft, submitted, returned, approved, published, closed, replaced
    corrects: int | None  # the run this one corrects
    created_at: dt.datetime
    finished_at: dt.datetime | None


class RunStarted(RunOut):
    joined: bool  # a run of the same key was already waiting or going


class RunDetail(RunOut):
    totals: dict
    whole: bool  # False: the totals are those of the caller's pupils only
    diff: dict


class LineOut(Schema):
    id: int
    run: int
    person: int
    household: int
    unit: str
    policy: str
    benefit: str
    benefit_version: int
    school_year: int
    amount_minor: int
    currency: str
    in_kind: list[dict]
    funding: list[dict]
    status: str  # draft, in_force, superseded


class LinePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[LineOut]


class CheckOut(Schema):
    words: str
    value: str
    passed: bool
    negated: bool
    in_favour: bool


class VerdictOut(Schema):
    policy: str
    benefit: str
    name: str
    outcome: str  # granted, refused, superseded, no_amount
    rule: str
    checks: list[CheckOut]
    source: dict
    amount_minor: int
    currency: str
    amount_words: str
    superseded_by: str
    note: str
    line_id: int | None


class PersonEntitlements(Schema):
    person: int
    school_year: int | None
    lines: list[LineOut]
    notes: list[str]
    verdicts: list[VerdictOut]


class NoticeSchoolOut(Schema):
    id: int
    code: str
    name: str


class NoticeWardOut(Schema):
    code: str
    name: str


class NoticeLineOut(Schema):
    """A line as the public notice shows it: name and national ID masked, no birth date,
    household code or address."""

    line: int
    name: str
    national_id: str
    school: str
    unit: str
    benefit: str
    benefit_name: str
    amount_minor: int
    currency: str


class NoticeOut(Schema):
    run: int
    stage: str
    published_at: dt.datetime | None
    objections_until: dt.date | None
    schools: list[NoticeSchoolOut]  # the places the caller may choose
    wards: list[NoticeWardOut]
    place: str | None  # the school or ward asked for
    lines: list[NoticeLineOut]


class ObjectionIn(Schema):
    line: int
    raised_by: str
    contact: str = ""
    reason: str


class ResolutionIn(Schema):
    resolution: str = ""


class ObjectionOut(Schema):
    id: int
    line: int
    run: int
    person: int
    raised_by: str
    contact: str
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    status: str  # open, upheld, dismissed
    resolution: str
    resolved_by: str | None
    resolved_at: dt.datetime | None
    correction: int | None  # the correction run an upheld objection started
